// `edgemoe build`: run one step of a design's Vitis flow (csim, hls, xo, xclbin) with the design's own build files.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsim } from '../csim/build.ts';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { platformInfo } from './platforms.ts';
import { requireTool, runTool } from './tools.ts';
import { xclbinPath } from './view.ts';
import { loadImageBytes, type ImageShape } from '../io/image.ts';
import { makeDirs, writeFileAtomic } from '../io/files.ts';

export const BUILD_TARGETS = ['csim', 'hls', 'xo', 'xclbin'] as const;
export type BuildTarget = (typeof BUILD_TARGETS)[number];
export const VPP_MODES = ['hw', 'hw_emu', 'sw_emu'] as const;
export type VppMode = (typeof VPP_MODES)[number];

export interface BuildOptions {
  design: string;
  target: BuildTarget;
  /** v++ --platform (a name or .xpfm path); default: the database's platform of config.hardware.platform. */
  platform?: string;
  /** v++ -t for xclbin. */
  mode?: VppMode;
  /** Also run C/RTL co-simulation after synthesis (hls, xo). */
  cosim?: boolean;
  /** An image (PNG/JPEG/.npy of the design's size) written to build/image.bin, the testbench input of csim/cosim. */
  image?: string;
  /** Tool names (tests and unusual installs); default vitis_hls and v++. */
  vitisHls?: string;
  vpp?: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  target: BuildTarget;
  /** The main output: testbench, synthesis report dir, .xo or .xclbin (absolute). */
  output: string;
}

/** Files the Vitis steps need, checked before starting so a stale or partial design fails fast. */
function requireFiles(dir: string, files: string[]): void {
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new UserError(`${dir} lacks ${missing.join(', ')}; regenerate it with \`edgemoe gen\``);
}

/** Whether `out` exists and is newer than every file in `inputs`. */
function upToDate(out: string, inputs: string[]): boolean {
  if (!existsSync(out)) return false;
  const t = statSync(out).mtimeMs;
  return inputs.every((f) => !existsSync(f) || statSync(f).mtimeMs <= t);
}

/** Runs the requested step (and the xo step before xclbin when the .xo is missing or older than the sources). */
export async function runBuild(o: BuildOptions): Promise<BuildResult> {
  const log = o.log ?? (() => {});
  const design = readDesign(o.design);
  const dir = design.dir;
  const kernel = design.manifest.kernel.name;
  const vitisHls = o.vitisHls ?? 'vitis_hls';
  const vpp = o.vpp ?? 'v++';
  if (!(BUILD_TARGETS as readonly string[]).includes(o.target)) throw new UserError(`--target ${o.target}: expected one of ${BUILD_TARGETS.join(', ')}`);
  if (o.mode !== undefined && !(VPP_MODES as readonly string[]).includes(o.mode)) throw new UserError(`--mode ${o.mode}: expected one of ${VPP_MODES.join(', ')}`);
  if (o.target === 'csim') {
    const exe = await buildCsim(dir, { kind: 'exe', onCompile: (f) => log(`g++ ${f}`) });
    return { target: 'csim', output: exe };
  }
  const sources = [...design.manifest.sources.kernel, 'run_hls.tcl'].map((f) => join(dir, f));
  requireFiles(dir, ['run_hls.tcl', ...design.manifest.sources.kernel]);
  const hlsEnv = { CSIM: '0', COSIM: o.cosim ? '1' : '0' };
  const xo = join(dir, 'build', `${kernel}.xo`);
  const mode = o.mode ?? 'hw';
  const platform = o.platform ?? platformInfo(design.config.hardware.platform).vppPlatform;
  if (o.target === 'xclbin') requireFiles(dir, ['link.cfg']);
  const needXo = o.target === 'xo' || (o.target === 'xclbin' && !upToDate(xo, sources));
  // The testbench inputs run_hls.tcl passes to co-simulation, checked (or made from --image) before any tool starts.
  if (o.image !== undefined) {
    const bytes = loadImageBytes(o.image, design.manifest.input.shape as unknown as ImageShape);
    makeDirs(join(dir, 'build'));
    writeFileAtomic(join(dir, 'build', 'image.bin'), bytes);
    log(`wrote build/image.bin from ${o.image}`);
  }
  if (o.cosim && (o.target === 'hls' || needXo)) {
    const weightsFile = design.manifest.weights.file;
    const missing = [
      ...(existsSync(join(dir, weightsFile)) ? [] : [`${weightsFile} (run \`edgemoe pack --design ${dir} --weights W\`)`]),
      ...(existsSync(join(dir, 'build', 'image.bin')) ? [] : ['build/image.bin (give --image IMAGE)']),
    ];
    if (missing.length) throw new UserError(`--cosim runs the testbench on the design's inputs, and ${dir} lacks ${missing.join(' and ')}`);
  }
  // Every tool the step needs is looked up before anything runs, so a missing one is the only message.
  if (o.target === 'hls' || needXo) requireTool(vitisHls);
  if (o.target === 'xclbin') requireTool(vpp);
  if (o.target === 'hls') {
    log(`${vitisHls} -f run_hls.tcl (C synthesis${o.cosim ? ' + co-simulation' : ''})`);
    await runTool(vitisHls, ['-f', 'run_hls.tcl'], dir, { ...hlsEnv, XO: '0' });
    return { target: 'hls', output: join(dir, 'hls_prj', 'solution1', 'syn', 'report') };
  }
  const exportXo = async () => {
    mkdirSync(join(dir, 'build'), { recursive: true });
    log(`${vitisHls} -f run_hls.tcl (C synthesis + export ${kernel}.xo)`);
    await runTool(vitisHls, ['-f', 'run_hls.tcl'], dir, { ...hlsEnv, XO: '1' });
    if (!existsSync(xo)) throw new UserError(`${vitisHls} finished but did not write ${xo}`, 1);
  };
  if (o.target === 'xo') {
    await exportXo();
    return { target: 'xo', output: xo };
  }
  if (needXo) await exportXo();
  else log(`${kernel}.xo is up to date`);
  const out = xclbinPath(kernel, mode);
  mkdirSync(join(dir, 'build', mode), { recursive: true });
  const args = ['-l', '-t', mode, '--platform', platform, '--config', 'link.cfg', '-o', out, `build/${kernel}.xo`];
  log(`${vpp} ${args.join(' ')}`);
  await runTool(vpp, args, dir);
  if (!existsSync(join(dir, out))) throw new UserError(`${vpp} finished but did not write ${join(dir, out)}`, 1);
  return { target: 'xclbin', output: join(dir, out) };
}
