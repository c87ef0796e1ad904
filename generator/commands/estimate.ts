// `edgemoe estimate`: the analytic latency / bandwidth / resource estimate of a config or a generated design.
import type { Command } from 'commander';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { estimatePlan } from '../estimate/estimate.ts';
import { formatEstimate } from '../estimate/format.ts';
import { designPlan } from '../csim/run.ts';
import { buildPlan } from '../plan/index.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

const posInt = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new UserError(`${flag} '${v}': expected an integer ≥ 0`);
  return x;
};

/** Registers `edgemoe estimate`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('estimate')
      .description(
        'estimate a design in milliseconds, without synthesis: per-op cycles (the kernels\' trip counts at II = 1, checked against csim), pipeline fill, DRAM traffic and the bandwidth bound of the board\'s memory ports, DSP/BRAM/LUT/FF beside the board\'s capacity',
      ),
  )
    .option('-d, --design <dir>', 'estimate a generated design (its config.json) instead of --preset/--config')
    .option('--json', 'print JSON')
    .option('--ops', 'one row per op instead of per op kind')
    .option('--pairs <n>', 'token-expert pairs per MoE block (default tokens × topK)')
    .option('--active-experts <n>', 'active experts per MoE block (default: the expected number under uniform routing)')
    .action((opts: { preset?: string; config?: string; set?: string[]; design?: string; json?: boolean; ops?: boolean; pairs?: string; activeExperts?: string }) => {
      if (opts.design && (opts.preset || opts.config || opts.set?.length)) throw new UserError('--design takes the config of the design; do not combine it with --preset, --config or --set');
      const plan = opts.design ? designPlan(readDesign(opts.design)) : buildPlan(configFromOptions(opts));
      const e = estimatePlan(plan, { pairs: posInt('--pairs', opts.pairs), activeExperts: posInt('--active-experts', opts.activeExperts) });
      if (opts.json) {
        const { platform, ...rest } = e;
        process.stdout.write(`${JSON.stringify({ ...rest, platform: { id: platform.id, board: platform.board, part: platform.part, vppPlatform: platform.vppPlatform } }, null, 2)}\n`);
      } else process.stdout.write(formatEstimate(e, opts.ops));
    });
}
