// The command lines of a design's Vitis flow, as argument arrays (the design Makefile spells the same ones):
// HLS (vitis-run from 2023.2, else vitis_hls), the sw_emu kernel compile from source, the v++ link with the kernel
// clock, emconfigutil for emulation, and the embedded v++ --package step. Paths are relative to the design dir.
import type { PlatformInfo } from './platforms.ts';
import { platformShortName } from './select.ts';

export const VPP_MODES = ['hw', 'hw_emu', 'sw_emu'] as const;
export type VppMode = (typeof VPP_MODES)[number];

/** One tool run: executable name, arguments, extra environment. */
export interface ToolCommand {
  tool: string;
  args: string[];
  env?: Record<string, string>;
}

/** What the link-and-after commands depend on. */
export interface FlowContext {
  kernel: string;
  board: PlatformInfo;
  /** The --platform argument (name or .xpfm path). */
  platform: string;
  mode: VppMode;
  clockMHz: number;
  /** -g, --save-temps and the profile.data/exec/stall monitors. */
  profile: boolean;
  /** Kernel .cpp sources (sw_emu compiles them). */
  kernelSources: string[];
}

/** The kernel object vitis_hls exports (hw, hw_emu: RTL inside). */
export const hlsXo = (kernel: string) => `build/${kernel}.xo`;

/** The kernel object v++ links for a mode: the exported RTL one, or for sw_emu the C model compiled from source. */
export const linkInputXo = (kernel: string, mode: VppMode) => (mode === 'sw_emu' ? `build/sw_emu/${kernel}.xo` : hlsXo(kernel));

/** v++'s temp dir per target and platform, so hw and hw_emu never share intermediate files. */
export const tempDir = (mode: VppMode, platform: string) => `_x.${mode}.${platformShortName(platform)}`;

/** Output of v++ -l: on embedded boards the input of --package (which writes the final xclbin), else the xclbin. */
export const linkOutput = (c: Pick<FlowContext, 'kernel' | 'mode' | 'board'>) => `build/${c.mode}/${c.kernel}${c.board.kind === 'embedded' ? '.link' : ''}.xclbin`;

/** The xclbin the host loads (embedded: written by --package, also placed on the SD card). */
export const finalXclbin = (kernel: string, mode: VppMode) => `build/${mode}/${kernel}.xclbin`;

export const emconfigFile = (mode: VppMode) => `build/${mode}/emconfig.json`;
export const packageDir = (mode: VppMode) => `build/${mode}/package`;

/** The common image's files the package step needs (xilinx-zynqmp-common-v20xx.x). */
export const COMMON_IMAGE_FILES = { rootfs: 'rootfs.ext4', kernelImage: 'Image' } as const;

const debugFlags = (c: FlowContext) => (c.profile ? ['-g', '--save-temps'] : []);

/** C synthesis with run_hls.tcl: `vitis-run --mode hls --tcl` where the install has it (2023.2+), else `vitis_hls -f`. */
export function hlsCommand(useVitisRun: boolean, vitisHls = 'vitis_hls', vitisRun = 'vitis-run'): ToolCommand {
  return useVitisRun ? { tool: vitisRun, args: ['--mode', 'hls', '--tcl', 'run_hls.tcl'] } : { tool: vitisHls, args: ['-f', 'run_hls.tcl'] };
}

/** sw_emu: the kernel compiled from source into a C-model .xo (the exported .xo holds RTL, which sw_emu cannot run). */
export function swEmuCompile(c: FlowContext, vpp = 'v++'): ToolCommand {
  return {
    tool: vpp,
    args: ['-c', '-t', 'sw_emu', '--platform', c.platform, '-k', c.kernel, '--temp_dir', tempDir('sw_emu', c.platform), ...debugFlags(c), '-I', 'src', '-o', linkInputXo(c.kernel, 'sw_emu'), ...c.kernelSources],
  };
}

/** v++ -l: link.cfg carries connectivity (and the [clock] of embedded boards); Alveo takes --kernel_frequency. */
export function linkCommand(c: FlowContext, vpp = 'v++'): ToolCommand {
  const clock = c.board.kind === 'alveo' ? ['--kernel_frequency', String(c.clockMHz)] : [];
  const profile = c.profile ? ['--profile.data', 'all:all:all', '--profile.exec', 'all:all:all', '--profile.stall', 'all:all:all'] : [];
  return {
    tool: vpp,
    args: ['-l', '-t', c.mode, '--platform', c.platform, '--config', 'link.cfg', '--temp_dir', tempDir(c.mode, c.platform), ...clock, ...debugFlags(c), ...profile, '-o', linkOutput(c), linkInputXo(c.kernel, c.mode)],
  };
}

/** emconfig.json describing the emulated device (XRT needs it for hw_emu and sw_emu). */
export function emconfigCommand(c: FlowContext, tool = 'emconfigutil'): ToolCommand {
  return { tool, args: ['--platform', c.platform, '--od', `build/${c.mode}`] };
}

/** v++ --package (embedded): boot files and an SD card image with the xclbin, the design's design.json and config.json (what `edgemoe run -d` reads) and any extra files. */
export function packageCommand(c: FlowContext, commonImage: string, sdFiles: readonly string[], vpp = 'v++'): ToolCommand {
  const emu = c.mode !== 'hw' ? ['--package.sd_file', emconfigFile(c.mode)] : [];
  const ps = c.mode === 'sw_emu' ? ['--package.emu_ps', 'qemu'] : [];
  return {
    tool: vpp,
    args: [
      '-p', '-t', c.mode, '--platform', c.platform, '--temp_dir', tempDir(c.mode, c.platform), ...debugFlags(c),
      '--package.out_dir', packageDir(c.mode),
      '--package.rootfs', `${commonImage}/${COMMON_IMAGE_FILES.rootfs}`,
      '--package.kernel_image', `${commonImage}/${COMMON_IMAGE_FILES.kernelImage}`,
      '--package.boot_mode', 'sd', ...ps,
      '--package.sd_file', 'design.json', '--package.sd_file', 'config.json', ...emu, ...sdFiles.flatMap((f) => ['--package.sd_file', f]),
      '-o', finalXclbin(c.kernel, c.mode), linkOutput(c),
    ],
  };
}
