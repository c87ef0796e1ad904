// edgemoe build with fake vitis_hls / v++ on PATH: the exact commands per target and platform, the inputs the tools
// see (the tcl names files that exist; link.cfg maps every m_axi bundle), the Makefile recipes, and a missing tool.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../../generator/config/index.ts';
import { PLATFORMS } from '../../generator/build/platforms.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { runBuild, type BuildOptions } from '../../generator/build/run.ts';
import type { Platform } from '../../generator/config/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT, scratch, TINY } from '../helpers/paths.ts';
import { isUserError } from '../../generator/errors.ts';
import { packDesign } from '../../generator/pack/pack.ts';
import { readDesign } from '../../generator/emit/design.ts';
import { loadImageBytes } from '../../generator/io/image.ts';
import { installFakeTools } from './fake-tools.ts';

const PARTS: Record<Platform, string> = { zcu102: 'xczu9eg-ffvb1156-2-e', u50: 'xcu50-fsvh2104-2-e', u280: 'xcu280-fsvh2892-2L-e' };
const CLOCK: Record<Platform, number> = { zcu102: 300, u50: 250, u280: 200 };

function designFor(platform: Platform): string {
  const cfg = resolveConfig({ preset: 'tiny', sets: [`hardware.platform=${platform}`, `hardware.part=${PARTS[platform]}`, `hardware.clockMHz=${CLOCK[platform]}`] });
  return emitDesign(cfg, join(scratch('edgemoe-build-'), `tiny-${platform}`)).dir;
}

/** PATH with the fake tools first (node stays reachable for the CLI itself). */
const pathWith = (fakeDir: string) => [fakeDir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter);

/** runBuild in this process with only the fake tools (and system dirs) on PATH. */
async function buildWith(fakeDir: string, o: BuildOptions): Promise<string> {
  const saved = process.env.PATH;
  process.env.PATH = pathWith(fakeDir);
  try {
    return (await runBuild(o)).output;
  } finally {
    process.env.PATH = saved;
  }
}

/** The m_axi bundles the generated kernel declares. */
function kernelBundles(dir: string): string[] {
  const src = readFileSync(join(dir, 'src', 'kernel.cpp'), 'utf8');
  return [...src.matchAll(/#pragma HLS INTERFACE m_axi port = (\w+) bundle = (\w+)/g)].map((m) => {
    assert.equal(m[1], m[2], 'each pointer argument is its own bundle');
    return m[2]!;
  });
}

/** Checks a run_hls.tcl against the design dir: every file it adds exists; top, part, clock and steps are right. */
function checkTcl(dir: string, tcl: string, platform: Platform): void {
  const added = [...tcl.matchAll(/^add_files (?:-tb )?(\S+)/gm)].map((m) => m[1]!);
  assert.ok(added.includes('src/kernel.cpp') && added.includes('tb/testbench.cpp'), `tcl adds ${added.join(', ')}`);
  for (const f of added) assert.ok(existsSync(join(dir, f)), `run_hls.tcl adds ${f}, which does not exist`);
  for (const inc of [...tcl.matchAll(/-I(\S+?)[\s"]/g)].map((m) => m[1]!)) assert.ok(existsSync(join(dir, inc)), `include dir ${inc} missing`);
  assert.match(tcl, /^set_top edgemoe_top$/m);
  assert.match(tcl, /^open_solution -reset solution1 -flow_target vitis$/m);
  assert.match(tcl, new RegExp(`^set_part ${PARTS[platform]}$`, 'm'));
  assert.match(tcl, new RegExp(`^create_clock -period ${Number((1000 / CLOCK[platform]).toFixed(4))} -name default$`, 'm'));
  for (const step of ['csim_design -argv', 'csynth_design', 'cosim_design -argv', 'export_design -format xo -output [pwd]/build/edgemoe_top.xo']) assert.ok(tcl.includes(step), `tcl lacks ${step}`);
}

/** Checks link.cfg: one CU, and every kernel bundle mapped once to a bank of the platform. */
function checkLink(dir: string, cfg: string, platform: Platform): void {
  assert.match(cfg, /^\[connectivity\]$/m);
  assert.match(cfg, /^nk=edgemoe_top:1:edgemoe_top_1$/m);
  const sp = new Map([...cfg.matchAll(/^sp=edgemoe_top_1\.(\w+):(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const bundles = kernelBundles(dir);
  assert.deepEqual([...sp.keys()].sort(), [...bundles].sort(), 'every m_axi bundle is mapped exactly once');
  const banks = [...sp.values()];
  if (platform === 'zcu102') {
    for (const b of banks) assert.ok(PLATFORMS.zcu102.memory.banks.includes(b), `${b} is not a ZCU102 PS port`);
    assert.deepEqual(banks, ['HP0', 'HP1', 'HP2', 'HP3', 'HPC0']);
  } else {
    for (const b of banks) assert.match(b, /^HBM\[(\d|[12]\d|3[01])\]$/);
    assert.equal(new Set(banks).size, banks.length, 'one pseudo-channel per bundle');
  }
}

describe('edgemoe build (fake Vitis tools)', function () {
  this.timeout(120000);
  for (const platform of ['zcu102', 'u50', 'u280'] as Platform[]) {
    describe(platform, () => {
      let dir: string;
      before(() => {
        dir = designFor(platform);
      });

      it('hls: vitis_hls -f run_hls.tcl in the design dir, synthesis only; the tcl is consistent with the design', async () => {
        const fake = installFakeTools(join(scratch(), 'bin'));
        assert.equal(await buildWith(fake.dir, { design: dir, target: 'hls' }), join(dir, 'hls_prj', 'solution1', 'syn', 'report'));
        const calls = fake.calls();
        assert.equal(calls.length, 1);
        assert.deepEqual({ tool: calls[0]!.tool, args: calls[0]!.args, cwd: calls[0]!.cwd, env: calls[0]!.env }, { tool: 'vitis_hls', args: ['-f', 'run_hls.tcl'], cwd: dir, env: { CSIM: '0', COSIM: '0', XO: '0' } });
        checkTcl(dir, calls[0]!.input!, platform);
        // What the script really ran in Tcl with synthesis only.
        assert.deepEqual(calls[0]!.steps!.map((x) => x.split(' ')[0]), ['open_project', 'set_top', 'add_files', 'add_files', 'open_solution', 'set_part', 'create_clock', 'config_interface', 'csynth_design']);
        assert.ok(calls[0]!.steps!.includes(`set_part ${PARTS[platform]}`));
        assert.ok(!existsSync(join(dir, 'build', 'edgemoe_top.xo')));
      });

      it('xo (with cosim): synthesis + export; the .xo appears', async () => {
        const fake = installFakeTools(join(scratch(), 'bin'));
        // The testbench inputs are checked first: neither weights.bin nor build/image.bin exists yet.
        await assert.rejects(buildWith(fake.dir, { design: dir, target: 'xo', cosim: true }), (e: unknown) => isUserError(e) && /^--cosim runs the testbench on the design's inputs, and .* lacks weights\.bin \(run `edgemoe pack .*`\) and build\/image\.bin \(give --image IMAGE\)$/.test((e as Error).message));
        assert.equal(fake.calls().length, 0, 'no tool ran');
        packDesign(readDesign(dir), join(TINY, 'weights.safetensors'));
        assert.equal(await buildWith(fake.dir, { design: dir, target: 'xo', cosim: true, image: join(TINY, 'image.png') }), join(dir, 'build', 'edgemoe_top.xo'));
        assert.deepEqual(readFileSync(join(dir, 'build', 'image.bin')), Buffer.from(loadImageBytes(join(TINY, 'image.png'), [3, 32, 64])));
        const calls = fake.calls();
        assert.deepEqual(calls.map((c) => [c.tool, c.args, c.env]), [['vitis_hls', ['-f', 'run_hls.tcl'], { CSIM: '0', COSIM: '1', XO: '1' }]]);
        assert.deepEqual(calls[0]!.steps!.slice(-3).map((x) => x.split(' ')[0]), ['csynth_design', 'cosim_design', 'export_design']);
        assert.ok(calls[0]!.steps!.includes(`export_design -format xo -output ${join(dir, 'build', 'edgemoe_top.xo')}`));
        assert.ok(!calls[0]!.steps!.some((x) => x.startsWith('csim_design')));
        assert.ok(existsSync(join(dir, 'build', 'edgemoe_top.xo')));
      });

      for (const mode of ['hw', 'hw_emu', 'sw_emu']) {
        it(`xclbin --mode ${mode}: v++ link with link.cfg on the platform's default v++ platform`, async () => {
          const fake = installFakeTools(join(scratch(), 'bin'));
          const out = await buildWith(fake.dir, { design: dir, target: 'xclbin', mode: mode as BuildOptions['mode'] });
          assert.equal(out, join(dir, 'build', mode, 'edgemoe_top.xclbin'));
          const calls = fake.calls();
          const vpp = calls.filter((c) => c.tool === 'v++');
          assert.equal(vpp.length, 1);
          assert.deepEqual(vpp[0]!.args, ['-l', '-t', mode, '--platform', PLATFORMS[platform].vppPlatform, '--config', 'link.cfg', '-o', `build/${mode}/edgemoe_top.xclbin`, 'build/edgemoe_top.xo']);
          assert.equal(vpp[0]!.cwd, dir);
          checkLink(dir, vpp[0]!.input!, platform);
          assert.ok(existsSync(out));
        });
      }
    });
  }

  it('CLI: xclbin exports the .xo first when it is missing, not when it is up to date; --platform overrides', async () => {
    const dir = designFor('u280');
    const fake = installFakeTools(join(scratch(), 'bin'));
    const env = { PATH: pathWith(fake.dir) };
    const a = await runCli(['build', '--design', dir, '--target', 'xclbin', '--platform', '/opt/xilinx/platforms/my.xpfm'], { env });
    assert.equal(a.exitCode, 0, a.stderr);
    assert.equal(a.stdout.trim(), `xclbin: ${join(dir, 'build', 'hw', 'edgemoe_top.xclbin')}`);
    assert.deepEqual(fake.calls().map((c) => c.tool), ['vitis_hls', 'v++']);
    assert.equal(fake.calls()[0]!.env.XO, '1');
    assert.deepEqual(fake.calls()[1]!.args.slice(0, 6), ['-l', '-t', 'hw', '--platform', '/opt/xilinx/platforms/my.xpfm', '--config']);
    const b = await runCli(['build', '--design', dir, '--target', 'xclbin', '--mode', 'hw_emu'], { env });
    assert.equal(b.exitCode, 0, b.stderr);
    assert.deepEqual(fake.calls().map((c) => c.tool), ['vitis_hls', 'v++', 'v++']);
  });

  it('a missing vitis_hls is one line naming the tool and settings64.sh, exit 2', async () => {
    const dir = designFor('zcu102');
    const r = await runCli(['build', '--design', dir, '--target', 'hls'], { env: { PATH: pathWith(join(scratch(), 'empty')) } });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^edgemoe: error: vitis_hls not found on PATH: run `source <Vitis install dir>\/settings64\.sh`/);
  });

  it('a missing v++ (vitis_hls present) fails the xclbin step the same way', async () => {
    const dir = designFor('u50');
    const fake = installFakeTools(join(scratch(), 'bin'), ['vitis_hls']);
    const r = await runCli(['build', '--design', dir, '--target', 'xclbin'], { env: { PATH: pathWith(fake.dir) } });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: v\+\+ not found on PATH: .*settings64\.sh/m);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('edgemoe:')).length, 1);
  });

  it('a bad target or mode is rejected with exit 2', async () => {
    const dir = designFor('zcu102');
    const r = await runCli(['build', '--design', dir, '--target', 'bitstream']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--target.*bitstream|Allowed choices/);
    const m = await runCli(['build', '--design', dir, '--target', 'xclbin', '--mode', 'emu']);
    assert.equal(m.exitCode, 2);
  });

  it('the design Makefile (make xclbin) and the top-level pass-through (make design) run the same commands', async () => {
    const dir = designFor('u50');
    const fake = installFakeTools(join(scratch(), 'bin'));
    const env = { ...process.env, PATH: pathWith(fake.dir) };
    const r = await execa('make', ['-C', dir, 'xclbin', 'TARGET=sw_emu'], { env, reject: false, all: true });
    assert.equal(r.exitCode, 0, String(r.all));
    assert.deepEqual(fake.calls().map((c) => [c.tool, c.args, c.env.XO]), [
      ['vitis_hls', ['-f', 'run_hls.tcl'], '1'],
      ['v++', ['-l', '-t', 'sw_emu', '--platform', 'xilinx_u50_gen3x16_xdma_5_202210_1', '--config', 'link.cfg', '-o', 'build/sw_emu/edgemoe_top.xclbin', 'build/edgemoe_top.xo'], null],
    ]);
    const bad = await execa('make', ['-C', dir, 'xclbin', 'TARGET=hw_sim'], { env, reject: false, all: true });
    assert.notEqual(bad.exitCode, 0);
    assert.match(String(bad.all), /TARGET must be hw, hw_emu or sw_emu/);
    const top = await execa('make', ['-s', 'design', `D=${dir}`, 'T=hls'], { cwd: ROOT, env, reject: false, all: true });
    assert.equal(top.exitCode, 0, String(top.all));
    assert.deepEqual(fake.calls().slice(2).map((c) => [c.tool, c.args, c.cwd]), [['vitis_hls', ['-f', 'run_hls.tcl'], dir]]);
  });
});

describe('edgemoe build --target csim', function () {
  this.timeout(180000);
  it('builds the g++ testbench (no Vitis tool needed) and prints its path', async () => {
    const dir = designFor('zcu102');
    const r = await runCli(['build', '--design', dir, '--target', 'csim'], { env: { PATH: pathWith(join(scratch(), 'empty')) } });
    assert.equal(r.exitCode, 0, r.stderr);
    const m = /^csim: (\S+)$/m.exec(r.stdout);
    assert.ok(m && existsSync(m[1]!), r.stdout);
    const usage = await execa(m![1]!, [], { reject: false, all: true });
    assert.match(String(usage.all), /usage: testbench --weights/);
  });
});

describe('run_hls.tcl switches (run in tclsh with stubbed HLS commands)', function () {
  this.timeout(60000);
  it('CSIM=1 runs csim_design on the design\'s weights and image before synthesis', async () => {
    const dir = designFor('zcu102');
    const fake = installFakeTools(join(scratch(), 'bin'), ['vitis_hls']);
    const r = await execa(join(fake.dir, 'vitis_hls'), ['-f', 'run_hls.tcl'], { cwd: dir, env: { ...process.env, CSIM: '1', COSIM: '', XO: '0' }, reject: false, all: true });
    assert.equal(r.exitCode, 0, String(r.all));
    const steps = fake.calls()[0]!.steps!;
    assert.deepEqual(steps.slice(-2), [`csim_design -argv {--weights ${dir}/weights.bin --image ${dir}/build/image.bin --out ${dir}/build/out.bin}`, 'csynth_design']);
  });
});
