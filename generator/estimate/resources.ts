// Resource estimate of a design: DSPs of each multiplier array, BRAM36 / LUTRAM / registers of each on-chip buffer by
// its partitioning, the dataflow FIFOs, LUT/FF from per-unit costs. A first-order model for "does it fit", documented
// per unit; HLS reports are the truth.
//
// DSPs per product: a DSP48E2 multiplies 27×18 bits (signed), so an a×b-bit product takes
// min(⌈a/27⌉·⌈b/18⌉, ⌈a/18⌉·⌈b/27⌉) DSPs (16×32 → 2, 32×32 → 4, 16×8 → 1).
// URAM (buffers the plan binds to it, generator/plan/storage.ts): ⌈depth/4096⌉ URAM288 blocks per bank of ≤ 72 bits.
// Storage rule (per bank: an array of N words × W bits partitioned into k banks has k banks of ⌈N/k⌉ words):
//   a bank of ≤ 64 bits → registers (1 FF per bit); ≤ 1 Kbit → LUTRAM (W·⌈depth/64⌉ LUT6); larger → RAMB18s, the
//   fewest over the aspects 512×36 / 1K×18 / 2K×9 / 4K×4 / 8K×2 / 16K×1 (⌈depth/d⌉·⌈W/w⌉), BRAM36 = RAMB18 / 2.
//   So the array costs k × (that bank's RAMB18s) / 2 BRAM36: partitioning for parallel reads multiplies blocks.
// ROMs: a fully partitioned ROM read with a run-time index becomes constants + LUT multiplexers, W · ⌈entries/64⌉ LUT6
//   per read (a LUT6 is a 64×1 ROM; F7/F8 muxes come free in the slice); an unpartitioned ROM is one dual-port copy
//   per two reads per cycle at each call site (HLS does not share a ROM between concurrently scheduled calls).
// FIFOs (hls::stream): Vitis HLS's default autosrl puts a FIFO of depth ≤ 2 and ≤ 1 Kbit in SRLs (W · ⌈depth/32⌉
//   LUT, W FF of output register); otherwise in memory: a shallow one (depth ≤ 16) in LUTRAM (a RAMB18 would sit
//   ≥ 97 % empty; our assumption of what auto binding picks), a deeper one by the storage rule above.
// LUT/FF: per MAC lane (adder + pipeline registers of its accumulator width) ~1 LUT and ~1.5 FF per accumulator bit;
// per m_axi bundle (256-bit adapter, burst FIFOs) ~2,000 LUT / 3,500 FF and 2 BRAM36; control, s_axilite and glue
// ~8,000 LUT / 10,000 FF. Expect ±50 % on LUT/FF.
import type { Plan, PlanBuffer, PlanLoop } from '../plan/index.ts';
import { planBanks, planSharedPairs, unitProducts } from '../plan/loops.ts';
import type { ResourceCounts } from '../build/platforms.ts';

/** DSP48E2 slices of one a×b-bit product. */
export function dspPerProduct(a: number, b: number): number {
  return Math.max(1, Math.min(Math.ceil(a / 27) * Math.ceil(b / 18), Math.ceil(a / 18) * Math.ceil(b / 27)));
}

/** Operand width of a run-time integer multiply (C++ `int`; HLS keeps 32 bits without range information). */
export const INDEX_PRODUCT_BITS = 32;

/** LUTs of the 2:1 muxes on a ping/pong pair's bank ports when one function instance is bound to both: per bank port
 *  (two on a true dual-port bank) the read data (width), the address of each of the two arrays and their two write
 *  enables; a LUT6 per muxed bit. */
export function sharedPairLut(p: { banks: number; width: number; depth: number; ports?: number }): number {
  const addr = Math.max(1, Math.ceil(Math.log2(p.depth)));
  return p.banks * (p.ports ?? 1) * (p.width + 2 * addr + 2);
}

/** Bank sizes below which storage goes to registers / LUTRAM instead of block RAM (bits). */
export const REGISTER_MAX_BITS = 64;
export const LUTRAM_MAX_BITS = 1024;
/** Vitis HLS config_storage fifo defaults (autosrl): SRL when depth ≤ 2 and depth·width ≤ 1024. */
export const SRL_MAX_DEPTH = 2;
export const SRL_MAX_BITS = 1024;
/** Memory FIFOs up to this depth are assumed in LUTRAM. */
export const SHALLOW_FIFO_DEPTH = 16;

/** URAM288 geometry: words and bits of one block (one aspect only, unlike block RAM). */
export const URAM_WORDS = 4096;
export const URAM_BITS = 72;

/** RAMB18 blocks holding `depth` words of `width` bits (0 when small enough for LUTRAM/registers). `tdp`: the bank
 *  is true dual-port (two writes, or two reads, per cycle), where a RAMB18 port is at most 18 bits wide (1K×18); the
 *  512×36 aspect exists only simple dual-port (one read port + one write port). */
export function ramb18(depth: number, width: number, tdp = false): number {
  if (depth * width <= LUTRAM_MAX_BITS) return 0;
  const aspects: Array<[number, number]> = [[512, 36], [1024, 18], [2048, 9], [4096, 4], [8192, 2], [16384, 1]];
  let best = Infinity;
  for (const [d, w] of aspects) if (!tdp || w <= 18) best = Math.min(best, Math.ceil(depth / d) * Math.ceil(width / w));
  return best;
}

/** Where a bank of `depth` × `width` bits lives, and what it costs. */
export interface BankCost {
  kind: 'registers' | 'LUTRAM' | 'BRAM' | 'SRL' | 'logic';
  ramb18: number;
  LUT: number;
  FF: number;
}

/** LUTs of a LUTRAM of `depth` × `width` bits: one LUT6 (RAM64X1) per bit per 64 words. */
export function lutram(depth: number, width: number): number {
  return width * Math.ceil(depth / 64);
}

/** One bank under the storage rule (registers ≤ 64 bits, LUTRAM ≤ 1 Kbit, else RAMB18s by aspect; `tdp` as ramb18). */
export function bankCost(depth: number, width: number, tdp = false): BankCost {
  const bits = depth * width;
  if (bits <= REGISTER_MAX_BITS) return { kind: 'registers', ramb18: 0, LUT: 0, FF: bits };
  if (bits <= LUTRAM_MAX_BITS) return { kind: 'LUTRAM', ramb18: 0, LUT: lutram(depth, width), FF: 0 };
  return { kind: 'BRAM', ramb18: ramb18(depth, width, tdp), LUT: 0, FF: 0 };
}

/** One FIFO of `depth` × `width` bits (SRL, LUTRAM or block RAM; see the header). */
export function fifoCost(depth: number, width: number): BankCost {
  const bits = depth * width;
  if (depth <= SRL_MAX_DEPTH && bits <= SRL_MAX_BITS) return { kind: 'SRL', ramb18: 0, LUT: width * Math.ceil(depth / 32), FF: width };
  if (depth <= SHALLOW_FIFO_DEPTH || bits <= LUTRAM_MAX_BITS) return { kind: 'LUTRAM', ramb18: 0, LUT: lutram(depth, width), FF: width };
  return { kind: 'BRAM', ramb18: ramb18(depth, width), LUT: 0, FF: width };
}

/** The deepest FIFO of `width` bits that costs what one of `depth` costs (fifoCost): the depth rounded up to what its
 *  block RAM aspect or LUTRAM already holds (132 × 1,248 bit → 512, a column of 512×36 RAMB18s). Margin for free. */
export function fifoFreeDepth(depth: number, width: number): number {
  const cost = fifoCost(depth, width);
  const same = (d: number) => {
    const c = fifoCost(d, width);
    return c.kind === cost.kind && c.ramb18 === cost.ramb18 && c.LUT === cost.LUT && c.FF === cost.FF;
  };
  const roundUp = (d: number) => Math.ceil(depth / d) * d;
  // The kinds' limits (SRL, shallow LUTRAM, LUTRAM bits), a LUTRAM's 64 words, the block RAM aspects' depths.
  const limits = [SRL_MAX_DEPTH, SHALLOW_FIFO_DEPTH, Math.floor(LUTRAM_MAX_BITS / width)];
  const candidates = [depth, ...limits, roundUp(64), ...[512, 1024, 2048, 4096, 8192, 16384].map(roundUp)];
  return Math.max(...candidates.filter((d) => d >= depth && same(d)));
}

/** One line of the resource estimate. */
export interface ResourceItem {
  unit: string;
  what: string;
  /** Where the storage of a buffer / FIFO / ROM lives ('' for compute units). */
  storage: string;
  DSP: number;
  BRAM36: number;
  /** UltraRAM blocks (buffers the plan bound to URAM; 0 elsewhere). */
  URAM: number;
  LUT: number;
  FF: number;
}

/** How a plan buffer is laid out on chip: banks (the kernel library's array_partition pragmas), ROM copies. */
export interface BufferLayout {
  /** Banks per copy. */
  banks: number;
  /** Copies (unpartitioned ROMs: one per two concurrent reads per call site). */
  copies: number;
  /** Fully partitioned ROM read `romReads` times per cycle with a run-time index: LUT logic, no memory. */
  romReads?: number;
  /** Words per bank and bits per word when lanes are packed (default ⌈elems / banks⌉ × elemBits). */
  depth?: number;
  width?: number;
  /** True dual-port banks (ramb18's tdp). */
  tdp?: boolean;
  why: string;
}

/** Units of one kind over the live loops of the plan's description. */
function liveUnits(plan: Plan, kind: 'exp' | 'recip' | 'rsqrt' | 'gelu'): number {
  return plan.loops.filter((l) => l.live).reduce((a, l) => a + l[kind], 0);
}

/** The on-chip layout of each plan buffer, as the kernel headers partition them (templates/kernel/*.h). */
export function bufferLayout(plan: Plan, b: PlanBuffer): BufferLayout {
  const s = plan.sizes;
  const pb = planBanks(s, plan.types);
  const one = (why: string): BufferLayout => ({ banks: 1, copies: 1, why });
  const banks = (n: number, why: string): BufferLayout => ({ banks: n, copies: 1, why });
  switch (b.name) {
    case 'lin_wbuf': {
      // generator/plan/storage.ts linWeightBanking: the plan's packing, or a bank per tile lane.
      const k = b.banking;
      if (k) return { banks: 2 * k.banks, copies: 1, depth: k.depth, width: k.width, tdp: k.tdp, why: `ping and pong are two arrays, each ${k.why}` };
      return banks(2 * s.tileOut * s.tileIn, 'ping and pong are two arrays, each complete on the tile dims: a TILE_OUT×TILE_IN tile per cycle');
    }
    case 'lin_bias':
      return banks(pb.linBias, `one buffer, cyclic ${pb.linBias}: TILE_OUT biases read, a word's lanes loaded per cycle`);
    case 'lin_xrow':
      return banks(s.tileIn, 'cyclic TILE_IN: TILE_IN inputs per cycle');
    case 'gate_w':
      return banks(s.experts * pb.gateW, `complete on experts × cyclic ${pb.gateW}: E×lanes weights read, a word loaded per cycle`);
    case 'gate_route_topk':
      return banks(s.topK, 'complete on the top-k slots: every slot of a token read and written per cycle');
    case 'expert_queue_idx':
    case 'expert_queue_p':
      return one('one entry per cycle (not partitioned)');
    case 'patch_w':
      return banks(s.peDims * s.patch, 'cyclic PE_DIMS × cyclic PATCH: PE_DIMS·PATCH weights per cycle');
    case 'patch_b':
      return banks(pb.peBias, `cyclic ${pb.peBias}: PE_DIMS read, a word's lanes loaded per cycle`);
    case 'patch_acc':
      return banks(s.pePatches * s.peDims, 'cyclic PE_PATCHES × cyclic PE_DIMS sums per cycle');
    case 'ln_params':
      return banks(2 * pb.lnParam, `gamma and beta, each cyclic ${pb.lnParam}: a word's lanes read and loaded per cycle`);
    case 'q_rows':
    case 'attn_acc':
      return banks(s.attnP * s.actLanes, 'complete on P slots and lanes');
    case 'gelu_rom':
      return { banks: 1, copies: 1, romReads: 2 * s.tileOut, why: 'complete: 2 reads per output × TILE_OUT outputs per cycle' };
    case 'exp2_rom': {
      // fixed_math.h partitions the ROM completely: every exp unit (call site) reads its own LUT copy.
      const units = liveUnits(plan, 'exp');
      return { banks: 1, copies: 1, romReads: units, why: `complete: one LUT ROM per exp unit, ${units} units (plan.loops)` };
    }
    case 'recip_rom': {
      const units = liveUnits(plan, 'recip');
      return { banks: 1, copies: 1, romReads: units, why: `complete: one LUT ROM per reciprocal unit, ${units} units (plan.loops)` };
    }
    case 'rsqrt_rom':
      return one('one LayerNorm instance, one rsqrt per token');
    case 'act_x':
    case 'act_tmp1':
    case 'act_tmp2':
    case 'act_tmp3':
    case 'act_hidden':
    case 'act_attn':
    case 'act_softmax_info':
      // hardware.activations = 'onchip' (kernel.cpp): one AXI word read and one written per cycle, ram_2p, as DRAM had.
      return one('one AXI word per element, one read and one write port (ram_2p)');
    default:
      return one('not partitioned');
  }
}

/** A dataflow FIFO of the kernel (hls::stream with its depth pragma). */
export interface PlanFifo {
  name: string;
  depth: number;
  width: number;
  /** Instances in the design (one per dataflow region instance). */
  count: number;
  what: string;
}

/** The hls::stream FIFOs of the kernel library (depths from their pragmas; widths of their element types). */
export function planFifos(plan: Plan): PlanFifo[] {
  const s = plan.sizes;
  const act = plan.types.activation.W;
  const ph = s.attnP * s.heads * act;
  const info = 2 * s.heads * act;
  const w = s.axiBits;
  return [
    { name: 'lin xs', depth: s.linMaxIn / s.tileIn, width: s.tileIn * act, count: 1, what: 'unified linear reader → compute: a whole input row of TILE_IN tiles' },
    { name: 'lin ys', depth: 4, width: s.tileOut * act, count: 1, what: 'unified linear compute → writer: output tiles' },
    { name: 'lin row info', depth: 4, width: 32 + act, count: 2, what: 'unified linear row index + gate score (reader → compute → writer)' },
    // hardware.attention = 'fused': one region, no score / info movers; finalize → prepare through the deep FIFOs.
    ...(plan.attnFifos
      ? [
          { name: 'attn words', depth: 2, width: w, count: 4, what: 'attention Q, K, V readers → compute, compute → output writer' },
          { name: 'attn steps', depth: 2, width: ph, count: 2, what: 'attention P×H scores / probabilities per key: Q·Kᵀ → finalize, prepare → softmax·V' },
          { name: 'attn scores (fused)', depth: plan.attnFifos.scoreDepth, width: ph, count: 1, what: 'attention_fused finalize → prepare: a q-block of P×H score steps waiting for their rows\' (1/s, m)' },
          { name: 'attn info', depth: plan.attnFifos.infoDepth, width: info, count: 1, what: 'attention (1/s, m) per head of a finished row, finalize → prepare' },
        ]
      : [
          { name: 'attn words', depth: 2, width: w, count: 5, what: 'attention Q, K, V readers → compute, compute → output writer' },
          { name: 'attn steps', depth: 2, width: ph, count: 4, what: 'attention P×H scores / probabilities per key: compute → finalize → score writer, score reader → prepare → compute' },
          { name: 'attn info', depth: 2, width: info, count: 2, what: 'attention (1/s, m) per head of a finished row' },
        ]),
    { name: 'ln xs', depth: 2 * (s.dim / s.actLanes), width: w, count: 1, what: 'LayerNorm pass 1 → pass 2: two tokens of words' },
    { name: 'ln words', depth: 2, width: w, count: 2, what: 'LayerNorm reader → pass 1, pass 2 → writer' },
    { name: 'ln stats', depth: 2, width: act + 24 + 64, count: 1, what: 'LayerNorm (mean, rsqrt) per token' },
    // hardware.gate = 'unified': the routing reader's stream instead of the own gate's.
    s.gateUnified
      ? { name: 'route words', depth: 2, width: w, count: 1, what: 'routing reader → logit store' }
      : { name: 'gate words', depth: s.dim / s.actLanes, width: w, count: 1, what: 'gate reader → logits: a token ahead' },
    // hardware.patchEmbed = 'unified': no image reader → MACs stream; the sums come from the pos pass's reader.
    ...(s.patchUnified ? [] : [{ name: 'patch groups', depth: 2, width: s.pePatches * s.patch * plan.types.pixel.W, count: 1, what: 'patch-embed image reader → MACs' }]),
    { name: 'patch words', depth: 2, width: w, count: 1, what: s.patchUnified ? 'pos pass: sums reader → writer' : 'patch-embed sums → writer' },
    { name: 'patch pos', depth: s.dim / s.actLanes, width: w, count: 1, what: 'patch-embed pos_embed reader → writer' },
    ...(s.weightPorts > 1 ? [{ name: 'weight ports', depth: 2, width: w, count: s.weightPorts, what: 'weight port readers → the linear weight loader (hardware.weightPorts)' }] : []),
  ];
}

/** DSPs of one unit of fixed_math.h / gelu_approx.h: the sum over its products. */
export function unitDsp(plan: Plan, kind: 'exp' | 'recip' | 'rsqrt' | 'gelu'): number {
  return unitProducts(plan.types)[kind].products.reduce((a, [x, y]) => a + dspPerProduct(x, y), 0);
}

/** LUT / FF of one unit besides its multipliers (ROM in LUTs where it is partitioned, shifters, encoders; a guess). */
const UNIT_LOGIC: Record<'exp' | 'recip' | 'rsqrt' | 'gelu', { LUT: number; FF: number }> = {
  exp: { LUT: 300, FF: 400 },
  recip: { LUT: 400, FF: 500 },
  rsqrt: { LUT: 450, FF: 600 },
  gelu: { LUT: 60, FF: 80 },
};

/** LUT / FF of one conversion into a type (`ap_fixed<W,I,Q,O>` from a wider value: plan.loops' `roundings`): with a
 *  rounding quantisation (any Q but AP_TRN) an incrementer of the result plus the OR of the dropped bits and the tie
 *  test, ~W + 6 LUT and a W-bit pipeline register; with a saturating overflow mode (AP_SAT…) a range test of the
 *  dropped high bits and a clamp mux, ~W + 4 LUT more. AP_TRN with AP_WRAP (Edge-MoE's types) is wiring: nothing. */
export function conversionLogic(cpp: string): { LUT: number; FF: number; what: string } {
  const m = /ap_u?fixed<\s*(\d+)\s*,\s*-?\d+\s*(?:,\s*(AP_\w+)\s*)?(?:,\s*(AP_\w+)\s*)?/.exec(cpp);
  if (!m) return { LUT: 0, FF: 0, what: '' };
  const W = Number(m[1]);
  const q = m[2] ?? 'AP_TRN';
  const o = m[3] ?? 'AP_WRAP';
  const rnd = q !== 'AP_TRN';
  const sat = o.startsWith('AP_SAT');
  return {
    LUT: (rnd ? W + ROUND_LUT_EXTRA : 0) + (sat ? W + SAT_LUT_EXTRA : 0),
    FF: rnd || sat ? W : 0,
    what: [rnd ? q : '', sat ? o : ''].filter(Boolean).join(' + '),
  };
}
/** LUTs of a rounding conversion beyond its W-bit incrementer (dropped-bit OR, tie test) and of a saturating one
 *  beyond its W-bit clamp mux (overflow test of the dropped high bits). */
export const ROUND_LUT_EXTRA = 6;
export const SAT_LUT_EXTRA = 4;

/** The compute item of one described loop: its products and units (DSP from the 27×18 rule), or null when empty. */
function loopItem(plan: Plan, l: PlanLoop): ResourceItem | null {
  const kinds = (['exp', 'recip', 'rsqrt', 'gelu'] as const).filter((k) => l[k] > 0);
  const conv = conversionLogic(plan.types.activation.cpp);
  const rounds = conv.LUT > 0 ? l.roundings : 0;
  // A sum of two act_t back into act_t keeps the LSB: only a saturating mode's clamp.
  const clamp = conversionLogic(plan.types.activation.cpp.replace(/,\s*AP_RND\w*/, ',AP_TRN'));
  const clamps = clamp.LUT > 0 ? l.clamps : 0;
  if (!l.products.length && !kinds.length && !l.indexProducts && !l.shifters.length && !rounds && !clamps) return null;
  const acc = plan.types.accumulator.W;
  let DSP = 0, LUT = 0, FF = 0;
  const parts: string[] = [];
  for (const p of l.products) {
    if (p.shift) {
      parts.push(`${p.count}× ${p.a}-bit shift (${p.what}: a power of two, no DSP)`);
      continue;
    }
    DSP += p.count * dspPerProduct(p.a, p.b);
    LUT += p.count * acc;
    FF += p.count * acc * 1.5;
    parts.push(`${p.count}× ${p.a}×${p.b}-bit (${p.what})`);
  }
  if (l.indexProducts) {
    DSP += l.indexProducts * dspPerProduct(INDEX_PRODUCT_BITS, INDEX_PRODUCT_BITS);
    parts.push(`${l.indexProducts}× ${INDEX_PRODUCT_BITS}×${INDEX_PRODUCT_BITS}-bit run-time index multiply`);
  }
  for (const sh of l.shifters) {
    // A log shifter: `bits` stages of 2:1 muxes over the value, two stages per LUT6 (a 4:1 mux).
    LUT += sh.count * sh.width * Math.ceil(sh.bits / 2);
    parts.push(`${sh.count}× ${sh.width}-bit left shifter by ${sh.bits} bit${sh.bits > 1 ? 's' : ''} (${sh.what}, per-tensor shifts)`);
  }
  if (rounds) {
    LUT += rounds * conv.LUT;
    FF += rounds * conv.FF;
    parts.push(`${rounds}× conversion into ${plan.types.activation.cpp} (${conv.what}: ${conv.LUT} LUT each)`);
  }
  if (clamps) {
    LUT += clamps * clamp.LUT;
    FF += clamps * clamp.FF;
    parts.push(`${clamps}× sum clamped to ${plan.types.activation.cpp} (${clamp.what}: ${clamp.LUT} LUT each)`);
  }
  for (const k of kinds) {
    DSP += l[k] * unitDsp(plan, k);
    LUT += l[k] * UNIT_LOGIC[k].LUT;
    FF += l[k] * UNIT_LOGIC[k].FF;
    parts.push(`${l[k]} ${k} unit${l[k] > 1 ? 's' : ''} × ${unitDsp(plan, k)} DSP`);
  }
  return { unit: `loop ${l.label}`, what: `${parts.join(', ')}; II ${l.ii ?? 'seq'}`, storage: '', DSP, BRAM36: 0, URAM: 0, LUT: Math.round(LUT), FF: Math.round(FF) };
}

/** The memory item of one plan buffer. */
function bufferItem(plan: Plan, b: PlanBuffer): ResourceItem {
  const l = bufferLayout(plan, b);
  if (l.romReads !== undefined) {
    const lut = l.romReads * b.elemBits * Math.ceil(b.elems / 64);
    return { unit: `buffer ${b.name}`, what: `${b.elems} × ${b.elemBits} bit ROM, ${l.romReads} reads per cycle (${l.why})`, storage: 'logic', DSP: 0, BRAM36: 0, URAM: 0, LUT: lut, FF: 0 };
  }
  const depth = l.depth ?? Math.ceil(b.elems / l.banks);
  const width = l.width ?? b.elemBits;
  const shape = width === b.elemBits ? '' : ` × ${width} bit`;
  if (b.storage === 'uram') {
    // bind_storage impl=uram (generator/plan/storage.ts): ⌈depth/4096⌉ URAM288 blocks per bank, no block RAM.
    const per = Math.ceil(depth / URAM_WORDS) * Math.ceil(b.elemBits / URAM_BITS); // wider than 72 bits: side by side
    const n = l.banks * l.copies;
    return { unit: `buffer ${b.name}`, what: `${b.elems} × ${b.elemBits} bit, ${n} bank${n === 1 ? '' : 's'} of ${depth} in URAM (${l.why})`, storage: `${n} × ${per} URAM`, DSP: 0, BRAM36: 0, URAM: n * per, LUT: 0, FF: 0 };
  }
  const c = bankCost(depth, width, l.tdp);
  const n = l.banks * l.copies;
  const layout = l.copies > 1 ? `${l.copies} copies` : `${l.banks} bank${l.banks === 1 ? '' : 's'} of ${depth}${shape}${l.tdp ? ' (true dual-port)' : ''}`;
  return {
    unit: `buffer ${b.name}`,
    what: `${b.elems} × ${b.elemBits} bit, ${layout} (${l.why})`,
    storage: c.kind === 'BRAM' ? `${n} × ${c.ramb18} RAMB18` : c.kind,
    DSP: 0,
    BRAM36: (n * c.ramb18) / 2,
    URAM: 0,
    LUT: n * c.LUT,
    FF: n * c.FF,
  };
}

/** The memory item of one FIFO. */
function fifoItem(f: PlanFifo): ResourceItem {
  const c = fifoCost(f.depth, f.width);
  return {
    unit: `fifo ${f.name}`,
    what: `${f.count > 1 ? `${f.count} × ` : ''}${f.depth} × ${f.width} bit (${f.what})`,
    storage: c.kind === 'BRAM' ? `${f.count} × ${c.ramb18} RAMB18` : c.kind,
    DSP: 0,
    BRAM36: (f.count * c.ramb18) / 2,
    URAM: 0,
    LUT: f.count * c.LUT,
    FF: f.count * c.FF,
  };
}

/** The resource items of a plan and their sum. */
export function estimateResources(plan: Plan): { items: ResourceItem[]; total: ResourceCounts } {
  const s = plan.sizes;
  const t = plan.types;
  // Every multiplier and exp / reciprocal / rsqrt / GELU unit the C++ asks for, loop by loop, from the plan's
  // hardware description (test/kernel/description.test.ts checks it against the emitted C++).
  const items: ResourceItem[] = plan.loops.filter((l) => l.live).flatMap((l) => loopItem(plan, l) ?? []);
  for (const b of plan.buffers) items.push(bufferItem(plan, b));
  const wbuf = plan.buffers.find((b) => b.name === 'lin_wbuf');
  const actWords = s.actOnChip ? { tmp: plan.regions.tmp1.words, hidden: plan.regions.hidden.words } : undefined;
  for (const p of planSharedPairs(s, t, wbuf?.banking, actWords)) {
    items.push({
      unit: `mux ${p.buffers}`,
      what: `${p.fn} (one instance) bound to both: ${p.banks} banks${p.ports > 1 ? ` × ${p.ports} ports` : ''} × (${p.width}-bit read data + 2 addresses + 2 enables), ${p.what}`,
      storage: 'logic',
      DSP: 0,
      BRAM36: 0,
      URAM: 0,
      LUT: sharedPairLut(p),
      FF: 0,
    });
  }
  for (const f of planFifos(plan)) items.push(fifoItem(f));
  const nb = plan.bundles.length;
  items.push({ unit: 'm_axi adapters', what: `${nb} bundles × ${s.axiBits}-bit`, storage: 'BRAM', DSP: 0, BRAM36: nb * 2, URAM: 0, LUT: nb * 2000, FF: nb * 3500 });
  // hardware.weightPorts > 1: each port's reader process (address counter, trip count, stream handshake) and the
  // loader's per-port stream selects; a guess in the spirit of the m_axi adapter figure above.
  if (s.weightPorts > 1) items.push({ unit: 'weight port readers', what: `${s.weightPorts} reader processes (counter, trip count, stream handshake)`, storage: '', DSP: 0, BRAM36: 0, URAM: 0, LUT: s.weightPorts * 150, FF: s.weightPorts * 200 });
  items.push({ unit: 'control', what: 's_axilite, op schedule, loop control', storage: '', DSP: 0, BRAM36: 0, URAM: 0, LUT: 8000, FF: 10000 });
  const total: ResourceCounts = { DSP: 0, BRAM36: 0, URAM: 0, LUT: 0, FF: 0 };
  for (const i of items) {
    total.DSP += i.DSP;
    total.BRAM36 += i.BRAM36;
    total.URAM += i.URAM;
    total.LUT += i.LUT;
    total.FF += i.FF;
  }
  return { items, total };
}
