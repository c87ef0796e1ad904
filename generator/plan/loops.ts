// The hardware description of the kernel library, one row per pipelined loop (and per sequential region that holds
// an arithmetic unit): declared II, assumed pipeline depth, whether it ticks (EDGEMOE_TICK), its m_axi access kind
// and the units one iteration instantiates (products with their operand widths, exp / reciprocal / rsqrt / GELU
// units). The kernel headers are written to this table: test/kernel/description.test.ts lints the emitted C++ and
// fails when a loop gains a product, a unit or a pipeline pragma the table does not list; the estimator takes every
// II, depth and DSP from it.
import { linMinIn } from './sizes.ts';
import type { PlanBanking, PlanSizes, PlanTypes, PlanWeight } from './types.ts';

/** How a loop touches DRAM: 'read' / 'write' sequential bursts, 'rmw' read-modify-write of the same word in sequence,
 *  'gather' data-dependent row addresses (no burst: one single-beat request per word, reads or writes), 'none'. */
export type AxiKind = 'read' | 'write' | 'rmw' | 'gather' | 'none';

/** Products of one iteration: `count` multipliers of a×b bits. `shift`: one operand is a compile-time power of two,
 *  so the product is a wire shift (no DSP, no LUT). */
export interface PlanProduct {
  count: number;
  a: number;
  b: number;
  shift: boolean;
  what: string;
}

const isPow2 = (v: number) => v > 0 && (v & (v - 1)) === 0;

/** A loop-carried dependence through an on-chip variable: the value written in iteration i is next read in iteration
 *  i + distance, and the read → update → write chain takes `latency` cycles, so the loop can run at
 *  II = ⌈latency / distance⌉ at best. A distance > 1 is declared to HLS (`#pragma HLS dependence variable=… inter
 *  true distance=…`), which it cannot prove for a flattened counter-driven nest, unless `structural`: then the
 *  variable is a register chain that rotates one place per iteration, so the distance is built into the data path
 *  (no pragma; HLS's dependence pragma cannot target the members of a struct array). */
export interface PlanCarried {
  variable: string;
  distance: number;
  latency: number;
  what: string;
  structural: boolean;
}

/** Cycles of a read → add → write of an accumulator in a RAM bank (read 1-2, add 1, write). */
export const RMW_LATENCY = 3;
/** Cycles of the online softmax's s ← s·e + 1 (48×32-bit product on cascaded DSPs, add, select) at 300 MHz. */
export const SOFTMAX_RESCALE_LATENCY = 5;

/** Cycles of the routing's per-token softmax state update (hardware.gate = 'unified'): the running sum read from its
 *  RAM, rescaled (s·e + 1) and written back. gate_route_softmax runs at II 1 because a token's state comes round
 *  TOKENS iterations later, so the rules ask for at least this many tokens. */
export const GATE_ROUTE_LATENCY = RMW_LATENCY + SOFTMAX_RESCALE_LATENCY;

/** The II a loop's carried dependences allow (1 when it has none). */
export function recurrenceII(l: Pick<PlanLoop, 'carried'>): number {
  return Math.max(1, ...l.carried.map((c) => Math.ceil(c.latency / c.distance)));
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
  /** Distinct run-time integer multiplies of an iteration (row addresses, tile indices): DSPs of their own. */
  indexProducts: number;
  /** Loop-carried dependences that bound its II (the declared II is at least recurrenceII). */
  carried: PlanCarried[];
  /** Variables declared free of inter-iteration dependences (`dependence … inter false`): each is touched at one
   *  address per iteration and never at that address by a nearby iteration. */
  independent: string[];
  exp: number;
  recip: number;
  rsqrt: number;
  gelu: number;
  /** Run-time left shifters on loader lanes (per-tensor shifts, fixed_math.h fxm_lane_get_shifted): none when every
   *  shift of the class is 0 (params.h WS_BITS_* = 0). */
  shifters: PlanShifter[];
  /** Conversions into the activation type (act_t) one iteration instantiates (counted by hand from the C++, not
   *  linted): each is a rounding adder when precision.activation rounds (AP_RND…) and a clamp when it saturates
   *  (AP_SAT…), costed by the estimator (generator/estimate/resources.ts conversionLogic). */
  roundings: number;
  /** Sums of two act_t stored back as act_t one iteration instantiates (residual add, pos add; by hand, not linted;
   *  the cls add of an unfolded cls token is not counted): the same LSB, so no rounding, but a clamp when
   *  precision.activation saturates (AP_SAT…). */
  clamps: number;
  what: string;
}

/** `count` lane shifters of a `width`-bit value by a `bits`-bit amount (log shifter: bits stages of 2:1 muxes). */
export interface PlanShifter {
  count: number;
  width: number;
  bits: number;
  what: string;
}

/** Loader classes that shift per tensor. */
export type ShiftClass = 'linearWeight' | 'attnBias' | 'bias' | 'patchWeight';

/** Bits of each loader class's largest per-tensor shift (0: every shift of the class is 0, so no shifter). */
export function loaderShiftBits(weights: ReadonlyArray<Pick<PlanWeight, 'cls' | 'shift'>>): Record<ShiftClass, number> {
  const bits = (cls: ShiftClass) => {
    const m = Math.max(0, ...weights.filter((w) => w.cls === cls).map((w) => w.shift));
    return m > 0 ? Math.floor(Math.log2(m)) + 1 : 0;
  };
  return { linearWeight: bits('linearWeight'), attnBias: bits('attnBias'), bias: bits('bias'), patchWeight: bits('patchWeight') };
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

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (...xs: number[]) => xs.reduce((a, b) => (a * b) / gcd(a, b), 1);

/** Banks (cyclic partition factors) of the on-chip parameter arrays that a loader fills a word's lanes per cycle
 *  into and a compute loop reads several elements of per cycle: the least common multiple of both widths, so the
 *  loader's lanes and the reader's elements each land in distinct banks (a factor of only the reader's width makes
 *  the loader write two lanes into one bank: II 2). */
export function planBanks(s: PlanSizes, t: PlanTypes): { gateW: number; lnParam: number; peBias: number; linBias: number } {
  return {
    gateW: lcm(s.actLanes, t.linearWeight.lanes),
    lnParam: lcm(s.actLanes, t.bias.lanes),
    peBias: lcm(s.peDims, t.bias.lanes),
    linBias: lcm(s.tileOut, t.attnBias.lanes, t.bias.lanes),
  };
}

/** A pair of on-chip buffers (ping / pong) that the call sites of a single-instance function (ALLOCATION limit=1)
 *  bind alternately to two of its array arguments: HLS muxes every bank port of both arrays between the two roles
 *  (read data out, address in, write enables). */
export interface PlanSharedPair {
  fn: string;
  buffers: string;
  banks: number;
  width: number;
  /** Words per bank (for the address width). */
  depth: number;
  /** Ports per bank (2 when true dual-port). */
  ports: number;
  what: string;
}

/** The ping/pong pairs of linear_step (unified_linear.h): the weights (w read by the engine, wnext written by the
 *  loader), banked as the plan's lin_wbuf (`banking`, generator/plan/storage.ts; absent: a bank per tile lane). The
 *  biases need none: one buffer, loaded before each compute. */
export function planSharedPairs(s: PlanSizes, t: PlanTypes, banking?: PlanBanking, actWords?: { tmp: number; hidden: number }): PlanSharedPair[] {
  const k = banking ?? { banks: s.tileOut * s.tileIn, width: t.linearWeight.W, depth: s.linWeightTiles, tdp: false };
  const pairs: PlanSharedPair[] = [
    { fn: 'linear_step', buffers: 'lin_wping / lin_wpong', banks: k.banks, width: k.width, depth: k.depth, ports: k.tdp ? 2 : 1, what: 'w (engine reads) / wnext (loader writes)' },
  ];
  // hardware.activations = 'onchip': the same instance's src argument is bound to act_tmp1 or act_hidden (one pair)
  // and its dst to act_tmp2, act_tmp3 or act_hidden (a 3:1 mux, counted as two pairs; the gathered writer also reads
  // dst); each array one AXI word wide, one bank.
  if (s.actOnChip && actWords) {
    const depth = Math.max(actWords.tmp, actWords.hidden);
    pairs.push({ fn: 'linear_step', buffers: 'act_tmp1 / act_hidden (src)', banks: 1, width: s.axiBits, depth, ports: 1, what: 'the reader at each call site' });
    pairs.push({ fn: 'linear_step', buffers: 'act_tmp2 / act_tmp3 / act_hidden (dst)', banks: 2, width: s.axiBits, depth, ports: 1, what: 'the writer at each call site (write data, addresses, enables; read data for use_score)' });
  }
  return pairs;
}

/** Store sites of the weight loader on one bank of lin_wping / lin_wpong per cycle (see above): WLIN_LANES / TILE_IN
 *  (at least 1) per row the bank holds that one cycle writes. */
export function linLoaderWrites(s: PlanSizes, t: PlanTypes, kind: PlanBanking['kind']): number {
  const perRow = Math.max(1, t.linearWeight.lanes / s.tileIn);
  const rows = kind === 'row-pairs' ? Math.min(2, s.weightPorts) : 1;
  return perRow * rows;
}

/** II of the weight loader with lin_wbuf banked as `banking` (null: a bank per lane, HLS's default binding; also
 *  the URAM-bound ram_2p): its writes per bank over the bank's write ports (generator/plan/storage.ts). */
export function linLoaderII(s: PlanSizes, t: PlanTypes, banking: PlanBanking | null | undefined): number {
  const kind = banking?.kind ?? 'lanes';
  return Math.ceil(linLoaderWrites(s, t, kind) / (banking?.tdp ? 2 : 1));
}

/** The description of a config's kernel library. */
export function planLoops(s: PlanSizes, t: PlanTypes, shiftBits: Record<ShiftClass, number>, banking?: PlanBanking | null): PlanLoop[] {
  const act = t.activation.W;
  const acc = t.accumulator.W;
  const wl = t.linearWeight.W;
  const P = s.attnP;
  const H = s.heads;
  const L = s.actLanes;
  const sumBits = 48; // softmax_sum_t
  const B = s.dim / L; // feature blocks (words) per token
  // The online softmax's s ← s·e + 1 recurrence: finalize interleaves the P slots (distance P), the gate has one row.
  const finII = Math.ceil(SOFTMAX_RESCALE_LATENCY / P);
  const gateII = SOFTMAX_RESCALE_LATENCY;
  const loops: PlanLoop[] = [];
  // hardware.activations = 'onchip': the loops that move activations touch on-chip arrays (no m_axi: 'none'); the
  // weight, bias, parameter and image loaders and the output writer stay on DRAM.
  const oc = s.actOnChip === true;
  const mv = (k: AxiKind): AxiKind => (oc ? 'none' : k);
  const row = (
    file: string,
    label: string,
    ii: number | null,
    depth: number,
    o: Partial<Pick<PlanLoop, 'ticks' | 'axi' | 'live' | 'products' | 'indexProducts' | 'carried' | 'independent' | 'exp' | 'recip' | 'rsqrt' | 'gelu' | 'shifters' | 'roundings' | 'clamps'>> & { what: string },
  ) => {
    const l: PlanLoop = { label, file, ii, depth, ticks: false, axi: 'none', live: true, products: [], indexProducts: 0, carried: [], independent: [], exp: 0, recip: 0, rsqrt: 0, gelu: 0, shifters: [], roundings: 0, clamps: 0, ...o };
    // Every config: a pipelined loop runs no faster than its carried dependences allow (short distances, e.g. a
    // narrow layer over a wide tile, raise it; params.h carries the II into the loop's pragma).
    if (l.ii !== null) l.ii = Math.max(l.ii, recurrenceII(l));
    loops.push(l);
  };
  const carry = (variable: string, distance: number, latency: number, what: string, structural = false): PlanCarried => ({ variable, distance, latency, what, structural });
  const mul = (count: number, a: number, b: number, what: string, shift = false): PlanProduct => ({ count, a, b, shift, what });
  // Lane shifters of a loader of class `cls` (`copies` instances of the loop), none when its WS_BITS_* is 0.
  const shl = (cls: ShiftClass, copies: number, what: string): PlanShifter[] =>
    shiftBits[cls] > 0 ? [{ count: copies * t[cls].lanes, width: t[cls].W, bits: shiftBits[cls], what }] : [];
  const linShift = shl('linearWeight', 1, 'weight lanes');
  // A constant operand that is a power of two: HEAD_DIM^-0.5 when HEAD_DIM is a power of 4 (1/8 for 64), DIM and its
  // reciprocals in LayerNorm when DIM is a power of two.
  const scaleShift = isPow2(s.headDim) && Math.log2(s.headDim) % 2 === 0;
  const dimShift = isPow2(s.dim);

  // ---- reordered_attention.h ----
  const A = 'reordered_attention.h';
  row(A, 'attn_read_q_words', 1, 3, { axi: mv('read'), what: 'Q reader: N rows, one word per cycle' });
  row(A, 'attn_read_q_pad', 1, 2, { what: 'Q reader: zero words of the padded rows' });
  row(A, 'attn_read_kv_words', 1, 3, { axi: mv('read'), what: 'K / V reader: the region once per q-block' });
  // The compute processes zero their P slots' arrays first, a block of a slot (all lanes) per cycle, every call.
  row(A, 'qk_init_slots', 1, 2, { what: 'Q·Kᵀ: zero the Q slots before block 0, P × DIM/lanes cycles per call' });
  row(A, 'qk_blocks', 1, 12, { roundings: P * H,
    ticks: true,
    products: [mul(P * L, act, act, 'q·k lanes, P slots'), mul(P, acc, 25, '8-partial × HEAD_DIM^-0.5', scaleShift)],
    what: 'Q·Kᵀ: one K block per cycle, adder tree per slot',
  });
  row(A, 'qk_fin_slots', finII, 36, { roundings: H,
    products: [mul(H, sumBits, 32, 'running sum × e (rescale)')],
    carried: [carry('state', P, SOFTMAX_RESCALE_LATENCY, "a slot's (m, s) rotates through a P-register chain, back at its head P iterations later", true)],
    exp: H,
    recip: H,
    what: `finalize: online softmax, one slot per ${finII > 1 ? `${finII} cycles` : 'cycle'}, HEADS exp + HEADS recip units time-multiplexed over P slots`,
  });
  // hardware.attention = 'fused' (attention_fused): the scores and (1/s, m) stay on chip, no scratch movers.
  const split = s.attnFused !== true;
  row(A, 'attn_write_scores_words', 1, 3, { axi: mv('write'), live: split, what: 'score writer' });
  row(A, 'attn_write_info_words', 1, 3, { axi: mv('write'), live: split, what: 'softmax-info writer' });
  row(A, 'attn_read_scores_words', 1, 3, { axi: mv('read'), live: split, what: 'score reader' });
  row(A, 'attn_read_info_words', 1, 3, { axi: mv('read'), live: split, what: 'softmax-info reader' });
  row(A, 'av_prep_slots', 1, 30, { roundings: H,
    products: [mul(H, 32, act, 'e × (1/s)')],
    exp: H,
    what: 'prepare: p = e^(a−m)/s, one slot per cycle, HEADS exp units time-multiplexed over P slots',
  });
  row(A, 'av_init_acc', 1, 2, { what: 'softmax·V: zero the accumulators, P × DIM/lanes cycles per call' });
  row(A, 'av_blocks', 1, 10, { roundings: L,
    ticks: true,
    carried: [carry('acc', B, RMW_LATENCY, 'block d of a slot\'s accumulator is next updated DIM/ACT_LANES iterations later')],
    products: [mul(P * L, act, act, 'p·v lanes, P slots')], what: 'softmax·V: one V block per cycle' });
  row(A, 'attn_write_out_words', 1, 3, { axi: mv('write'), what: 'attn·V writer: rows in natural order' });

  // ---- unified_linear.h ----
  const U = 'unified_linear.h';
  const aligned = s.dim % t.linearWeight.lanes === 0 && s.mlpHidden % t.linearWeight.lanes === 0 && s.expertHidden % t.linearWeight.lanes === 0;
  // Run-time integer multiplies (indexProducts): the direct movers' loop bounds rows · steps (a computable trip count
  // keeps their bursts) and the gathered paths' row addresses t · row_words. The weight loader's tile row and the ends
  // of the compute and gathered loops are counted instead.
  const ports = s.weightPorts;
  row(U, 'lin_wload_rows', 1, 4, { ticks: true, axi: 'read', live: aligned && ports === 1, shifters: linShift, what: 'weight loader (word-aligned rows)' });
  row(U, 'lin_wload_words', 1, 4, { ticks: true, axi: 'read', live: !aligned && ports === 1, shifters: linShift, what: 'weight loader (general layout)' });
  // hardware.weightPorts > 1 (word-aligned rows only, validated): one reader per port streams that port's rows, the
  // loader takes a word of every port per cycle, one row each (WEIGHT_PORTS rows of a tile at once).
  row(U, 'lin_wport_words', 1, 3, { axi: 'read', live: ports > 1, what: `weight port reader (one per port, ${ports} instances): one word per cycle into its stream` });
  // Its II: the loader's writes per lin_wbuf bank over the bank's write ports (linLoaderII: 1 unless a weight word
  // holds several tile rows of a lane, WLIN_LANES > TILE_IN, on banks with one write port).
  const wloadII = linLoaderII(s, t, banking);
  row(U, 'lin_wload_ports', wloadII, 4, {
    ticks: true,
    live: ports > 1,
    shifters: shl('linearWeight', ports, `weight lanes of ${ports} ports`),
    what: `weight loader from ${ports} port streams: a word of each per ${wloadII > 1 ? `${wloadII} cycles (${linLoaderWrites(s, t, banking?.kind ?? 'lanes')} writes per weight bank)` : 'cycle'}`,
  });
  const sc = t.linearWeight.scale;
  row(U, 'lin_sload_words', 1, 4, {
    ticks: true,
    axi: 'read',
    live: sc !== undefined,
    what: `row-scale loader (per-channel scales: 16-bit entries before each weight load${sc && sc.scaleBits > 0 ? `; the weight loaders then scale each lane by shift-and-add, ${sc.scaleBits} adders per lane in LUTs` : ''})`,
  });
  row(U, 'lin_bload_words', 1, 4, { ticks: true, axi: 'read', shifters: [...shl('attnBias', 1, 'attention-bias lanes'), ...shl('bias', 1, 'MLP-bias lanes')], what: 'bias loader (an instance per bias format)' });
  row(U, 'lin_read_direct_steps', 1, 4, { axi: mv('read'), indexProducts: 1, what: 'reader, direct: contiguous rows, one word per cycle (one burst)' });
  row(U, 'lin_read_gather_steps', 1, 4, { axi: mv('gather'), indexProducts: 1, what: 'reader, gathered: rows by expert queue, one single-beat request per word' });
  // hardware.patchEmbed = 'unified': the patch embedding's reader (one group of min(pixels per word, p) pixels of one
  // image row per step; the group's address jumps an image row or channel plane between steps: single-beat requests).
  row(U, 'lin_read_patch_steps', 1, 4, { axi: 'gather', live: s.patchUnified === true, what: 'reader, patches: a pixel group per step, in (c, ky, kx) order per patch (single-beat requests)' });
  const minInTiles = linMinIn(s) / s.tileIn;
  row(U, 'lin_tiles', 1, 10, { roundings: s.tileOut,
    ticks: true,
    carried: [carry('xrow', minInTiles, RMW_LATENCY, 'input tile it is written at output tile 0 and read at the next output tile, in_tiles iterations later')],
    products: [mul(s.tileOut * s.tileIn, act, wl, 'tile MACs (adder tree per output)')],
    gelu: s.tileOut,
    what: 'compute: one TILE_OUT×TILE_IN tile per cycle',
  });
  row(U, 'lin_write_direct_steps', 1, 3, { axi: mv('write'), indexProducts: 1, what: 'writer, direct: contiguous rows, one word per cycle (one burst)' });
  row(U, 'lin_write_gather_steps', 1, 5, { roundings: L,
    axi: mv('gather'),
    indexProducts: 1,
    independent: ['dst'],
    products: [mul(L, act, act, 'gate score × y (use_score)')],
    what: 'writer, scattered: rows by expert queue, read-modify-write with use_score (single-beat requests)',
  });

  // ---- patch_reordering.h ----
  const M = 'patch_reordering.h';
  const gateAligned = s.dim % t.linearWeight.lanes === 0;
  const ownGate = s.gateUnified !== true; // the gate's own MAC array, gate_w and per-token softmax (hardware.gate = 'own')
  row(M, 'gate_load_rows', 1, 4, { ticks: true, axi: 'read', live: ownGate && gateAligned, shifters: linShift, what: 'gate weight loader' });
  row(M, 'gate_load_words', 1, 4, { ticks: true, axi: 'read', live: ownGate && !gateAligned, shifters: linShift, what: 'gate weight loader (general layout)' });
  row(M, 'gate_read_words', 1, 3, { axi: mv('read'), live: ownGate, what: 'gate reader' });
  row(M, 'gate_logit_words', 1, 8, { ticks: true, live: ownGate, products: [mul(s.experts * L, act, wl, 'E × lanes logit MACs')], what: 'gate logits, one word per cycle' });
  row(M, 'gate_softmax_topk', gateII, 12, { roundings: 1,
    ticks: true,
    live: ownGate,
    carried: [carry('st', 1, SOFTMAX_RESCALE_LATENCY, 'one row: s ← s·e + 1 feeds the next expert')],
    products: [mul(1, sumBits, 32, 'running sum × e')],
    exp: 1,
    what: `gate online softmax + top-k insertion (II=${gateII}: the loop-carried rescale s·e + 1)`,
  });
  row(M, 'gate_tokens', null, 0, { roundings: 1, recip: 1, live: ownGate, what: 'per token: 1/s of the gate softmax (sequential)' });
  row(M, 'gate_enqueue', 1, 30, { roundings: 1, ticks: true, live: ownGate, independent: ['qlen'], products: [mul(1, 32, act, 'e × (1/s)')], exp: 1, what: 'queue appends: p = e^(l−m)/s per pick' });
  row(M, 'gate_metaqueue', 1, 2, { ticks: true, live: ownGate, what: 'metaqueue of active experts' });
  // hardware.gate = 'unified': the unit writes the logits; the routing keeps them on chip and runs the softmax + top-k
  // expert-major over all tokens (a token's state comes round again TOKENS iterations later), then the appends.
  const tok = s.tokens;
  row(M, 'gate_route_read_words', 1, 3, { axi: mv('read'), live: !ownGate, what: 'routing reader: the logit words of every token (one burst)' });
  row(M, 'gate_route_store', 1, 2, { ticks: true, live: !ownGate, what: 'routing: the logit words into an on-chip array, one per cycle' });
  row(M, 'gate_route_softmax', 1, 14, {
    ticks: true,
    live: !ownGate,
    carried: [
      carry('st_m', tok, RMW_LATENCY, "token t's running max: read, compared and written back, next read TOKENS iterations later"),
      carry('st_s', tok, GATE_ROUTE_LATENCY, "token t's running sum: read, s·e + 1 (or s + e), written back, next read TOKENS iterations later"),
      carry('top_l', tok, RMW_LATENCY, "token t's top-k slots: compared, shifted and written back TOKENS iterations before the next read"),
      carry('top_e', tok, RMW_LATENCY, "token t's top-k experts (as top_l)"),
      carry('top_ok', tok, RMW_LATENCY, "token t's slot flags (as top_l)"),
    ],
    products: [mul(1, sumBits, 32, 'running sum × e')],
    exp: 1,
    what: 'routing: online softmax + top-k insertion, one (expert, token) per cycle, expert-major over all tokens',
  });
  row(M, 'gate_route_enqueue', 1, 30, {
    roundings: 2,
    ticks: true,
    live: !ownGate,
    independent: ['qidx', 'qp'],
    products: [mul(1, 32, act, 'e × (1/s)')],
    exp: 1,
    recip: 1,
    what: 'routing: queue appends, one pick per cycle (1/s of the token and p = e^(l−m)/s per pick), tokens in order',
  });
  row(M, 'gate_route_meta', 1, 2, { ticks: true, live: !ownGate, what: 'routing: queue lengths out and the metaqueue of active experts' });
  row(M, 'moe_zero', 1, 2, { ticks: true, axi: mv('write'), what: 'zero the MoE output' });

  // ---- patch_embed.h ----
  const E = 'patch_embed.h';
  const peAligned = (s.inCh * s.patch * s.patch) % t.patchWeight.lanes === 0;
  const own = s.patchUnified !== true; // the patch MAC array and its on-chip weights exist (hardware.patchEmbed = 'own')
  row(E, 'pe_wload_rows', 1, 4, { ticks: true, axi: 'read', live: own && peAligned, shifters: shl('patchWeight', 1, 'patch weight lanes'), what: 'patch weight loader (reload)' });
  row(E, 'pe_wload_words', 1, 4, { ticks: true, axi: 'read', live: own && !peAligned, shifters: shl('patchWeight', 1, 'patch weight lanes'), what: 'patch weight loader, general layout (reload)' });
  row(E, 'pe_bload_words', 1, 4, { ticks: true, axi: 'read', live: own, shifters: shl('bias', 1, 'patch bias lanes'), what: 'patch bias loader (reload)' });
  row(E, 'pe_read_groups', 1, 3, { axi: 'gather', live: own, what: 'image reader: one patch group per cycle; its address jumps a channel plane between rows (no affine pattern), so single-beat requests' });
  row(E, 'pe_macs', 1, 8, {
    live: own,
    ticks: true,
    carried: [carry('acc', (s.dim / s.peDims) * (s.gridW / s.pePatches), RMW_LATENCY, 'a (patch, dim) sum is next updated at the next pixel row, a row of groups later')],
    products: [mul(s.pePatches * s.peDims * s.patch, t.pixel.W, t.patchWeight.W, 'patch MACs')],
    what: 'patch MACs: PE_PATCHES × PE_DIMS × PATCH per cycle',
  });
  row(E, 'pe_emit_words', 1, 2, { roundings: L, live: own, what: 'patch row sums out, one word per cycle' });
  row(E, 'pe_read_pos_words', 1, 3, { axi: 'read', what: 'pos_embed reader' });
  row(E, 'pe_read_sums_words', 1, 3, { axi: mv('read'), live: !own, what: "patch sums reader (hardware.patchEmbed 'unified': the linear unit's output rows)" });
  row(E, 'pe_write_words', 1, 3, { clamps: L, ticks: true, axi: mv('write'), what: 'pos add + token writer' });

  // ---- layernorm.h ----
  const N = 'layernorm.h';
  const c2 = Math.ceil(Math.log2(s.dim));
  const sumW = act + c2 + 1;
  const sumsqW = 2 * act + c2;
  row(N, 'ln_load_words', 1, 3, { ticks: true, axi: 'read', shifters: shl('bias', 2, 'gamma and beta lanes (two call sites)'), what: 'gamma / beta loader' });
  row(N, 'ln_read_words', 1, 3, { axi: mv('read'), what: 'input reader' });
  row(N, 'ln_pass1', 1, 40, {
    ticks: true,
    products: [
      mul(L, act, act, 'x² per lane'),
      mul(1, c2 + 2, sumsqW, 'DIM · Σx²', dimShift),
      mul(1, sumW, sumW, '(Σx)²'),
      mul(1, 2 * act + 2 * c2 + 1, 40, 'numerator / DIM²', dimShift),
      mul(1, sumW, 48, 'Σx / DIM', dimShift),
    ],
    rsqrt: 1,
    what: 'statistics: exact Σx, Σx² and one rsqrt per token',
  });
  row(N, 'ln_pass2', 1, 10, { roundings: L,
    products: [mul(L, act + 24 + 1, 64, '(x − mean) · r'), mul(L, 56, t.bias.W, '· gamma')],
    what: 'normalise one word per cycle',
  });
  row(N, 'ln_write_words', 1, 3, { axi: mv('write'), what: 'output writer' });

  // ---- residual_add.h ----
  const R = 'residual_add.h';
  row(R, 'residual_read_words', 1, 3, { axi: 'read', live: !oc, what: 'x / y reader (two instances), one word per cycle' });
  row(R, 'residual_sum_words', 1, 2, { clamps: L, ticks: true, live: !oc, what: 'x + y, one word per cycle' });
  row(R, 'residual_write_words', 1, 3, { axi: 'write', live: !oc, what: 'sum writer (back to x)' });
  // hardware.activations = 'onchip': x is an on-chip array, which two processes of a DATAFLOW region may not share:
  // one process reads x and y and writes x back, a word per cycle (a read and a write port of x per cycle).
  row(R, 'residual_rmw_words', 1, 4, { clamps: L, ticks: true, live: oc, independent: ['x'], what: 'x += y in place on chip, one word per cycle' });
  row(R, 'residual_out_words', 1, 3, { axi: 'write', live: oc, what: "output writer: the image's on-chip x to DRAM x (one burst, after the last block)" });
  return loops;
}
