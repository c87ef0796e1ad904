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
import { linLoaderWrites } from './loops.ts';
import type { Plan, PlanBanking, PlanBuffer, PlanSizes, PlanTypes } from './types.ts';

/** BRAM36 a URAM block must free to be worth it. */
export const URAM_MIN_SAVING = 1.5;
/** Share of the board's (or pinned SLR's) URAM the plan may fill: explore's default utilisation cap. */
export const URAM_SHARE = 0.9;
/** Buffers the rendered top function declares (kernel.cpp.hbs), hence the ones a bind_storage pragma can name. */
export const URAM_CANDIDATES = [
  'lin_wbuf',
  'patch_w',
  'expert_queue_idx',
  'expert_queue_p',
  // hardware.activations = 'onchip' (generator/plan/build.ts ON_CHIP_ARRAYS): AXI-word elements, ⌈bits / 72⌉ URAM
  // columns side by side.
  'act_x',
  'act_tmp1',
  'act_tmp2',
  'act_tmp3',
  'act_hidden',
  'act_attn',
  'act_softmax_info',
] as const;

/** URAM288 blocks side by side for one element: 1 up to 72 bits; a wider element (an AXI word of the on-chip
 *  activation arrays) spans ⌈bits / 72⌉ columns. Only the activation arrays are candidates that wide. */
export function uramColumns(elemBits: number): number {
  return Math.ceil(elemBits / URAM_BITS);
}

/** What a buffer would cost in URAM and in block RAM (BRAM36), bank by bank; uram 0 when a bank is too wide. */
export function uramCost(plan: Pick<Plan, 'sizes' | 'loops'>, b: PlanBuffer): { uram: number; bram36: number } {
  const l = bufferLayout(plan as Plan, b);
  const banks = l.banks * l.copies;
  const depth = Math.ceil(b.elems / l.banks);
  const bram36 = (banks * ramb18(depth, b.elemBits)) / 2;
  if (b.elemBits > URAM_BITS && !b.name.startsWith('act_')) return { uram: 0, bram36 };
  return { uram: banks * Math.ceil(depth / URAM_WORDS) * uramColumns(b.elemBits), bram36 };
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

// ---- Linear weight banking: lin_wping / lin_wpong, TILE_OUT × TILE_IN lanes read every cycle ----
// A bank per tile lane holds LIN_WBUF_TILES words (288 for a 64×8 tile on ViT-T): a quarter of a RAMB18 at 16 bits.
// Two packings put two or more lanes in one block RAM without changing a loader or the engine (pragmas only):
//   'row-words'  array_reshape complete on TILE_IN: a bank per tile row, one TILE_IN·W-bit word per tile. Only when
//                every loader write fills whole words (the lanes of a weight word are whole tile rows: rows
//                word-aligned, WLIN_LANES a multiple of TILE_IN), so no write is a partial word. The loader then
//                writes WLIN_LANES / TILE_IN words of a bank per cycle: one → simple dual-port (512×36 aspect);
//                two → true dual-port, where a RAMB18 port is at most 18 bits wide and packing buys next to nothing.
//   'row-pairs'  array_partition block factor TILE_OUT/2 on TILE_OUT (complete on TILE_IN): rows 2j and 2j+1 of a
//                lane share a bank, stacked in depth; the engine reads both each cycle through the two ports of a
//                true dual-port bank. The one-port loader writes one row at a time, the weightPorts-port loader
//                (weightPorts ≥ 2) both rows of a pair in the same cycle, so a bank sees WLIN_LANES / TILE_IN (at
//                least 1) writes per row, times min(weightPorts, 2) rows: allowed while that is ≤ the 2 write ports.
//                At 16 bits two rows of up to 512 tiles fill a 1K×18.
// Writes per bank per loader cycle (linLoaderWrites) are the loader's store sites on one bank: unified_linear.h's
// lin_wload_put stores every lane at a constant column bank, and the port loader unrolls its rows with a run-time
// enable, so each row a bank holds adds WLIN_LANES / TILE_IN (at least one) stores. The port loader's II
// (linLoaderII in generator/plan/loops.ts, the II of lin_wload_ports) is those writes over the bank's write ports: 2 for a true
// dual-port binding, else 1 (the per-lane layout has no bind_storage: HLS's default 1R1W binding is assumed, not
// checked). A packing whose writes exceed its write ports is not offered (the per-lane layout is the fall-back).
// Partial reshape factors (a few lanes per word) would need array_reshape and array_partition on the same dimension
// or a 4-D buffer type (new indices in the loader and the engine); not done. The plan takes the packing with the fewest
// RAMB18s when it saves at least LIN_PACK_MIN_SAVING of the per-lane layout's (a layout change is worth a clear
// saving; on a tie 'row-pairs', plain partitioning, before 'row-words'); lin_wbuf bound to URAM is never packed.

/** Share of lin_wbuf's per-lane RAMB18s a packing must save to be used. */
export const LIN_PACK_MIN_SAVING = 0.25;

/** The banking options of one linear weight array for a plan's sizes and types, the per-lane layout first. */
export function linWeightBankings(s: PlanSizes, t: PlanTypes): PlanBanking[] {
  const W = t.linearWeight.W;
  const L = t.linearWeight.lanes;
  const D = s.linWeightTiles;
  const TI = s.tileIn;
  const TO = s.tileOut;
  const out: PlanBanking[] = [
    { kind: 'lanes', banks: TO * TI, depth: D, width: W, tdp: false, ramb18: TO * TI * ramb18(D, W), why: 'complete on the tile dims: a TILE_OUT×TILE_IN tile per cycle' },
  ];
  // lin_geometry::WROWS_WORD_ALIGNED (unified_linear.h): a weight word never straddles two matrix rows.
  const aligned = L > 0 && [s.dim, s.mlpHidden, s.expertHidden].every((n) => n % L === 0);
  if (!aligned) return out;
  const rwWrites = linLoaderWrites(s, t, 'row-words'); // whole words of one row bank the loader writes per cycle
  if (L % TI === 0 && rwWrites <= 2) {
    const tdp = rwWrites === 2;
    out.push({
      kind: 'row-words',
      banks: TO,
      depth: D,
      width: TI * W,
      tdp,
      ramb18: TO * ramb18(D, TI * W, tdp),
      why: `reshaped: a bank per tile row, its TILE_IN weights one ${TI * W}-bit word, ${rwWrites} whole word${rwWrites > 1 ? 's' : ''} written per cycle`,
    });
  }
  const rpWrites = linLoaderWrites(s, t, 'row-pairs'); // lane writes of one row-pair bank per cycle (both rows with ≥ 2 ports)
  if (TO % 2 === 0 && Number.isInteger(rpWrites) && rpWrites <= 2) {
    out.push({
      kind: 'row-pairs',
      banks: (TO / 2) * TI,
      depth: 2 * D,
      width: W,
      tdp: true,
      ramb18: (TO / 2) * TI * ramb18(2 * D, W, true),
      why: `block TILE_OUT/2 × complete TILE_IN: two tile rows per lane bank, stacked in depth, both read per cycle, ${rpWrites} written per cycle`,
    });
  }
  return out;
}

/** The packing the plan uses for lin_wping / lin_wpong, or null (a bank per tile lane). */
export function linWeightBanking(s: PlanSizes, t: PlanTypes): PlanBanking | null {
  const [lanes, ...packed] = linWeightBankings(s, t);
  const order = { 'row-pairs': 0, 'row-words': 1, lanes: 2 } as const;
  const best = packed.sort((a, b) => a.ramb18 - b.ramb18 || order[a.kind] - order[b.kind])[0];
  if (!best || lanes!.ramb18 === 0) return null;
  return best.ramb18 <= (1 - LIN_PACK_MIN_SAVING) * lanes!.ramb18 ? best : null;
}
