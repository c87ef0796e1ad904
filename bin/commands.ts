// The CLI's commands by name, each with the module that registers it, in the order of the flow (config → weights →
// design → simulate → hardware → run) that `edgemoe --help` lists. Loaded lazily: see bin/cli.ts.
import type { Command } from 'commander';
import { poolMap } from './pool-map.ts';

export type CommandModule = { register: (program: Command) => void };

/** A command whose images go to worker processes: its module registers with the pool's map of `job`'s `fn`. */
function pooled<M>(load: () => Promise<{ register: (program: Command, mapImages?: M) => void }>, job: string, fn: string, loadJob: () => Promise<object>) {
  return async (): Promise<CommandModule> => {
    const m = await load();
    return { register: (p: Command) => m.register(p, poolMap(job, fn, loadJob) as M) };
  };
}

export const COMMANDS: ReadonlyArray<readonly [name: string, module: () => Promise<CommandModule>]> = [
  ['presets', () => import('../generator/commands/presets.ts')],
  ['validate', () => import('../generator/commands/validate.ts')],
  ['weights', () => import('../generator/commands/weights.ts')],
  ['reference', () => import('../generator/commands/reference.ts')],
  ['profile', pooled(() => import('../generator/commands/profile.ts'), '../generator/profile/image-job.ts', 'profileImage', () => import('../generator/profile/image-job.ts'))],
  ['gen', () => import('../generator/commands/gen.ts')],
  ['pack', () => import('../generator/commands/pack.ts')],
  ['csim', pooled(() => import('../generator/commands/csim.ts'), '../generator/csim/image-job.ts', 'csimImage', () => import('../generator/csim/image-job.ts'))],
  ['estimate', () => import('../generator/commands/estimate.ts')],
  ['explore', pooled(() => import('../generator/commands/explore.ts'), '../generator/explore/check.ts', 'checkImage', () => import('../generator/explore/check.ts'))],
  ['build', () => import('../generator/commands/build.ts')],
  ['sweep', () => import('../generator/commands/sweep.ts')],
  ['report', () => import('../generator/commands/report.ts')],
  ['run', () => import('../host/commands/run.ts')],
];
