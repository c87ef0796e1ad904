// buildCsim: content-hash caching of objects and binaries, defines and source edits, pruning of old entries.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildCsim, CompileError, CXXFLAGS, GCC_FLAGS } from '../../generator/csim/build.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { runCli } from '../helpers/cli.ts';
import { scratch, TINY } from '../helpers/paths.ts';

describe('buildCsim', function () {
  this.timeout(600_000);
  const dir = join(scratch(), 'tiny');
  // These tests are of the per-design cache: the suite's shared one (test/helpers/setup.ts) is off meanwhile.
  const shared = process.env.EDGEMOE_CSIM_CACHE;
  before(() => {
    process.env.EDGEMOE_CSIM_CACHE = '';
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
  });
  after(() => {
    process.env.EDGEMOE_CSIM_CACHE = shared;
  });

  it('csim (edgemoe csim and the Makefile) compiles with the C++ standard HLS uses (run_hls.tcl -cflags)', () => {
    const std = (s: string) => [...s.matchAll(/-std=(c\+\+\d+)/g)].map((m) => m[1]);
    const hls = [...new Set(std(readFileSync(join(dir, 'run_hls.tcl'), 'utf8')))];
    assert.equal(hls.length, 1, `one standard in run_hls.tcl: ${hls}`);
    assert.deepEqual(std(CXXFLAGS.join(' ')), hls);
    assert.deepEqual(std(/^CXXFLAGS \?=.*$/m.exec(readFileSync(join(dir, 'Makefile'), 'utf8'))![0]), hls);
  });

  it("g++ builds pass the lower-memory garbage-collection parameter (GCC_FLAGS; the Makefile's compile lines)", async () => {
    assert.deepEqual(GCC_FLAGS, ['--param', 'ggc-min-expand=30']);
    const { execa } = await import('execa');
    const r = await execa('make', ['-n', '-C', dir, 'CXX=g++', 'csim', 'bridge']);
    const compiles = String(r.stdout).split('\n').filter((l) => l.startsWith('g++ '));
    assert.equal(compiles.length, 2, String(r.stdout));
    for (const l of compiles) assert.ok(l.includes(' --param ggc-min-expand=30 '), l);
  });

  it('compiles once, then serves the cache; the shared build compiles the kernel for the host (stream defines)', async () => {
    const compiled: string[] = [];
    const onCompile = (s: string) => compiled.push(s.replace(/.*\//, ''));
    const exe = await buildCsim(dir, { kind: 'exe', onCompile });
    assert.deepEqual(compiled.sort(), ['kernel.cpp', 'testbench.cpp']);
    assert.ok(existsSync(exe) && exe.startsWith(join(dir, '.build')));
    compiled.length = 0;
    assert.equal(await buildCsim(dir, { kind: 'exe', onCompile }), exe);
    assert.deepEqual(compiled, []);
    const lib = await buildCsim(dir, { kind: 'shared', onCompile });
    // Loaded into the host, the kernel is built with EDGEMOE_STREAM_THROW_ON_EMPTY / _NO_EXIT_INFO: its own objects.
    assert.deepEqual(compiled.sort(), ['bridge.cpp', 'kernel.cpp']);
    compiled.length = 0;
    assert.equal(await buildCsim(dir, { kind: 'shared', onCompile }), lib);
    assert.deepEqual(compiled, []);
    assert.match(lib, /libedgemoe_csim\.so$/);
  });

  it('rebuilds for other defines and for edited sources', async () => {
    const compiled: string[] = [];
    const onCompile = (s: string) => compiled.push(s.replace(/.*\//, ''));
    const plain = await buildCsim(dir, { kind: 'exe' });
    const counted = await buildCsim(dir, { kind: 'exe', defines: ['EDGEMOE_COUNT_CYCLES'], onCompile });
    assert.notEqual(counted, plain);
    assert.deepEqual(compiled.sort(), ['kernel.cpp', 'testbench.cpp']);
    compiled.length = 0;
    appendFileSync(join(dir, 'tb', 'testbench.cpp'), '\n// edited\n');
    const edited = await buildCsim(dir, { kind: 'exe', onCompile });
    assert.deepEqual(compiled, ['testbench.cpp']);
    assert.notEqual(edited, plain);
  });

  it('$EDGEMOE_CSIM_CACHE: one cache for several design dirs; a copy of a design compiles nothing, an edit only its file', async () => {
    const cache = scratch();
    const [a, b] = ['a', 'b'].map((n) => join(scratch(), n));
    for (const d of [a!, b!]) emitDesign(resolveConfig({ preset: 'tiny' }), d);
    process.env.EDGEMOE_CSIM_CACHE = cache;
    try {
      const compiled: string[] = [];
      const onCompile = (s: string) => compiled.push(s.replace(/.*\//, ''));
      const exeA = await buildCsim(a!, { kind: 'exe', onCompile });
      assert.deepEqual(compiled.sort(), ['kernel.cpp', 'testbench.cpp']);
      assert.ok(exeA.startsWith(cache) && !existsSync(join(a!, '.build')));
      compiled.length = 0;
      assert.equal(await buildCsim(b!, { kind: 'exe', onCompile }), exeA);
      assert.deepEqual(compiled, []);
      appendFileSync(join(b!, 'tb', 'testbench.cpp'), '\n// edited\n');
      assert.notEqual(await buildCsim(b!, { kind: 'exe', onCompile }), exeA);
      assert.deepEqual(compiled, ['testbench.cpp']);
    } finally {
      process.env.EDGEMOE_CSIM_CACHE = '';
    }
  });

  it('deletes cache entries unused for two weeks', async () => {
    const stale = join(dir, '.build', 'stale.o');
    writeFileSync(stale, 'old');
    const old = new Date(Date.now() - 15 * 24 * 3600 * 1000);
    utimesSync(stale, old, old);
    await buildCsim(dir, { kind: 'exe' });
    assert.ok(!existsSync(stale));
  });

  it('reports compiler errors with the diagnostics', async () => {
    appendFileSync(join(dir, 'tb', 'testbench.cpp'), '\nthis is not C++;\n');
    await assert.rejects(buildCsim(dir, { kind: 'exe' }), (e: unknown) => e instanceof CompileError && /g\+\+ failed to compile .*testbench\.cpp \(a design file edited by hand\? .*\):\n.*testbench\.cpp:\d+:\d+: error:/.test((e as Error).message));
  });

  it('a hand-edited params.h that does not compile is a user error through the CLI: exit 2, g++\'s first diagnostics, no stack', async () => {
    const d = join(scratch(), 'edited');
    emitDesign(resolveConfig({ preset: 'tiny' }), d);
    appendFileSync(join(d, 'src', 'params.h'), '\nstatic const int broken = ;\n');
    const r = await runCli(['csim', '-d', d, '-w', join(TINY, 'weights.safetensors'), '-t', '0', join(TINY, 'image.png')]);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^edgemoe: error: g\+\+ failed to compile .*\.cpp \(a design file edited by hand\?/m);
    assert.match(r.stderr, /params\.h:\d+:\d+: error: /);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
  });
});
