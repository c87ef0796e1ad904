// `edgemoe build`: the design's Vitis flow, one target at a time.
import { Option, type Command } from 'commander';
import { BUILD_TARGETS, VPP_MODES, runBuild, type BuildTarget, type VppMode } from '../build/run.ts';

/** Registers `edgemoe build`. */
export function register(program: Command): void {
  program
    .command('build')
    .summary('run a Vitis flow step (csim, hls, xo, xclbin)')
    .description(
      'run a step of the Vitis flow on a generated design: csim (g++ testbench), hls (vitis_hls C synthesis), xo (synthesis + export), xclbin (v++ link with link.cfg); vitis_hls and v++ must be on PATH (source <Vitis>/settings64.sh)',
    )
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .addOption(new Option('--target <target>', 'what to build').choices([...BUILD_TARGETS]).makeOptionMandatory())
    .option('--platform <name>', 'v++ platform name or .xpfm path (default: the standard platform of config.hardware.platform)')
    .addOption(new Option('--mode <mode>', 'v++ target of --target xclbin').choices([...VPP_MODES]).default('hw'))
    .option('--cosim', 'also run C/RTL co-simulation after synthesis (hls, xo); needs <design>/weights.bin and build/image.bin')
    .option('--image <file>', "write build/image.bin (the testbench's input for --cosim and CSIM=1) from this PNG/JPEG/.npy of the design's size")
    .action(async (opts: { design: string; target: BuildTarget; platform?: string; mode: VppMode; cosim?: boolean; image?: string }) => {
      const r = await runBuild({ ...opts, log: (l) => process.stderr.write(`build: ${l}\n`) });
      process.stdout.write(`${r.target}: ${r.output}\n`);
    });
}
