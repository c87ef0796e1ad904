// The rule that needs the plan: every m_axi bundle must fit the platform's memory (one bank, or a bank range on HBM).
// Part of validating a config, so `validate` refuses what `gen` and `estimate` would.
import { assignBanks } from '../build/link.ts';
import { isUserError } from '../errors.ts';
import { buildPlan } from '../plan/index.ts';
import { PrecisionError } from '../plan/precision.ts';
import type { Config } from './schema.ts';
import type { Violation } from './rules.ts';

/** Bundles that do not fit the board's memory, as violations (empty when they fit). */
export function capacityViolations(c: Config): Violation[] {
  try {
    assignBanks(buildPlan(c));
    return [];
  } catch (e) {
    // Precision patterns that match nothing etc. are the plan's own violations, each with its path.
    if (e instanceof PrecisionError) return e.violations;
    if (!isUserError(e)) throw e;
    // assignBanks says `<path>: <rule>`.
    const m = /^([\w.]+): ([\s\S]*)$/.exec(e.message);
    return [m ? { path: m[1]!, rule: m[2]! } : { path: 'hardware.bundles', rule: e.message }];
  }
}
