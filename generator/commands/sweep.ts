// `edgemoe sweep gather DIR`: the synthesis outcome of every point of a sweep dir beside its estimate.
import type { Command } from 'commander';
import { formatGathered, gatherSweep } from '../explore/gather.ts';

/** Registers `edgemoe sweep` and its subcommand `gather`. */
export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .summary('gather the HLS results of a design sweep')
    .description('design sweeps written by `edgemoe explore --emit-jobs DIR` (run them with `make -j N` or `sbatch sweep.sbatch` in DIR)');
  sweep
    .command('gather')
    .summary('every point\'s csynth report beside its estimate')
    .description('read every point of a sweep dir: its status (synthesised, failed with the exit code, not run, no report), the top function\'s csynth.xml latency and resources beside the estimate; a failed point is listed, not dropped')
    .argument('<dir>', 'the sweep dir (holds sweep.json)')
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => {
      const g = gatherSweep(dir);
      process.stdout.write(opts.json ? `${JSON.stringify(g, null, 2)}\n` : formatGathered(g));
    });
}
