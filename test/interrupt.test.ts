// Ctrl-C during `edgemoe csim`: exit 130 at once, the compiler's whole process group ended (its cc1plus too), no
// temp object, no .build/run-* dir. A fake g++ makes the slow steps slow on purpose and marks its processes.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../generator/config/index.ts';
import { emitDesign } from '../generator/emit/emit.ts';
import { ROOT, scratch, TINY } from './helpers/paths.ts';
import { processesWith } from './helpers/processes.ts';

const FAKE_CXX = `#!/bin/sh
# A stand-in for g++: compiles (-c) by sleeping in a child when FAKE_SLOW_COMPILE is set (like cc1plus under g++);
# links a "testbench" that sleeps.
case "$*" in *--version*) echo "fake-cxx 1"; exit 0;; esac
out=""; prev=""
for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
case " $* " in
  *" -c "*) if [ -n "$FAKE_SLOW_COMPILE" ]; then sleep "$FAKE_MARK" & wait; fi; : > "$out";;
  *) printf '#!/bin/sh\\nexec sleep %s\\n' "$FAKE_MARK" > "$out"; chmod +x "$out";;
esac
`;

describe('interrupt (Ctrl-C)', function () {
  this.timeout(120_000);
  let dir: string;
  let cxx: string;
  before(() => {
    const root = scratch();
    dir = join(root, 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    cxx = join(root, 'fake-g++');
    writeFileSync(cxx, FAKE_CXX);
    chmodSync(cxx, 0o755);
  });

  /** Starts csim with the fake compiler, sends SIGINT once `ready()` holds, returns the exit and how long it took. */
  async function interruptCsim(mark: string, env: Record<string, string>, ready: (stderr: string) => boolean) {
    const child = execa('node', [join(ROOT, 'bin', 'edgemoe.js'), 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', join(TINY, 'image.png')], {
      reject: false,
      env: { ...env, CXX: cxx, FAKE_MARK: mark, EDGEMOE_CSIM_CACHE: '' }, // the design's own .build, checked below
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 600 && !ready(err) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(child.exitCode, null, `csim ended before the interrupt: ${err}`);
    const t0 = performance.now();
    child.kill('SIGINT');
    const r = await child;
    return { r, ms: performance.now() - t0, stderr: String(r.stderr) };
  }

  it('while compiling: exit 130, g++ and its child ended, no temp object left', async () => {
    const mark = String(3000 + (process.pid % 997));
    const { r, ms, stderr } = await interruptCsim(mark, { FAKE_SLOW_COMPILE: '1' }, () => processesWith(mark).length > 0);
    assert.equal(r.exitCode, 130, stderr);
    assert.ok(ms < 5000, `exited ${ms.toFixed(0)} ms after SIGINT`);
    assert.match(stderr, /edgemoe: interrupted \(SIGINT\)/);
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(processesWith(mark), [], 'the compiler\'s child outlived edgemoe');
    assert.deepEqual(readdirSync(join(dir, '.build')).filter((f) => f.includes('.tmp')), []);
  });

  it('while the testbench runs: exit 130, the testbench ended, no .build/run-* dir left', async () => {
    const mark = String(4000 + (process.pid % 997));
    const runDirs = () => (existsSync(join(dir, '.build')) ? readdirSync(join(dir, '.build')).filter((f) => f.startsWith('run-')) : []);
    const { r, stderr } = await interruptCsim(mark, {}, () => runDirs().length > 0 && processesWith(mark).length > 0);
    assert.equal(r.exitCode, 130, stderr);
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(processesWith(mark), [], 'the testbench outlived edgemoe');
    assert.deepEqual(runDirs(), []);
  });
});

describe('execGroup', () => {
  it('gives the exit code, stdout, stderr and both interleaved, each without its final newline', async () => {
    const { execGroup } = await import('../generator/interrupt.ts');
    const r = await execGroup('sh', ['-c', 'echo out1; sleep 0.05; echo err1 >&2; sleep 0.05; echo out2; exit 3']);
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'out1\nout2');
    assert.equal(r.stderr, 'err1');
    assert.equal(r.all, 'out1\nerr1\nout2');
  });

  it('a command that cannot start: no exit code, the reason in `all`, no rejection', async () => {
    const { execGroup } = await import('../generator/interrupt.ts');
    const r = await execGroup('/nonexistent/edgemoe-testbench', []);
    assert.equal(r.exitCode, undefined);
    assert.match(r.all, /\/nonexistent\/edgemoe-testbench: .*ENOENT/);
    // An argument spawn refuses at once (a NUL byte): also a result, not a throw.
    const bad = await execGroup('sh', ['-c', 'true\0']);
    assert.equal(bad.exitCode, undefined);
    assert.match(bad.all, /^sh: .*null bytes/);
  });

  it('the child has started when it returns: synchronous work that follows runs beside it', async () => {
    const { execGroup } = await import('../generator/interrupt.ts');
    const dir = scratch('edgemoe-exec-group-');
    const marker = join(dir, 'started');
    const r = execGroup('sh', ['-c', `: > ${marker}`]);
    // Without yielding to the event loop: a child spawned only after an await would never create the marker here.
    const until = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < until);
    assert.ok(existsSync(marker), 'the child ran while this thread was busy');
    assert.equal((await r).exitCode, 0);
  });
});
