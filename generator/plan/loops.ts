// The hardware description of the kernel library, one row per pipelined loop (and per sequential region that holds
// an arithmetic unit): declared II, assumed pipeline depth, whether it ticks (EDGEMOE_TICK), its m_axi access kind
// and the units one iteration instantiates (products with their operand widths, exp / reciprocal / rsqrt / GELU
// units). The kernel headers are written to this table: test/kernel/description.test.ts lints the emitted C++ and
// fails when a loop gains a product, a unit or a pipeline pragma the table does not list; the estimator takes every
// II, depth and DSP from it.
import type { PlanSizes, PlanTypes } from './types.ts';

/** How a loop touches DRAM: 'read' / 'write' sequential bursts, 'rmw' read-modify-write of the same word, 'none'. */
export type AxiKind = 'read' | 'write' | 'rmw' | 'none';

/** Products of one iteration: `count` multipliers of a×b bits. */
export interface PlanProduct {
  count: number;
  a: number;
  b: number;
  what: string;
}

/** One row of the description. */
export interface PlanLoop {
  /** C++ label of the loop (unique across the kernel library). */
  label: string;
  /** Kernel library header it is in. */
  file: string;
  /** Declared II (`#pragma HLS pipeline II=`), or null for a sequential (not pipelined) region. */
  ii: number | null;
  /** Assumed pipeline depth in cycles at the design clock (fill paid per entry). */
  depth: number;
  /** Its body calls EDGEMOE_TICK (iterations counted by csim --cycles). */
  ticks: boolean;
  axi: AxiKind;
  /** False when a compile-time branch of this config never runs it (it then costs nothing). */
  live: boolean;
  products: PlanProduct[];
  exp: number;
  recip: number;
  rsqrt: number;
  gelu: number;
  what: string;
}

/** Operand widths of the products inside one unit of fixed_math.h / gelu_approx.h (for its DSP cost). */
export interface UnitProducts {
  products: Array<[number, number]>;
  what: string;
}

/** The arithmetic units of fixed_math.h / gelu_approx.h: the products one call instantiates. `argBits` is the width
 *  of the exp argument (softmax_diff_t = act_t + 1 bit). */
export function unitProducts(t: PlanTypes): Record<'exp' | 'recip' | 'rsqrt' | 'gelu', UnitProducts> {
  const xw = t.activation.W + 1;
  const actF = t.activation.frac;
  return {
    // t = -x·log2e, u = r·ln2, u², u³, u³/6, 2^-idx·poly (fx_exp_neg).
    exp: { products: [[xw, 33], [24, 32], [32, 32], [32, 32], [32, 32], [31, 42]], what: 'fx_exp_neg: ROM 2^-f (LUT) × cubic' },
    // Two Newton steps of m·y and y·(2 − m·y) (fx_recip on the 48-bit softmax sum).
    recip: { products: [[33, 35], [35, 42], [33, 35], [35, 42]], what: 'fx_recip: ROM seed (LUT) + 2 Newton steps' },
    // Two Newton steps of y², m·y², y·h (fx_rsqrt).
    rsqrt: { products: [[35, 35], [35, 39], [35, 41], [35, 35], [35, 39], [35, 41]], what: 'fx_rsqrt: ROM seed + 2 Newton steps' },
    // frac·(t1 − t0) (gelu_approx on act_t).
    gelu: { products: [[Math.max(1, actF - 5), 23]], what: 'gelu_approx: ROM pair (LUT) + one interpolation' },
  };
}

/** The description of a config's kernel library. */
export function planLoops(s: PlanSizes, t: PlanTypes): PlanLoop[] {
  const act = t.activation.W;
  const acc = t.accumulator.W;
  const wl = t.linearWeight.W;
  const P = s.attnP;
  const H = s.heads;
  const L = s.actLanes;
  const sumBits = 48; // softmax_sum_t
  const loops: PlanLoop[] = [];
  const row = (
    file: string,
    label: string,
    ii: number | null,
    depth: number,
    o: Partial<Pick<PlanLoop, 'ticks' | 'axi' | 'live' | 'products' | 'exp' | 'recip' | 'rsqrt' | 'gelu'>> & { what: string },
  ) => loops.push({ label, file, ii, depth, ticks: false, axi: 'none', live: true, products: [], exp: 0, recip: 0, rsqrt: 0, gelu: 0, ...o });
  const mul = (count: number, a: number, b: number, what: string): PlanProduct => ({ count, a, b, what });

  // ---- reordered_attention.h ----
  const A = 'reordered_attention.h';
  row(A, 'attn_read_q_words', 1, 3, { axi: 'read', what: 'Q reader: N rows, one word per cycle' });
  row(A, 'attn_read_q_pad', 1, 2, { what: 'Q reader: zero words of the padded rows' });
  row(A, 'attn_read_kv_words', 1, 3, { axi: 'read', what: 'K / V reader: the region once per q-block' });
  row(A, 'qk_blocks', 1, 12, {
    ticks: true,
    products: [mul(P * L, act, act, 'q·k lanes, P slots'), mul(P, acc, 25, '8-partial × HEAD_DIM^-0.5')],
    what: 'Q·Kᵀ: one K block per cycle, adder tree per slot',
  });
  row(A, 'qk_fin_slots', 1, 36, {
    products: [mul(H, sumBits, 32, 'running sum × e (rescale)')],
    exp: H,
    recip: H,
    what: 'finalize: online softmax, one slot per cycle, HEADS exp + HEADS recip units time-multiplexed over P slots',
  });
  row(A, 'attn_write_scores_words', 1, 3, { axi: 'write', what: 'score writer' });
  row(A, 'attn_write_info_words', 1, 3, { axi: 'write', what: 'softmax-info writer' });
  row(A, 'attn_read_scores_words', 1, 3, { axi: 'read', what: 'score reader' });
  row(A, 'attn_read_info_words', 1, 3, { axi: 'read', what: 'softmax-info reader' });
  row(A, 'av_prep_slots', 1, 30, {
    products: [mul(H, 32, act, 'e × (1/s)')],
    exp: H,
    what: 'prepare: p = e^(a−m)/s, one slot per cycle, HEADS exp units time-multiplexed over P slots',
  });
  row(A, 'av_blocks', 1, 10, { ticks: true, products: [mul(P * L, act, act, 'p·v lanes, P slots')], what: 'softmax·V: one V block per cycle' });
  row(A, 'attn_write_out_words', 1, 3, { axi: 'write', what: 'attn·V writer: rows in natural order' });

  // ---- unified_linear.h ----
  const U = 'unified_linear.h';
  const aligned = s.dim % t.linearWeight.lanes === 0 && s.mlpHidden % t.linearWeight.lanes === 0 && s.expertHidden % t.linearWeight.lanes === 0;
  row(U, 'lin_wload_rows', 1, 4, { ticks: true, axi: 'read', live: aligned, what: 'weight loader (word-aligned rows)' });
  row(U, 'lin_wload_words', 1, 4, { ticks: true, axi: 'read', live: !aligned, what: 'weight loader (general layout)' });
  const sc = t.linearWeight.scale;
  row(U, 'lin_sload_words', 1, 4, {
    ticks: true,
    axi: 'read',
    live: sc !== undefined,
    what: `row-scale loader (per-channel scales: 16-bit entries before each weight load${sc && sc.scaleBits > 0 ? `; the weight loaders then scale each lane by shift-and-add, ${sc.scaleBits} adders per lane in LUTs` : ''})`,
  });
  row(U, 'lin_bload_words', 1, 4, { ticks: true, axi: 'read', what: 'bias loader' });
  row(U, 'lin_read_steps', 1, 4, { axi: 'read', what: 'reader: rows (gathered by token) one word per cycle' });
  row(U, 'lin_tiles', 1, 10, {
    ticks: true,
    products: [mul(s.tileOut * s.tileIn, act, wl, 'tile MACs (adder tree per output)')],
    gelu: s.tileOut,
    what: 'compute: one TILE_OUT×TILE_IN tile per cycle',
  });
  row(U, 'lin_write_steps', 1, 5, { axi: 'rmw', products: [mul(L, act, act, 'gate score × y (use_score)')], what: 'writer (scatter, read-modify-write with use_score)' });

  // ---- patch_reordering.h ----
  const M = 'patch_reordering.h';
  const gateAligned = s.dim % t.linearWeight.lanes === 0;
  row(M, 'gate_load_rows', 1, 4, { ticks: true, axi: 'read', live: gateAligned, what: 'gate weight loader' });
  row(M, 'gate_load_words', 1, 4, { ticks: true, axi: 'read', live: !gateAligned, what: 'gate weight loader (general layout)' });
  row(M, 'gate_read_words', 1, 3, { axi: 'read', what: 'gate reader' });
  row(M, 'gate_logit_words', 1, 8, { ticks: true, products: [mul(s.experts * L, act, wl, 'E × lanes logit MACs')], what: 'gate logits, one word per cycle' });
  row(M, 'gate_softmax_topk', 3, 12, {
    ticks: true,
    products: [mul(1, sumBits, 32, 'running sum × e')],
    exp: 1,
    what: 'gate online softmax + top-k insertion (II=3: loop-carried exp + rescale)',
  });
  row(M, 'gate_tokens', null, 0, { recip: 1, what: 'per token: 1/s of the gate softmax (sequential)' });
  row(M, 'gate_enqueue', 1, 30, { ticks: true, products: [mul(1, 32, act, 'e × (1/s)')], exp: 1, what: 'queue appends: p = e^(l−m)/s per pick' });
  row(M, 'gate_metaqueue', 1, 2, { ticks: true, what: 'metaqueue of active experts' });
  row(M, 'moe_zero', 1, 2, { ticks: true, axi: 'write', what: 'zero the MoE output' });

  // ---- patch_embed.h ----
  const E = 'patch_embed.h';
  const peAligned = (s.inCh * s.patch * s.patch) % t.patchWeight.lanes === 0;
  row(E, 'pe_wload_rows', 1, 4, { ticks: true, axi: 'read', live: peAligned, what: 'patch weight loader (reload)' });
  row(E, 'pe_wload_words', 1, 4, { ticks: true, axi: 'read', live: !peAligned, what: 'patch weight loader, general layout (reload)' });
  row(E, 'pe_bload_words', 1, 4, { ticks: true, axi: 'read', what: 'patch bias loader (reload)' });
  row(E, 'pe_read_groups', 1, 3, { axi: 'read', what: 'image reader: one patch group per cycle' });
  row(E, 'pe_macs', 1, 8, {
    ticks: true,
    products: [mul(s.pePatches * s.peDims * s.patch, t.pixel.W, t.patchWeight.W, 'patch MACs')],
    what: 'patch MACs: PE_PATCHES × PE_DIMS × PATCH per cycle',
  });
  row(E, 'pe_emit_words', 1, 2, { what: 'patch row sums out, one word per cycle' });
  row(E, 'pe_read_pos_words', 1, 3, { axi: 'read', what: 'pos_embed reader' });
  row(E, 'pe_write_words', 1, 3, { ticks: true, axi: 'write', what: 'pos add + token writer' });

  // ---- layernorm.h ----
  const N = 'layernorm.h';
  const c2 = Math.ceil(Math.log2(s.dim));
  const sumW = act + c2 + 1;
  const sumsqW = 2 * act + c2;
  row(N, 'ln_load_words', 1, 3, { ticks: true, axi: 'read', what: 'gamma / beta loader' });
  row(N, 'ln_read_words', 1, 3, { axi: 'read', what: 'input reader' });
  row(N, 'ln_pass1', 1, 40, {
    ticks: true,
    products: [
      mul(L, act, act, 'x² per lane'),
      mul(1, c2 + 2, sumsqW, 'DIM · Σx²'),
      mul(1, sumW, sumW, '(Σx)²'),
      mul(1, 2 * act + 2 * c2 + 1, 40, 'numerator / DIM²'),
      mul(1, sumW, 48, 'Σx / DIM'),
    ],
    rsqrt: 1,
    what: 'statistics: exact Σx, Σx² and one rsqrt per token',
  });
  row(N, 'ln_pass2', 1, 10, {
    products: [mul(L, act + 24 + 1, 64, '(x − mean) · r'), mul(L, 56, t.bias.W, '· gamma')],
    what: 'normalise one word per cycle',
  });
  row(N, 'ln_write_words', 1, 3, { axi: 'write', what: 'output writer' });

  // ---- residual_add.h ----
  row('residual_add.h', 'residual_words', 1, 4, { ticks: true, axi: 'rmw', what: 'x += y, one word per cycle (reads x and y, writes x)' });
  return loops;
}
