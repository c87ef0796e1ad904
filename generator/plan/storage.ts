// Which of the top function's large on-chip buffers the kernel binds to UltraRAM (UltraScale+ URAM288: 4K × 72 bit
// per block, two ports). Only boards with URAM (U50, U280; ZCU102's XCZU9EG has none) get any, so ZCU102 designs are
// unchanged. The rendered kernel.cpp emits `#pragma HLS bind_storage … impl=uram` for each buffer chosen here and
// the estimator counts URAM blocks instead of RAMB18s for it.
//
// Rule, per buffer the rendered top function declares (the library headers' local arrays keep HLS's choice):
//   - every bank (after the buffer's array_partition) is at most 72 bits wide, so one URAM word holds an element;
//   - it pays: the RAMB18s the banks need, as BRAM36, are at least URAM_MIN_SAVING per URAM block they would take
//     (a bank of a few hundred words would spend a 288-Kbit block where a 36-Kbit one does);
//   - the URAM blocks fit the budget: URAM_SHARE of the board's URAM, or of the pinned SLR's (hardware.slr). Unpinned
//     on the U280 the budget is the device's, so a design may take more URAM than one SLR has; it is then left
//     unpinned (generator/build/slr.ts) for v++ to spread, as a design too large in block RAM already is.
// Buffers are taken greedily, the best BRAM36-per-URAM first (then the larger saving, then by name).
import { platformInfo } from '../build/platforms.ts';
import { URAM_BITS, URAM_WORDS, bufferLayout, ramb18 } from '../estimate/resources.ts';
import type { Plan, PlanBuffer } from './types.ts';

/** BRAM36 a URAM block must free to be worth it. */
export const URAM_MIN_SAVING = 1.5;
/** Share of the board's (or pinned SLR's) URAM the plan may fill: explore's default utilisation cap. */
export const URAM_SHARE = 0.9;
/** Buffers the rendered top function declares (kernel.cpp.hbs), hence the ones a bind_storage pragma can name. */
export const URAM_CANDIDATES = ['lin_wbuf', 'patch_w', 'expert_queue_idx', 'expert_queue_p'] as const;

/** What a buffer would cost in URAM and in block RAM (BRAM36), bank by bank; uram 0 when a bank is too wide. */
export function uramCost(plan: Pick<Plan, 'sizes' | 'loops'>, b: PlanBuffer): { uram: number; bram36: number } {
  const l = bufferLayout(plan as Plan, b);
  const banks = l.banks * l.copies;
  const depth = Math.ceil(b.elems / l.banks);
  const bram36 = (banks * ramb18(depth, b.elemBits)) / 2;
  if (b.elemBits > URAM_BITS) return { uram: 0, bram36 };
  return { uram: banks * Math.ceil(depth / URAM_WORDS), bram36 };
}

/** The URAM blocks the plan may use on its board (0 without URAM). */
export function uramBudget(plan: Pick<Plan, 'config'>): number {
  const hw = plan.config.hardware;
  const p = platformInfo(hw.platform);
  let cap = p.capacity.URAM;
  if (hw.slr && p.slr) cap = p.slr.perSlr.URAM - (hw.slr === p.slr.home ? p.slr.shell.URAM : 0);
  return Math.floor(cap * URAM_SHARE);
}

/** Names of the buffers bound to URAM (empty on boards without URAM). */
export function placeUram(plan: Pick<Plan, 'config' | 'sizes' | 'loops' | 'buffers'>): Set<string> {
  const budget = uramBudget(plan);
  const chosen = new Set<string>();
  if (budget <= 0) return chosen;
  const cands = plan.buffers
    .filter((b) => (URAM_CANDIDATES as readonly string[]).includes(b.name))
    .map((b) => ({ name: b.name, ...uramCost(plan, b) }))
    .filter((c) => c.uram > 0 && c.bram36 >= URAM_MIN_SAVING * c.uram)
    .sort((a, b) => b.bram36 / b.uram - a.bram36 / a.uram || b.bram36 - a.bram36 || (a.name < b.name ? -1 : 1));
  let used = 0;
  for (const c of cands) {
    if (used + c.uram > budget) continue;
    used += c.uram;
    chosen.add(c.name);
  }
  return chosen;
}
