// `edgemoe build`: run one step of a design's Vitis flow (csim, hls, xo, xclbin, emconfig, package) with the design's
// own build files. Everything the step needs (files, platform, common image, tools) is checked before any tool runs.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCsim } from '../csim/build.ts';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import {
  COMMON_IMAGE_FILES,
  VPP_MODES,
  emconfigCommand,
  emconfigFile,
  finalXclbin,
  hlsCommand,
  hlsXo,
  linkCommand,
  linkInputXo,
  linkOutput,
  packageCommand,
  packageDir,
  swEmuCompile,
  type FlowContext,
  type ToolCommand,
  type VppMode,
} from './commands.ts';
import { platformInfo, releaseAtLeast } from './platforms.ts';
import { selectPlatform, vitisRelease } from './select.ts';
import { findOnPath, requireTool, runTool } from './tools.ts';
import { loadImageBytes, type ImageShape } from '../io/image.ts';
import { makeDirs, writeFileAtomic } from '../io/files.ts';

export { VPP_MODES, type VppMode };
export const BUILD_TARGETS = ['csim', 'hls', 'xo', 'xclbin', 'emconfig', 'package'] as const;
export type BuildTarget = (typeof BUILD_TARGETS)[number];

export interface BuildOptions {
  design: string;
  target: BuildTarget;
  /** v++ --platform (a name or .xpfm path); default: the board's platform of the installed Vitis release. */
  platform?: string;
  /** v++ -t for xclbin, emconfig and package. */
  mode?: VppMode;
  /** Also run C/RTL co-simulation after synthesis (hls, xo). */
  cosim?: boolean;
  /** An image (PNG/JPEG/.npy of the design's size) written to build/image.bin, the testbench input of csim/cosim. */
  image?: string;
  /** Debug info, intermediate files and the profiling monitors (data, exec, stall) in the xclbin. */
  profile?: boolean;
  /** package: the unpacked xilinx-zynqmp-common-v20xx.x directory (rootfs.ext4, Image). */
  commonImage?: string;
  /** package: extra files for the SD card (e.g. weights.bin, xrt.ini). */
  sdFiles?: string[];
  /** Tool names (tests and unusual installs). */
  vitisHls?: string;
  vitisRun?: string;
  vpp?: string;
  emconfigutil?: string;
  /** Environment for the platform and release lookup (default process.env). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface BuildResult {
  target: BuildTarget;
  /** The main output: testbench, synthesis report dir, .xo, .xclbin, emconfig.json or package dir (absolute). */
  output: string;
  /** Environment a host run of this output needs (emulation). */
  runEnv?: Record<string, string>;
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

/** The common image directory for --package, checked: it must hold rootfs.ext4 and Image. */
function checkCommonImage(given: string | undefined): string {
  const what = 'the unpacked xilinx-zynqmp-common-v20xx.x of your Vitis release (rootfs.ext4, Image)';
  if (!given) throw new UserError(`--target package needs --common-image DIR (make: COMMON_IMAGE=DIR): ${what}`);
  const dir = resolve(given);
  const missing = Object.values(COMMON_IMAGE_FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new UserError(`--common-image ${given}: ${existsSync(dir) ? `lacks ${missing.join(' and ')}` : 'no such directory'}; expected ${what}`);
  return dir;
}

/** Runs the requested step and the steps before it whose outputs are missing or older than their inputs. */
export async function runBuild(o: BuildOptions): Promise<BuildResult> {
  const log = o.log ?? (() => {});
  const env = o.env ?? process.env;
  const design = readDesign(o.design);
  const dir = design.dir;
  const kernel = design.manifest.kernel.name;
  const vpp = o.vpp ?? 'v++';
  const emconfigutil = o.emconfigutil ?? 'emconfigutil';
  if (!(BUILD_TARGETS as readonly string[]).includes(o.target)) throw new UserError(`--target ${o.target}: expected one of ${BUILD_TARGETS.join(', ')}`);
  if (o.mode !== undefined && !(VPP_MODES as readonly string[]).includes(o.mode)) throw new UserError(`--mode ${o.mode}: expected one of ${VPP_MODES.join(', ')}`);
  if (o.target === 'csim') {
    const exe = await buildCsim(dir, { kind: 'exe', onCompile: (f) => log(`g++ ${f}`) });
    return { target: 'csim', output: exe };
  }
  const board = platformInfo(design.config.hardware.platform);
  const mode = o.mode ?? (o.target === 'emconfig' ? 'hw_emu' : 'hw');
  if (o.target === 'emconfig' && mode === 'hw') throw new UserError('--target emconfig is for emulation: give --mode hw_emu or sw_emu');
  const kernelSources = design.manifest.sources.kernel;
  const sources = [...kernelSources, 'run_hls.tcl'].map((f) => join(dir, f));
  requireFiles(dir, ['run_hls.tcl', ...kernelSources]);
  const release = vitisRelease(env);
  const linking = o.target === 'xclbin' || o.target === 'package';
  const needsPlatform = linking || o.target === 'emconfig';
  // Inputs first: a wrong platform, target or common image is the only message, and no tool has run.
  if (o.target === 'package' && board.kind !== 'embedded') throw new UserError(`--target package is for embedded boards (ZCU102); ${board.board} runs the xclbin of --target xclbin as it is`);
  if (needsPlatform && mode === 'sw_emu' && releaseAtLeast(release, '2025.2')) throw new UserError(`--mode sw_emu: Vitis ${release} has no software emulation (removed in 2025.2); use hw_emu`);
  if (linking) requireFiles(dir, ['link.cfg']);
  const commonImage = o.target === 'package' ? checkCommonImage(o.commonImage) : undefined;
  const sdFiles = (o.sdFiles ?? []).map((f) => resolve(f));
  const noFile = (o.sdFiles ?? []).find((f, i) => !existsSync(sdFiles[i]!));
  if (noFile !== undefined) throw new UserError(`--sd-file ${noFile}: no such file`);
  const platform = needsPlatform ? selectPlatform(board, o.platform, env) : '';
  const ctx: FlowContext = { kernel, board, platform, mode, clockMHz: design.config.hardware.clockMHz, profile: !!o.profile, kernelSources: kernelSources.filter((f) => f.endsWith('.cpp')) };

  // The steps, in order, each with whether it must run.
  const useVitisRun = o.vitisHls === undefined && findOnPath(o.vitisRun ?? 'vitis-run') !== null;
  const hls = hlsCommand(useVitisRun, o.vitisHls, o.vitisRun);
  const hlsEnv = { CSIM: '0', COSIM: o.cosim ? '1' : '0' };
  const xo = join(dir, hlsXo(kernel));
  const steps: Array<ToolCommand & { why: string; check?: string }> = [];
  if (o.target === 'hls') steps.push({ ...hls, env: { ...hlsEnv, XO: '0' }, why: `C synthesis${o.cosim ? ' + co-simulation' : ''}` });
  if (o.target === 'xo' || (linking && mode !== 'sw_emu' && !upToDate(xo, sources))) {
    steps.push({ ...hls, env: { ...hlsEnv, XO: '1' }, why: `C synthesis + export ${kernel}.xo`, check: hlsXo(kernel) });
  } else if (linking && mode !== 'sw_emu') log(`${kernel}.xo is up to date`);
  if (linking) {
    if (mode === 'sw_emu' && !upToDate(join(dir, linkInputXo(kernel, mode)), sources)) steps.push({ ...swEmuCompile(ctx, vpp), why: 'sw_emu kernel from source', check: linkInputXo(kernel, mode) });
    steps.push({ ...linkCommand(ctx, vpp), why: `link at ${ctx.clockMHz} MHz`, check: linkOutput(ctx) });
  }
  if ((linking || o.target === 'emconfig') && mode !== 'hw') steps.push({ ...emconfigCommand(ctx, emconfigutil), why: 'emulated device description', check: emconfigFile(mode) });
  if (o.target === 'package') steps.push({ ...packageCommand(ctx, commonImage!, sdFiles, vpp), why: 'boot files and SD card image', check: finalXclbin(kernel, mode) });
  // The testbench inputs run_hls.tcl passes to co-simulation, checked (or made from --image) before any tool starts.
  if (o.image !== undefined) {
    const bytes = loadImageBytes(o.image, design.manifest.input.shape as unknown as ImageShape);
    makeDirs(join(dir, 'build'));
    writeFileAtomic(join(dir, 'build', 'image.bin'), bytes);
    log(`wrote build/image.bin from ${o.image}`);
  }
  if (o.cosim && steps.some((st) => st.env?.COSIM === '1')) {
    const weightsFile = design.manifest.weights.file;
    const missing = [
      ...(existsSync(join(dir, weightsFile)) ? [] : [`${weightsFile} (run \`edgemoe pack --design ${dir} --weights W\`)`]),
      ...(existsSync(join(dir, 'build', 'image.bin')) ? [] : ['build/image.bin (give --image IMAGE)']),
    ];
    if (missing.length) throw new UserError(`--cosim runs the testbench on the design's inputs, and ${dir} lacks ${missing.join(' and ')}`);
  }
  // Every tool the steps need is looked up before anything runs, so a missing one is the only message.
  for (const t of new Set(steps.map((s) => s.tool))) requireTool(t);

  for (const s of steps) {
    log(`${s.tool} ${s.args.join(' ')} (${s.why})`);
    if (s.check) mkdirSync(join(dir, s.check, '..'), { recursive: true });
    await runTool(s.tool, s.args, dir, s.env);
    if (s.check && !existsSync(join(dir, s.check))) throw new UserError(`${s.tool} finished but did not write ${join(dir, s.check)}`, 1);
  }

  if (o.target === 'hls') return { target: 'hls', output: join(dir, 'hls_prj', 'solution1', 'syn', 'report') };
  if (o.target === 'xo') return { target: 'xo', output: xo };
  const runEnv = mode === 'hw' ? undefined : { XCL_EMULATION_MODE: mode, EMCONFIG_PATH: join(dir, 'build', mode) };
  if (o.target === 'emconfig') return { target: 'emconfig', output: join(dir, emconfigFile(mode)), runEnv };
  if (o.target === 'package') {
    if (mode !== 'hw') log(`emulate with ${join(dir, packageDir(mode), `launch_${mode}.sh`)}`);
    else log(`write ${join(dir, packageDir(mode), 'sd_card.img')} to an SD card (dd or balenaEtcher) and boot the ZCU102 from it`);
    return { target: 'package', output: join(dir, packageDir(mode)) };
  }
  if (board.kind === 'embedded') log(`${linkOutput(ctx)} is linked; --target package makes the xclbin and SD card image the board runs`);
  if (runEnv) log(`run it with ${Object.entries(runEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return { target: 'xclbin', output: join(dir, linkOutput(ctx)), runEnv };
}
