// The CLI's commands by name, each with the module that registers it, in the order of the flow (config → weights →
// design → simulate → hardware → run) that `edgemoe --help` lists. Loaded lazily: see bin/cli.ts.
import type { Command } from 'commander';
import type { CsimImageMap } from '../generator/commands/csim.ts';
import type { CheckImageMap } from '../generator/commands/explore.ts';
import type { ProfileImageMap } from '../generator/commands/profile.ts';
import { poolMap } from './pool-map.ts';

export type CommandModule = { register: (program: Command) => void };

export const COMMANDS: ReadonlyArray<readonly [name: string, module: () => Promise<CommandModule>]> = [
  ['presets', () => import('../generator/commands/presets.ts')],
  ['validate', () => import('../generator/commands/validate.ts')],
  ['weights', () => import('../generator/commands/weights.ts')],
  ['reference', () => import('../generator/commands/reference.ts')],
  ['profile', async () => {
    const m = await import('../generator/commands/profile.ts');
    return { register: (p: Command) => m.register(p, poolMap('../generator/profile/image-job.ts', 'profileImage') as ProfileImageMap) };
  }],
  ['gen', () => import('../generator/commands/gen.ts')],
  ['pack', () => import('../generator/commands/pack.ts')],
  ['csim', async () => {
    const m = await import('../generator/commands/csim.ts');
    return { register: (p: Command) => m.register(p, poolMap('../generator/csim/image-job.ts', 'csimImage') as CsimImageMap) };
  }],
  ['estimate', () => import('../generator/commands/estimate.ts')],
  ['explore', async () => {
    const m = await import('../generator/commands/explore.ts');
    return { register: (p: Command) => m.register(p, poolMap('../generator/explore/check.ts', 'checkImage') as CheckImageMap) };
  }],
  ['build', () => import('../generator/commands/build.ts')],
  ['sweep', () => import('../generator/commands/sweep.ts')],
  ['report', () => import('../generator/commands/report.ts')],
  ['run', () => import('../host/commands/run.ts')],
];
