// The `edgemoe` command line: one subcommand per module, errors mapped to exit codes.
import { Command, CommanderError } from 'commander';
import { isUserError } from '../generator/errors.ts';
import { installInterruptHandlers } from '../generator/interrupt.ts';
import { register as registerValidate } from '../generator/commands/validate.ts';
import { register as registerPresets } from '../generator/commands/presets.ts';
import { register as registerPack } from '../generator/commands/pack.ts';
import { register as registerGen } from '../generator/commands/gen.ts';
import { register as registerCsim, type CsimImageMap } from '../generator/commands/csim.ts';
import { register as registerReport } from '../generator/commands/report.ts';
import { register as registerBuild } from '../generator/commands/build.ts';
import { register as registerEstimate } from '../generator/commands/estimate.ts';
import { register as registerExplore, type CheckImageMap } from '../generator/commands/explore.ts';
import { register as registerSweep } from '../generator/commands/sweep.ts';
import { register as registerRun } from '../host/commands/run.ts';
import { register as registerWeights } from '../generator/commands/weights.ts';
import { register as registerReference } from '../generator/commands/reference.ts';
import { register as registerProfile } from '../generator/commands/profile.ts';

const program = new Command('edgemoe')
  .description('Compile multi-task MoE vision transformers (M3ViT) into Vitis HLS accelerators after Edge-MoE, C-simulate them, and run them through XRT')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride()
  // commander's own errors (unknown option, missing argument) get the same prefix as ours; subcommands inherit this.
  .configureOutput({ outputError: (str, write) => write(str.startsWith('error: ') ? `edgemoe: ${str}` : str) });

// Several images of one command on worker processes (host/pool/map.ts; loaded only when used).
const poolMap =
  (module: string, fn: string) =>
  async <A, R>(list: A[], workers: number, onResult?: (i: number, r: R) => void): Promise<R[]> => {
    const { mapJobs } = await import('../host/pool/map.ts');
    const url = new URL(module, import.meta.url).href;
    return mapJobs<R>(list.map((arg) => ({ module: url, fn, arg })), workers, onResult);
  };

// Subcommands register themselves here, one line each.
const registrations: Array<(p: Command) => void> = [
  // In the order of the flow (config → weights → design → simulate → hardware → run), as `--help` lists them.
  registerPresets,
  registerValidate,
  registerWeights,
  registerReference,
  registerProfile,
  registerGen,
  registerPack,
  (p) => registerCsim(p, poolMap('../generator/csim/image-job.ts', 'csimImage') as CsimImageMap),
  registerEstimate,
  (p) => registerExplore(p, poolMap('../generator/explore/check.ts', 'checkImage') as CheckImageMap),
  registerBuild,
  registerSweep,
  registerReport,
  registerRun,
];
for (const r of registrations) r(program);

// A closed pipe (`edgemoe ... | head`) ends the output quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

// Ctrl-C / SIGTERM: temp files removed, child process groups ended, exit 130 / 143.
installInterruptHandlers();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (isUserError(e)) {
    process.stderr.write(`edgemoe: error: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`edgemoe: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
}
