// The CLI's commands by name, each with the module that registers it, in the order of the flow (config → weights →
// design → simulate → hardware → run) that `edgemoe --help` lists. Loaded lazily: see bin/cli.ts.
import type { Command } from 'commander';

export type CommandModule = { register: (program: Command) => void };

export const COMMANDS: ReadonlyArray<readonly [name: string, module: () => Promise<CommandModule>]> = [
  ['presets', () => import('../generator/commands/presets.ts')],
  ['validate', () => import('../generator/commands/validate.ts')],
  ['weights', () => import('../generator/commands/weights.ts')],
  ['reference', () => import('../generator/commands/reference.ts')],
  ['profile', () => import('../generator/commands/profile.ts')],
  ['gen', () => import('../generator/commands/gen.ts')],
  ['pack', () => import('../generator/commands/pack.ts')],
  ['csim', () => import('../generator/commands/csim.ts')],
  ['estimate', () => import('../generator/commands/estimate.ts')],
  ['explore', () => import('../generator/commands/explore.ts')],
  ['build', () => import('../generator/commands/build.ts')],
  ['sweep', () => import('../generator/commands/sweep.ts')],
  ['report', () => import('../generator/commands/report.ts')],
  ['run', () => import('../host/commands/run.ts')],
];
