// Resource estimate of a design: DSPs of each multiplier array, BRAM36 of each on-chip buffer (by its partitioning),
// LUT/FF from per-unit costs. A first-order model for "does it fit", documented per unit; HLS reports are the truth.
//
// DSPs per product: a DSP48E2 multiplies 27×18 bits (signed), so an a×b-bit product takes
// min(⌈a/27⌉·⌈b/18⌉, ⌈a/18⌉·⌈b/27⌉) DSPs (16×32 → 2, 32×32 → 4, 16×8 → 1).
// BRAM: a buffer split into `parts` banks (its array_partition) keeps each bank in RAMB18s of aspect
// 512×36 / 1K×18 / 2K×9 / 4K×4 / 8K×2 / 16K×1; a bank of ≤ 1024 bits goes to LUTRAM (64 bits per LUT) instead, or
// to registers (one FF per bit) when a bank holds ≤ 64 bits. BRAM36 = RAMB18/2.
// LUT/FF: per MAC lane (adder + pipeline registers of its accumulator width) ~1 LUT and ~1.5 FF per accumulator bit;
// per m_axi bundle (256-bit adapter, burst FIFOs) ~2,000 LUT / 3,500 FF; control, s_axilite and glue ~8,000 LUT /
// 10,000 FF. Expect ±50 % on LUT/FF.
import type { Plan, PlanBuffer } from '../plan/index.ts';
import type { ResourceCounts } from '../build/platforms.ts';

/** DSP48E2 slices of one a×b-bit product. */
export function dspPerProduct(a: number, b: number): number {
  return Math.max(1, Math.min(Math.ceil(a / 27) * Math.ceil(b / 18), Math.ceil(a / 18) * Math.ceil(b / 27)));
}

/** RAMB18 blocks holding `depth` words of `width` bits (0 when small enough for LUTRAM/registers). */
export function ramb18(depth: number, width: number): number {
  if (depth * width <= 1024) return 0;
  const aspects: Array<[number, number]> = [[512, 36], [1024, 18], [2048, 9], [4096, 4], [8192, 2], [16384, 1]];
  let best = Infinity;
  for (const [d, w] of aspects) best = Math.min(best, Math.ceil(depth / d) * Math.ceil(width / w));
  return best;
}

/** One line of the resource estimate. */
export interface ResourceItem {
  unit: string;
  what: string;
  DSP: number;
  BRAM36: number;
  LUT: number;
  FF: number;
}

/** Banks each plan buffer is split into (the array_partition pragmas of the kernel library). */
export function bufferParts(plan: Plan, b: PlanBuffer): number {
  const s = plan.sizes;
  switch (b.name) {
    case 'lin_wbuf':
      return 2 * s.tileIn * s.tileOut; // ping/pong × one bank per tile element (complete on the tile dims)
    case 'lin_bias':
      return 2 * s.tileOut;
    case 'lin_xrow':
      return s.tileIn; // cyclic factor TILE_IN
    case 'gate_w':
      return s.experts * s.actLanes; // E·lanes weights per cycle
    case 'expert_queue_idx':
    case 'expert_queue_p':
      return s.experts;
    case 'patch_w':
      return s.peDims * s.patch; // PE_DIMS·PATCH weights per cycle, shared by the patches
    case 'patch_b':
    case 'ln_params':
      return s.actLanes;
    case 'patch_acc':
      return s.pePatches * s.peDims;
    case 'q_rows':
    case 'attn_acc':
      return s.attnP * s.actLanes;
    default:
      return 1;
  }
}

/** The resource items of a plan and their sum. */
export function estimateResources(plan: Plan): { items: ResourceItem[]; total: ResourceCounts } {
  const s = plan.sizes;
  const t = plan.types;
  const acc = t.accumulator.W;
  const act = t.activation.W;
  const mac = (unit: string, what: string, lanes: number, a: number, b: number): ResourceItem => ({
    unit,
    what,
    DSP: lanes * dspPerProduct(a, b),
    BRAM36: 0,
    LUT: Math.round(lanes * acc),
    FF: Math.round(lanes * acc * 1.5),
  });
  const items: ResourceItem[] = [
    mac('unified linear', `${s.tileOut}×${s.tileIn} MACs, ${t.linearWeight.W}×${act}-bit`, s.tileIn * s.tileOut, t.linearWeight.W, act),
    mac('linear writer', `${s.tileOut} GELU interpolations + gate-score products`, 2 * s.tileOut, act, 22),
    mac('attention Q·Kᵀ', `${s.attnP}×${s.actLanes} MACs, ${act}×${act}-bit`, s.attnP * s.actLanes, act, act),
    mac('attention softmax·V', `${s.attnP}×${s.actLanes} MACs, ${act}×${act}-bit`, s.attnP * s.actLanes, act, act),
    mac('softmax exp/recip', `${s.attnP}·${s.heads} exp + products per cycle (fixed_math.h)`, 2 * s.attnP * s.heads, acc, 22),
    mac('patch embed', `${s.pePatches}×${s.peDims}×${s.patch} MACs, ${t.patchWeight.W}×${t.pixel.W}-bit`, s.pePatches * s.peDims * s.patch, t.patchWeight.W, t.pixel.W),
    mac('MoE gate', `${s.experts}×${s.actLanes} MACs, ${t.linearWeight.W}×${act}-bit`, s.experts * s.actLanes, t.linearWeight.W, act),
    mac('layernorm', `${s.actLanes} lanes × 3 products (x², (x−μ)·r, ·γ)`, 3 * s.actLanes, act, act),
  ];
  for (const b of plan.buffers) {
    const parts = bufferParts(plan, b);
    const depth = Math.ceil(b.elems / parts);
    const r18 = parts * ramb18(depth, b.elemBits);
    const small = r18 === 0;
    const registers = small && depth * b.elemBits <= 64;
    items.push({
      unit: `buffer ${b.name}`,
      what: `${b.elems} × ${b.elemBits} bit in ${parts} bank${parts === 1 ? '' : 's'}`,
      DSP: 0,
      BRAM36: r18 / 2,
      LUT: small && !registers ? Math.ceil(b.bits / 64) : 0,
      FF: registers ? b.bits : 0,
    });
  }
  const nb = plan.bundles.length;
  items.push({ unit: 'm_axi adapters', what: `${nb} bundles × ${s.axiBits}-bit`, DSP: 0, BRAM36: nb * 2, LUT: nb * 2000, FF: nb * 3500 });
  items.push({ unit: 'control', what: 's_axilite, op schedule, loop control', DSP: 0, BRAM36: 0, LUT: 8000, FF: 10000 });
  const total: ResourceCounts = { DSP: 0, BRAM36: 0, URAM: 0, LUT: 0, FF: 0 };
  for (const i of items) {
    total.DSP += i.DSP;
    total.BRAM36 += i.BRAM36;
    total.LUT += i.LUT;
    total.FF += i.FF;
  }
  return { items, total };
}
