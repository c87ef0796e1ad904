// The rules that need the plan: every m_axi bundle must fit the platform's memory (one bank, or a bank range on HBM),
// and the design's multipliers must fit the device's DSP slices by the estimator's count (every product, exp /
// reciprocal / rsqrt / GELU unit and run-time index multiply of the plan's hardware description). Part of validating
// a config, so `validate` refuses what `gen` and `estimate` would. DSPs only: the LUT / FF model is ±50 %.
import { assignBanks } from '../build/link.ts';
import { platformInfo } from '../build/platforms.ts';
import { estimateResources } from '../estimate/resources.ts';
import { isUserError } from '../errors.ts';
import { buildPlan, type Plan } from '../plan/index.ts';
import { PrecisionError } from '../plan/precision.ts';
import type { Config } from './schema.ts';
import type { Violation } from './rules.ts';

/** What the capacity rules check: `resources: false` skips the DSP rule (explore does its own fit accounting). */
export interface CapacityOptions {
  resources?: boolean;
}

/** The DSP rule: the estimator's DSP total against the device's, naming the largest users. */
export function dspViolations(plan: Plan): Violation[] {
  const p = platformInfo(plan.config.hardware.platform);
  const r = estimateResources(plan);
  const have = p.capacity.DSP;
  if (r.total.DSP <= have) return [];
  const top = r.items
    .filter((i) => i.DSP > 0)
    .sort((a, b) => b.DSP - a.DSP)
    .slice(0, 3)
    .map((i) => `${i.unit.replace(/^loop /, '')} ${i.DSP.toLocaleString('en-US')}`);
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  return [{ path: 'hardware', rule: `needs ${n(r.total.DSP)} DSP slices by the estimator's count, the ${p.board} has ${n(have)} (largest: ${top.join(', ')}; lower hardware.attnParallel or hardware.linearTile)` }];
}

/** Bundles that do not fit the board's memory and a DSP count over the device's, as violations (empty when they fit). */
export function capacityViolations(c: Config, o: CapacityOptions = {}): Violation[] {
  let plan: Plan;
  try {
    plan = buildPlan(c);
    assignBanks(plan);
  } catch (e) {
    // Precision patterns that match nothing etc. are the plan's own violations, each with its path.
    if (e instanceof PrecisionError) return e.violations;
    if (!isUserError(e)) throw e;
    // assignBanks says `<path>: <rule>`.
    const m = /^([\w.]+): ([\s\S]*)$/.exec(e.message);
    return [m ? { path: m[1]!, rule: m[2]! } : { path: 'hardware.bundles', rule: e.message }];
  }
  return o.resources === false ? [] : dspViolations(plan);
}
