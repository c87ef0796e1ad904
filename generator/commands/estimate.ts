// `edgemoe estimate`: the analytic latency / bandwidth / resource estimate of a config or a generated design.
import type { Command } from 'commander';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { estimatePlan } from '../estimate/estimate.ts';
import { formatEstimate, formatResources } from '../estimate/format.ts';
import { designPlan } from '../csim/run.ts';
import { buildPlan } from '../plan/index.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

/** Parses an optional integer option in 0..max; `what` says where the bound comes from. */
const intInRange = (flag: string, v: string | undefined, max: number, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const x = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(x) || x > max) throw new UserError(`${flag} '${v}': expected an integer in 0..${max} (${what})`);
  return x;
};

/** Registers `edgemoe estimate`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('estimate')
      .summary('estimate latency, bandwidth and resources')
      .description(
        'estimate a design in milliseconds, without synthesis: per-op cycles (the kernels\' trip counts at II = 1, checked against csim), pipeline fill, DRAM traffic and the bandwidth bound of the board\'s memory ports, DSP/BRAM/LUT/FF beside the board\'s capacity',
      ),
  )
    .option('-d, --design <dir>', 'estimate a generated design (its config.json) instead of --preset/--config')
    .option('--json', 'print JSON')
    .option('--ops', 'one row per op instead of per op kind')
    .option('--resources', 'print the resource estimate unit by unit instead: each MAC array, each on-chip buffer with its banks (array_partition) and where it lives (registers/LUTRAM/RAMB18), each dataflow FIFO, the m_axi adapters')
    .option('--pairs <n>', 'token-expert pairs per MoE block, 0..tokens × topK (default: tokens × topK)')
    .option('--active-experts <n>', 'experts that receive tokens in each MoE block, 1..experts (default: the expected number under uniform routing, rounded)')
    .action((opts: { preset?: string; config?: string; set?: string[]; design?: string; json?: boolean; ops?: boolean; resources?: boolean; pairs?: string; activeExperts?: string }) => {
      if (opts.design && (opts.preset || opts.config || opts.set?.length)) throw new UserError('--design takes the config of the design; do not combine it with --preset, --config or --set');
      const plan = opts.design ? designPlan(readDesign(opts.design)) : buildPlan(configFromOptions(opts));
      const s = plan.sizes;
      const pairs = intInRange('--pairs', opts.pairs, s.tokens * s.topK, `${s.tokens} tokens × top-${s.topK}`);
      const activeExperts = intInRange('--active-experts', opts.activeExperts, s.experts, `the config has ${s.experts} experts`);
      const effPairs = pairs ?? s.tokens * s.topK;
      // Each active expert takes 1..tokens of the pairs (a token picks distinct experts).
      const [lo, hi] = [Math.ceil(effPairs / s.tokens), Math.min(s.experts, effPairs)];
      if (activeExperts !== undefined && (activeExperts < lo || activeExperts > hi)) {
        throw new UserError(`--active-experts ${activeExperts}: with ${effPairs} token-expert pairs per MoE block (${s.tokens} tokens), between ${lo} and ${hi} experts can be active`);
      }
      const e = estimatePlan(plan, { pairs, activeExperts });
      if (opts.json) {
        const { platform, ...rest } = e;
        process.stdout.write(`${JSON.stringify({ ...rest, platform: { id: platform.id, board: platform.board, part: platform.part, vppPlatform: platform.vppPlatform } }, null, 2)}\n`);
      } else if (opts.resources) process.stdout.write(formatResources(e));
      else process.stdout.write(formatEstimate(e, opts.ops));
    });
}
