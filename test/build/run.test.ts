// edgemoe build with recording stand-ins for vitis_hls / vitis-run / v++ / emconfigutil on PATH: the exact command
// lines of every target (hls, xo, xclbin hw|hw_emu|sw_emu, emconfig, package) on ZCU102 and U280, the inputs the
// tools see (the tcl names files that exist; link.cfg maps every m_axi bundle, sets the clock, pins the SLR), the
// design Makefile running the very same commands, the platform chosen per Vitis release, and the errors that must
// come before any tool runs (missing tool, common image, platform).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../../generator/config/index.ts';
import { PLATFORMS } from '../../generator/build/platforms.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { runBuild, type BuildOptions } from '../../generator/build/run.ts';
import type { Platform } from '../../generator/config/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT, scratch as makeScratch, TINY } from '../helpers/paths.ts';
import { isUserError } from '../../generator/errors.ts';
import { packDesign } from '../../generator/pack/pack.ts';
import { readDesign } from '../../generator/emit/design.ts';
import { loadImageBytes } from '../../generator/io/image.ts';
import { installFakeTools, type FakeTool, type ToolCall } from './fake-tools.ts';

const made: string[] = [];
/** A scratch dir removed after the suite. */
function scratch(prefix?: string): string {
  const d = makeScratch(prefix);
  made.push(d);
  return d;
}
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const PARTS: Record<Platform, string> = { zcu102: 'xczu9eg-ffvb1156-2-e', u50: 'xcu50-fsvh2104-2-e', u280: 'xcu280-fsvh2892-2L-e' };
const CLOCK: Record<Platform, number> = { zcu102: 300, u50: 250, u280: 200 };

function designFor(platform: Platform, sets: string[] = []): string {
  const cfg = resolveConfig({ preset: 'tiny', sets: [`hardware.platform=${platform}`, `hardware.part=${PARTS[platform]}`, `hardware.clockMHz=${CLOCK[platform]}`, ...sets] });
  return emitDesign(cfg, join(scratch('edgemoe-build-'), `tiny-${platform}`)).dir;
}

/** A stand-in Vitis install of `release` with its ZCU102 base platform, plus Alveo platforms in a platform repo. */
function vitisInstall(release = '2023.1', alveo = ['xilinx_u50_gen3x16_xdma_5_202210_1', 'xilinx_u280_gen3x16_xdma_1_202211_1']): { env: Record<string, string>; xpfm: (name: string) => string } {
  const root = scratch('edgemoe-vitis-');
  const vitis = join(root, 'Vitis', release);
  const repo = join(root, 'platforms');
  const [y, r] = release.split('.');
  const put = (dir: string, name: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, `${name}.xpfm`), '<platform/>');
  };
  put(join(vitis, 'base_platforms'), `xilinx_zcu102_base_${y}${r}0_1`);
  for (const a of alveo) put(repo, a);
  const env = { XILINX_VITIS: vitis, PLATFORM_REPO_PATHS: repo };
  return { env, xpfm: (name) => join(name.startsWith('xilinx_zcu102') ? join(vitis, 'base_platforms') : repo, name, `${name}.xpfm`) };
}

/** The unpacked common image stand-in (rootfs.ext4, Image). */
function commonImage(files = ['rootfs.ext4', 'Image']): string {
  const d = join(scratch('edgemoe-common-'), 'xilinx-zynqmp-common-v2023.1');
  mkdirSync(d, { recursive: true });
  for (const f of files) writeFileSync(join(d, f), 'x');
  return d;
}

const toolArgs = (calls: ToolCall[]) => calls.map((c) => [c.tool, ...c.args].join(' '));

/** PATH with the fake tools first (node stays reachable for the CLI itself). */
const pathWith = (fakeDir: string) => [fakeDir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter);

/** runBuild in this process with only the fake tools (and system dirs) on PATH. */
async function buildWith(fakeDir: string, o: BuildOptions): Promise<string> {
  const saved = process.env.PATH;
  process.env.PATH = pathWith(fakeDir);
  try {
    return (await runBuild({ env: {}, ...o })).output;
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
    assert.deepEqual([...banks].sort(), ['HP0', 'HP1', 'HP2', 'HP3', 'HPC0']);
    assert.equal(sp.get('weights'), 'HP0', 'the bulk weights stream takes a non-coherent HP port');
    // The CU clock is set at link: the config's clock in Hz for the CU (the platform default would be 150 MHz).
    assert.match(cfg, new RegExp(`^\\[clock\\]\nfreqHz=${CLOCK.zcu102 * 1e6}:edgemoe_top_1$`, 'm'));
    assert.doesNotMatch(cfg, /^slr=/m);
  } else {
    for (const b of banks) assert.match(b, /^HBM\[(\d|[12]\d|3[01])\]$/);
    assert.equal(new Set(banks).size, banks.length, 'one pseudo-channel per bundle');
    assert.doesNotMatch(cfg, /^\[clock\]/m, 'Alveo takes --kernel_frequency on the command line');
    if (platform === 'u280') assert.match(cfg, /^slr=edgemoe_top_1:SLR0$/m);
  }
}


/** Every command `edgemoe build` runs for a target on a fresh design, in order (paths relative to the design dir). */
function expected(platform: Platform, target: string, mode: string, xpfm: string, ci = '', profile = false): string[] {
  const k = 'edgemoe_top';
  const tmp = `_x.${mode}.${xpfm.replace(/^.*\//, '').replace(/\.xpfm$/, '')}`;
  const dbg = profile ? ' -g --save-temps' : '';
  const prof = profile ? ' --profile.data all:all:all --profile.exec all:all:all --profile.stall all:all:all' : '';
  const embedded = platform === 'zcu102';
  const linkOut = `build/${mode}/${k}${embedded ? '.link' : ''}.xclbin`;
  const out: string[] = [];
  if (mode === 'sw_emu') out.push(`v++ -c -t sw_emu --platform ${xpfm} -k ${k} --temp_dir ${tmp}${dbg} -I src -o build/sw_emu/${k}.xo src/kernel.cpp`);
  else out.push('vitis_hls -f run_hls.tcl');
  const freq = embedded ? '' : ` --kernel_frequency ${CLOCK[platform]}`;
  out.push(`v++ -l -t ${mode} --platform ${xpfm} --config link.cfg --temp_dir ${tmp}${freq}${dbg}${prof} -o ${linkOut} ${mode === 'sw_emu' ? `build/sw_emu/${k}.xo` : `build/${k}.xo`}`);
  if (mode !== 'hw') out.push(`emconfigutil --platform ${xpfm} --od build/${mode}`);
  if (target === 'package') {
    const emu = mode !== 'hw' ? ` --package.sd_file build/${mode}/emconfig.json` : '';
    const ps = mode === 'sw_emu' ? ' --package.emu_ps qemu' : '';
    out.push(`v++ -p -t ${mode} --platform ${xpfm} --temp_dir ${tmp}${dbg} --package.out_dir build/${mode}/package --package.rootfs ${ci}/rootfs.ext4 --package.kernel_image ${ci}/Image --package.boot_mode sd${ps} --package.sd_file design.json --package.sd_file config.json${emu} -o build/${mode}/${k}.xclbin ${linkOut}`);
  }
  return out;
}

describe('edgemoe build (recording Vitis stand-ins)', function () {
  this.timeout(120000);
  for (const platform of ['zcu102', 'u280'] as Platform[]) {
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
        assert.deepEqual(calls[0]!.steps!.map((x) => x.split(' ')[0]), ['open_project', 'set_top', 'add_files', 'add_files', 'open_solution', 'set_part', 'create_clock', 'config_interface', 'csynth_design']);
        assert.ok(calls[0]!.steps!.includes(`set_part ${PARTS[platform]}`));
        assert.ok(!existsSync(join(dir, 'build', 'edgemoe_top.xo')));
      });

      it('hls with vitis-run installed (2023.2+): vitis-run --mode hls --tcl run_hls.tcl runs the same script', async () => {
        const fake = installFakeTools(join(scratch(), 'bin'), ['vitis-run', 'vitis_hls']);
        await buildWith(fake.dir, { design: dir, target: 'hls' });
        const calls = fake.calls();
        assert.deepEqual(calls.map((c) => [c.tool, c.args]), [['vitis-run', ['--mode', 'hls', '--tcl', 'run_hls.tcl']]]);
        assert.equal(calls[0]!.steps!.at(-1), 'csynth_design');
      });

      it('xo (with cosim): synthesis + export; the .xo appears', async () => {
        const d = designFor(platform);
        const fake = installFakeTools(join(scratch(), 'bin'));
        // The testbench inputs are checked first: neither weights.bin nor build/image.bin exists yet.
        await assert.rejects(buildWith(fake.dir, { design: d, target: 'xo', cosim: true }), (e: unknown) => isUserError(e) && /^--cosim runs the testbench on the design's inputs, and .* lacks weights\.bin \(run `edgemoe pack .*`\) and build\/image\.bin \(give --image IMAGE\)$/.test((e as Error).message));
        assert.equal(fake.calls().length, 0, 'no tool ran');
        packDesign(readDesign(d), join(TINY, 'weights.safetensors'));
        assert.equal(await buildWith(fake.dir, { design: d, target: 'xo', cosim: true, image: join(TINY, 'image.png') }), join(d, 'build', 'edgemoe_top.xo'));
        assert.deepEqual(readFileSync(join(d, 'build', 'image.bin')), Buffer.from(loadImageBytes(join(TINY, 'image.png'), [3, 32, 64])));
        const calls = fake.calls();
        assert.deepEqual(calls.map((c) => [c.tool, c.args, c.env]), [['vitis_hls', ['-f', 'run_hls.tcl'], { CSIM: '0', COSIM: '1', XO: '1' }]]);
        assert.deepEqual(calls[0]!.steps!.slice(-3).map((x) => x.split(' ')[0]), ['csynth_design', 'cosim_design', 'export_design']);
        assert.ok(calls[0]!.steps!.includes(`export_design -format xo -output ${join(d, 'build', 'edgemoe_top.xo')}`));
        assert.ok(!calls[0]!.steps!.some((x) => x.startsWith('csim_design')));
      });

      const targets: Array<[string, string]> = [['xclbin', 'hw'], ['xclbin', 'hw_emu'], ['xclbin', 'sw_emu']];
      if (platform === 'zcu102') targets.push(['package', 'hw'], ['package', 'hw_emu']);
      for (const [target, mode] of targets) {
        it(`${target} --mode ${mode}: every command line, on the release's platform, and \`make ${target}\` runs the same ones`, async () => {
          const vitis = vitisInstall('2023.1');
          const xpfm = vitis.xpfm(platform === 'zcu102' ? 'xilinx_zcu102_base_202310_1' : PLATFORMS[platform].vppPlatform);
          const ci = commonImage();
          const d = designFor(platform);
          const fake = installFakeTools(join(scratch(), 'bin'));
          const out = await buildWith(fake.dir, { design: d, target: target as BuildOptions['target'], mode: mode as BuildOptions['mode'], commonImage: ci, env: vitis.env });
          const calls = fake.calls();
          assert.deepEqual(toolArgs(calls), expected(platform, target, mode, xpfm, ci));
          for (const c of calls) assert.equal(c.cwd, d);
          const link = calls.find((c) => c.args[0] === '-l')!;
          checkLink(d, link.input!, platform);
          if (target === 'package') assert.equal(out, join(d, 'build', mode, 'package'));
          else assert.equal(out, join(d, 'build', mode, `edgemoe_top${platform === 'zcu102' ? '.link' : ''}.xclbin`));
          assert.ok(existsSync(out));
          // The design Makefile on a fresh copy, with the platform given as the same path.
          const m = designFor(platform);
          const mfake = installFakeTools(join(scratch(), 'bin'));
          const r = await execa('make', ['-C', m, target, `TARGET=${mode}`, `PLATFORM=${xpfm}`, `COMMON_IMAGE=${ci}`], { env: { ...process.env, PATH: pathWith(mfake.dir) }, reject: false, all: true });
          assert.equal(r.exitCode, 0, String(r.all));
          assert.deepEqual(toolArgs(mfake.calls()), expected(platform, target, mode, xpfm, ci));
        });
      }

      it('PROFILE: -g, --save-temps and the data/exec/stall monitors in the link (edgemoe build --profile and make PROFILE=1)', async () => {
        const vitis = vitisInstall('2023.1');
        const xpfm = vitis.xpfm(platform === 'zcu102' ? 'xilinx_zcu102_base_202310_1' : PLATFORMS[platform].vppPlatform);
        const d = designFor(platform);
        const fake = installFakeTools(join(scratch(), 'bin'));
        await buildWith(fake.dir, { design: d, target: 'xclbin', mode: 'hw', profile: true, env: vitis.env });
        assert.deepEqual(toolArgs(fake.calls()), expected(platform, 'xclbin', 'hw', xpfm, '', true));
        const m = designFor(platform);
        const mfake = installFakeTools(join(scratch(), 'bin'));
        const r = await execa('make', ['-C', m, 'xclbin', 'PROFILE=1', `PLATFORM=${xpfm}`], { env: { ...process.env, PATH: pathWith(mfake.dir) }, reject: false, all: true });
        assert.equal(r.exitCode, 0, String(r.all));
        assert.deepEqual(toolArgs(mfake.calls()), expected(platform, 'xclbin', 'hw', xpfm, '', true));
      });

      it('emconfig alone: emconfigutil for the emulated device, and the environment a host run needs', async () => {
        const vitis = vitisInstall('2023.1');
        const d = designFor(platform);
        const fake = installFakeTools(join(scratch(), 'bin'));
        const saved = process.env.PATH;
        process.env.PATH = pathWith(fake.dir);
        try {
          const r = await runBuild({ design: d, target: 'emconfig', env: vitis.env });
          assert.equal(r.output, join(d, 'build', 'hw_emu', 'emconfig.json'));
          assert.deepEqual(r.runEnv, { XCL_EMULATION_MODE: 'hw_emu', EMCONFIG_PATH: join(d, 'build', 'hw_emu') });
        } finally {
          process.env.PATH = saved;
        }
        assert.deepEqual(fake.calls().map((c) => c.tool), ['emconfigutil']);
      });
    });
  }

  it('the ZCU102 platform follows the Vitis release (XILINX_VITIS); the Makefile derives the same name', async () => {
    const d = designFor('zcu102');
    for (const rel of ['2022.2', '2023.2']) {
      const vitis = vitisInstall(rel);
      const fake = installFakeTools(join(scratch(), 'bin'));
      await buildWith(fake.dir, { design: d, target: 'xclbin', env: vitis.env });
      const name = `xilinx_zcu102_base_${rel.replace('.', '')}0_1`;
      assert.equal(fake.calls().find((c) => c.tool === 'v++')!.args[4], vitis.xpfm(name));
      const mfake = installFakeTools(join(scratch(), 'bin'));
      const m = designFor('zcu102');
      const r = await execa('make', ['-C', m, 'xclbin'], { env: { ...process.env, ...vitis.env, PATH: pathWith(mfake.dir) }, reject: false, all: true });
      assert.equal(r.exitCode, 0, String(r.all));
      assert.equal(mfake.calls().find((c) => c.tool === 'v++')!.args[4], name);
    }
  });

  it('no platform of the release: one line naming the platforms found, exit 2, no tool run', async () => {
    const d = designFor('zcu102');
    const vitis = vitisInstall('2023.1');
    const fake = installFakeTools(join(scratch(), 'bin'));
    // The 2023.1 base platform, seen through PLATFORM_REPO_PATHS, while the installed Vitis is 2022.2.
    const env = { PATH: pathWith(fake.dir), XILINX_VITIS: join(scratch(), 'Vitis', '2022.2'), PLATFORM_REPO_PATHS: join(vitis.env.XILINX_VITIS!, 'base_platforms') };
    const r = await runCli(['build', '-d', d, '--target', 'xclbin'], { env });
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^edgemoe: error: no ZCU102 .* platform 'xilinx_zcu102_base_202220_1' \(Vitis 2022\.2\) in .*; found xilinx_zcu102_base_202310_1: give one with --platform/);
    assert.deepEqual(fake.calls(), []);
    // Without any Vitis release the Makefile refuses to guess.
    const m = await execa('make', ['-C', d, 'xclbin'], { env: { ...process.env, XILINX_VITIS: '', XILINX_HLS: '', PATH: pathWith(fake.dir) }, reject: false, all: true });
    assert.notEqual(m.exitCode, 0);
    assert.match(String(m.all), /PLATFORM is not set and XILINX_VITIS .* names no Vitis release/);
    assert.deepEqual(fake.calls(), []);
  });

  it('an Alveo board takes its only installed platform; --platform overrides; the .xo is exported once', async () => {
    const dir = designFor('u280');
    const vitis = vitisInstall('2023.1', ['xilinx_u280_gen3x16_xdma_1_202211_1']);
    const fake = installFakeTools(join(scratch(), 'bin'));
    const env = { PATH: pathWith(fake.dir), ...vitis.env };
    const a = await runCli(['build', '--design', dir, '--target', 'xclbin', '--platform', '/opt/xilinx/platforms/my.xpfm'], { env });
    assert.equal(a.exitCode, 0, a.stderr);
    assert.equal(a.stdout.trim(), `xclbin: ${join(dir, 'build', 'hw', 'edgemoe_top.xclbin')}`);
    assert.deepEqual(fake.calls().map((c) => c.tool), ['vitis_hls', 'v++']);
    assert.deepEqual(fake.calls()[1]!.args.slice(0, 8), ['-l', '-t', 'hw', '--platform', '/opt/xilinx/platforms/my.xpfm', '--config', 'link.cfg', '--temp_dir']);
    assert.equal(fake.calls()[1]!.args[8], '_x.hw.my');
    const b = await runCli(['build', '--design', dir, '--target', 'xclbin', '--mode', 'hw_emu'], { env });
    assert.equal(b.exitCode, 0, b.stderr);
    assert.deepEqual(fake.calls().map((c) => c.tool), ['vitis_hls', 'v++', 'v++', 'emconfigutil']);
    assert.equal(fake.calls()[2]!.args[4], vitis.xpfm('xilinx_u280_gen3x16_xdma_1_202211_1'));
    assert.equal(fake.calls()[2]!.args[8], '_x.hw_emu.xilinx_u280_gen3x16_xdma_1_202211_1', 'hw and hw_emu never share a temp dir');
    assert.match(b.stderr, /run it with XCL_EMULATION_MODE=hw_emu EMCONFIG_PATH=.*build\/hw_emu/);
  });

  it('package: a missing or incomplete common image is one line, exit 2, before any tool runs (edgemoe build and make)', async () => {
    const d = designFor('zcu102');
    const vitis = vitisInstall('2023.1');
    const fake = installFakeTools(join(scratch(), 'bin'));
    const env = { PATH: pathWith(fake.dir), ...vitis.env };
    const none = await runCli(['build', '-d', d, '--target', 'package'], { env });
    assert.equal(none.exitCode, 2);
    assert.equal(none.stderr.trim().split('\n').length, 1, none.stderr);
    assert.match(none.stderr, /^edgemoe: error: --target package needs --common-image DIR \(make: COMMON_IMAGE=DIR\): the unpacked xilinx-zynqmp-common-v20xx\.x/);
    const half = commonImage(['rootfs.ext4']);
    const r = await runCli(['build', '-d', d, '--target', 'package', '--common-image', half], { env });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^edgemoe: error: --common-image .*xilinx-zynqmp-common-v2023\.1: lacks Image; expected/);
    const gone = await runCli(['build', '-d', d, '--target', 'package', '--common-image', join(half, 'nope')], { env });
    assert.match(gone.stderr, /^edgemoe: error: --common-image .*nope: no such directory/);
    assert.deepEqual(fake.calls(), [], 'no tool ran');
    for (const args of [[], [`COMMON_IMAGE=${half}`]]) {
      const m = await execa('make', ['-C', d, 'package', ...args], { env: { ...process.env, ...vitis.env, PATH: pathWith(fake.dir) }, reject: false, all: true });
      assert.equal(m.exitCode, 2, String(m.all));
      assert.match(String(m.all), args.length ? /lacks Image/ : /make package needs COMMON_IMAGE=<dir>/);
    }
    assert.deepEqual(fake.calls(), [], 'no tool ran under make either');
  });

  it('package is refused on Alveo, sw_emu on Vitis 2025.2, both before any tool runs', async () => {
    const fake = installFakeTools(join(scratch(), 'bin'));
    const u = designFor('u280');
    const r = await runCli(['build', '-d', u, '--target', 'package', '--common-image', commonImage()], { env: { PATH: pathWith(fake.dir) } });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^edgemoe: error: --target package is for embedded boards \(ZCU102\); Alveo U280 runs the xclbin/);
    const m = await execa('make', ['-C', u, 'package'], { env: { ...process.env, PATH: pathWith(fake.dir) }, reject: false, all: true });
    assert.equal(m.exitCode, 2);
    const vitis = vitisInstall('2025.2');
    const s = await runCli(['build', '-d', designFor('zcu102'), '--target', 'xclbin', '--mode', 'sw_emu'], { env: { PATH: pathWith(fake.dir), ...vitis.env } });
    assert.equal(s.exitCode, 2);
    assert.match(s.stderr, /^edgemoe: error: --mode sw_emu: Vitis 2025\.2 has no software emulation \(removed in 2025\.2\); use hw_emu/);
    assert.deepEqual(fake.calls(), []);
  });

  it('a missing vitis_hls is one line naming the tool and settings64.sh, exit 2', async () => {
    const dir = designFor('zcu102');
    const r = await runCli(['build', '--design', dir, '--target', 'hls'], { env: { PATH: pathWith(join(scratch(), 'empty')) } });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^edgemoe: error: vitis_hls not found on PATH: run `source <Vitis install dir>\/settings64\.sh`/);
  });

  it('a missing v++ or emconfigutil (vitis_hls present) fails the step before anything runs', async () => {
    const dir = designFor('u50');
    const vitis = vitisInstall('2023.1');
    for (const [tools, missing] of [[['vitis_hls', 'emconfigutil'], 'v\\+\\+'], [['vitis_hls', 'v++'], 'emconfigutil']] as Array<[FakeTool[], string]>) {
      const fake = installFakeTools(join(scratch(), 'bin'), tools);
      const r = await runCli(['build', '--design', dir, '--target', 'xclbin', '--mode', 'hw_emu'], { env: { PATH: pathWith(fake.dir), ...vitis.env } });
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, new RegExp(`^edgemoe: error: ${missing} not found on PATH: .*settings64\\.sh`, 'm'));
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('edgemoe:')).length, 1);
      assert.deepEqual(fake.calls(), []);
    }
  });

  it('a bad target or mode is rejected with exit 2', async () => {
    const dir = designFor('zcu102');
    const r = await runCli(['build', '--design', dir, '--target', 'bitstream']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--target.*bitstream|Allowed choices/);
    const m = await runCli(['build', '--design', dir, '--target', 'xclbin', '--mode', 'emu']);
    assert.equal(m.exitCode, 2);
    const bad = await execa('make', ['-C', dir, 'xclbin', 'TARGET=hw_sim', 'PLATFORM=x'], { reject: false, all: true });
    assert.notEqual(bad.exitCode, 0);
    assert.match(String(bad.all), /TARGET must be hw, hw_emu or sw_emu/);
  });

  it('the top-level pass-through (make design) runs the design Makefile', async () => {
    const dir = designFor('u50');
    const fake = installFakeTools(join(scratch(), 'bin'));
    const top = await execa('make', ['-s', 'design', `D=${dir}`, 'T=hls'], { cwd: ROOT, env: { ...process.env, PATH: pathWith(fake.dir) }, reject: false, all: true });
    assert.equal(top.exitCode, 0, String(top.all));
    assert.deepEqual(fake.calls().map((c) => [c.tool, c.args, c.cwd]), [['vitis_hls', ['-f', 'run_hls.tcl'], dir]]);
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
