// `edgemoe build`: the design's Vitis flow, one target at a time.
import { Option, type Command } from 'commander';
import { BUILD_TARGETS, VPP_MODES, runBuild, type BuildOptions } from '../build/run.ts';

/** The build options as commander gives them: --sd-file repeats into sdFile. */
type BuildCliOptions = Omit<BuildOptions, 'sdFiles'> & { sdFile: string[] };

/** Registers `edgemoe build`. */
export function register(program: Command): void {
  program
    .command('build')
    .summary('run a Vitis flow step (hls, xclbin, package, …)')
    .description(
      'run a step of the Vitis flow on a generated design: csim (g++ testbench), hls (C synthesis), xo (synthesis + export), xclbin (v++ link with link.cfg at the config\'s clock; sw_emu compiles the kernel from source; emulation adds emconfig.json), emconfig, package (ZCU102: boot files and SD card image from the common image); the Vitis tools must be on PATH (source <Vitis>/settings64.sh)',
    )
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .addOption(new Option('--target <target>', 'what to build').choices([...BUILD_TARGETS]).makeOptionMandatory())
    .option('--platform <name>', 'v++ platform name or .xpfm path (default: the board\'s platform of the installed Vitis release, from $PLATFORM_REPO_PATHS, $XILINX_VITIS/base_platforms, /opt/xilinx/platforms)')
    .addOption(new Option('--mode <mode>', 'v++ target of xclbin, emconfig and package (default hw; emconfig: hw_emu)').choices([...VPP_MODES]))
    .option('--cosim', 'also run C/RTL co-simulation after synthesis (hls, xo); needs <design>/weights.bin and build/image.bin')
    .option('--image <file>', "write build/image.bin (the testbench's input for --cosim and CSIM=1) from this PNG/JPEG/.npy of the design's size")
    .option('--profile', 'link with -g, --save-temps and the data/exec/stall profiling monitors')
    .option('--common-image <dir>', 'package: the unpacked xilinx-zynqmp-common-v20xx.x directory (rootfs.ext4, Image)')
    .option('--sd-file <file>', 'package: another file for the SD card (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (opts: BuildCliOptions) => {
      const r = await runBuild({ ...opts, sdFiles: opts.sdFile, log: (l) => process.stderr.write(`build: ${l}\n`) });
      process.stdout.write(`${r.target}: ${r.output}\n`);
    });
}
