// Where the kernel sits on a multi-SLR board (U280): pinned to hardware.slr, else to its memory's SLR when the
// resource estimate fits there with the shell's share taken; unpinned (v++ spreads it) when it fits no one SLR.
import { ConfigError, type Config } from '../config/index.ts';
import { slrFitViolations } from '../config/rules.ts';
import { estimateResources } from '../estimate/resources.ts';
import { buildPlan, type Plan } from '../plan/index.ts';
import { platformInfo, type ResourceCounts } from './platforms.ts';

/** What one SLR offers the kernel: its capacity, less the shell where the shell sits (the home SLR). */
export function slrAvailable(plan: Plan, slr: string): { perSlr: ResourceCounts; shell: ResourceCounts } | undefined {
  const s = platformInfo(plan.config.hardware.platform).slr;
  if (!s) return undefined;
  const none: ResourceCounts = { DSP: 0, BRAM36: 0, URAM: 0, LUT: 0, FF: 0 };
  return { perSlr: s.perSlr, shell: slr === s.home ? s.shell : none };
}

/** The violations of the per-SLR fit for `slr` (empty on single-die boards or when it fits). */
export function slrViolations(plan: Plan, slr: string) {
  const a = slrAvailable(plan, slr);
  return a ? slrFitViolations(slr, estimateResources(plan).total, a.perSlr, a.shell) : [];
}

/** The SLR link.cfg pins the compute unit to, or undefined (single-die board, or too big for one SLR). */
export function kernelSlr(plan: Plan): string | undefined {
  const s = platformInfo(plan.config.hardware.platform).slr;
  if (!s) return undefined;
  const pinned = plan.config.hardware.slr;
  if (pinned) return pinned;
  return slrViolations(plan, s.home).length ? undefined : s.home;
}

/** validate: a design pinned by hardware.slr must fit that SLR (a ConfigError with the numbers otherwise). */
export function checkPinnedSlr(c: Config, origin: string): void {
  const pinned = c.hardware.slr;
  if (!pinned) return;
  const v = slrViolations(buildPlan(c), pinned);
  if (v.length) throw new ConfigError(origin, v);
}
