// The plan: the typed IR computed once from a validated Config. Kernels, params.h, kernel.cpp, design.json,
// the packer, csim and the estimator all read it; nothing downstream re-derives sizes from the config.
import type { Config, DramRegion, PlanRegionName, PrecisionClass, WeightPartRegion } from '../config/schema.ts';
import type { PlanLoop } from './loops.ts';

/** Every size the kernels are parameterised by (the constants of params.h). */
export interface PlanSizes {
  dim: number;
  heads: number;
  headDim: number;
  /** Tokens including cls. */
  tokens: number;
  gridH: number;
  gridW: number;
  patch: number;
  inCh: number;
  imgH: number;
  imgW: number;
  depth: number;
  mlpHidden: number;
  experts: number;
  topK: number;
  expertHidden: number;
  tasks: number;
  tileIn: number;
  tileOut: number;
  attnP: number;
  /** Query blocks of the reordered attention: ⌈(N+P−1)/P⌉ (edge-moe.md §10 gotcha 6). */
  qBlocks: number;
  maxImages: number;
  axiBits: number;
  /** m_axi ports the linear weight loader reads in parallel (hardware.weightPorts). */
  weightPorts: number;
  /** Activation elements per AXI word (container bits = 32 for Edge-MoE). */
  actLanes: number;
  /** Widest linear layer input / output (the row cache and output tile sizes). */
  linMaxIn: number;
  linMaxOut: number;
  /** Tiles of TILE_OUT×TILE_IN weights the largest linear layer needs (one ping or pong buffer). */
  linWeightTiles: number;
  /** Widest row of the hidden region (max of dense MLP hidden and expert hidden). */
  hiddenWidth: number;
  /** Patch-embed parallelism: patches and output dims per cycle. */
  pePatches: number;
  peDims: number;
  /** hardware.patchEmbed = 'unified' (absent for 'own'): the patch embedding is a [dim][C·p·p] layer of the unified
   *  linear unit over the gridH·gridW patches. */
  patchUnified?: true;
  /** hardware.gate = 'unified' (absent for 'own'): the MoE gate's logits are an [experts][dim] layer of the unified
   *  linear unit over all tokens, routed by gate_route (patch_reordering.h). */
  gateUnified?: true;
  /** hardware.activations = 'onchip' (absent for 'dram'): the ON_CHIP_REGIONS and the working residual stream (one
   *  image's x) are on-chip arrays; DRAM keeps images, weights and x as the output. */
  actOnChip?: true;
  /** hardware.attention = 'fused' (absent for 'split'): Q·Kᵀ/softmax and softmax·V in one DATAFLOW region
   *  (attention_fused), V written into the hidden region before it. */
  attnFused?: true;
}

/** One fixed-point (or integer) element type, as the C++ and the packer see it. */
export interface PlanType {
  /** params.h typedef name: act_t, acc_t, wlin_t, wattnb_t, wbias_t, wpatch_t, pixel_t. */
  name: string;
  cls: PrecisionClass;
  /** C++ spelling, e.g. 'ap_fixed<32,10>'. */
  cpp: string;
  W: number;
  I: number;
  signed: boolean;
  /** Fraction bits (value = raw / 2^frac). */
  frac: number;
  /** Width of the raw values stored in DRAM (= W unless per-tensor types make the on-chip class type their union). */
  storedW: number;
  /** DRAM container bits (8/16/32; 0 for the on-chip-only accumulator when wider than 32). */
  containerBits: number;
  /** Elements per AXI word in DRAM (0 when not stored). */
  lanes: number;
  /** Per-channel scales (linearWeight with granularity 'channel'): mantissa bits M, shift range S, and the 16-bit
   *  scale entries per AXI word; absent for one type per tensor. */
  scale?: PlanScale;
}

/** The per-channel scale format of a weight class. */
export interface PlanScale {
  scaleBits: number;
  scaleShift: number;
  /** 16-bit entries (shift in the low byte, mantissa in the high byte) per AXI word. */
  lanes: number;
}

/** The element types keyed by precision class. */
export type PlanTypes = Record<PrecisionClass, PlanType>;

/** One DRAM region inside an m_axi bundle. */
export interface PlanRegion {
  name: PlanRegionName;
  bundle: string;
  /** Byte offset from the bundle base (4096-aligned) and its word offset (offset / (axiBits/8)). */
  offset: number;
  wordOffset: number;
  bytes: number;
  words: number;
  /** Element type as stored (C++ spelling) and its container bytes. */
  ctype: string;
  elemBytes: number;
  frac?: number;
  signed?: boolean;
  /** Logical shape, C order. */
  shape: number[];
  layout: string;
  /** hardware.activations = 'onchip': the region is an on-chip array of the top function (no bundle: `bundle` is '',
   *  offsets 0), not in any PlanBundle. */
  onChip?: true;
}

/** One m_axi bundle: a kernel pointer argument and its regions in config order. */
export interface PlanBundle {
  name: string;
  /** Bytes the host must allocate (end of the last region, rounded up to 4096). */
  bytes: number;
  regions: PlanRegion[];
}

/** One packed weight tensor inside the weights region. */
export interface PlanWeight {
  /** State-dict-derived name, e.g. 'blocks.0.attn.q.weight'. */
  name: string;
  /** Byte offset from the start of the weights region (word-aligned) and the word offset. */
  offset: number;
  wordOffset: number;
  bytes: number;
  words: number;
  /** Element type: precision class, the class's params.h name and this tensor's own C++ type (per-tensor precision). */
  cls: PrecisionClass;
  typeName: string;
  ctype: string;
  /** Integer bits of this tensor's type. */
  I: number;
  /** Left shift of the raw value into the class's on-chip (union) type: I − the class's smallest I (params.h WS_*);
   *  with per-channel scales + scaleShift, from which the loader subtracts each row's own shift. */
  shift: number;
  /** Per-channel scale table (granularity 'channel'): one 16-bit entry per row (C order over all but the last dim),
   *  stored after the tensor's own words; `wordOffset` counts from the tensor's first word. */
  scale?: { rows: number; wordOffset: number; words: number; scaleBits: number; scaleShift: number };
  elemBytes: number;
  frac: number;
  signed: boolean;
  shape: number[];
  layout: string;
  /** Block index for per-block tensors, else null. */
  block: number | null;
  /** hardware.weightPorts > 1 and a linear-loader tensor: its rows alternate over `ports` weight regions, each part
   *  `partWords` words at this tensor's wordOffset of its region (part 0 in the weights region, then the scales). */
  ports?: number;
  partWords?: number;
}

export const OP_KINDS = [
  'patch_embed',
  'layernorm',
  'linear',
  'qk_softmax',
  'attn_v',
  'attention',
  'residual_add',
  'linear_gelu',
  'moe_gate',
  'moe_experts',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** One step of the schedule (per image). */
export interface PlanOp {
  /** Op id = debug-stop id = EDGEMOE_OP_BEGIN id = trace-hook id; 1.., unique, in schedule order (0 = full run). */
  id: number;
  /** Unique readable name, e.g. 'embed', 'block3.q'. */
  name: string;
  kind: OpKind;
  block: number | null;
  /** Index of the op inside its block (1..OPS_PER_BLOCK), 0 for patch embed. */
  step: number;
  /** DRAM regions read and the one written (null when the result stays on chip). For 'x' and 'images' the current image's slice. */
  inputs: DramRegion[];
  output: DramRegion | null;
  /** Shape of the output written to `output` (logical, e.g. [tokens, dim]); [] when output is null. */
  outShape: number[];
  /** Words of the output region the op writes (what the trace hook receives for it). */
  outWords: number;
  /** Words the trace hook receives after the op under -DEDGEMOE_TRACE: outWords, or for moe_gate the routing record
   *  (generator/plan/route.ts); 0 = not traced. */
  traceWords: number;
  /** Float-reference trace key this op's output corresponds to (fixture README), or null (no comparable tensor). */
  trace: string | null;
  /** Packed weight tensors the op reads. */
  weights: string[];
  /** C++ type of the op's output activation (precision.activation, or its per-op override). */
  outType: string;
  /** Pipelined-loop iterations (EDGEMOE_TICK calls) per image; for moe_experts the value with every expert active. */
  trips: number;
}

/** An on-chip buffer (for the resource estimate and params.h sizes). */
export interface PlanBuffer {
  name: string;
  /** params.h type name of one element. */
  elemType: string;
  elemBits: number;
  elems: number;
  /** Total bits (elems · elemBits). */
  bits: number;
  what: string;
  /** 'uram': bound to UltraRAM by a bind_storage pragma (generator/plan/storage.ts); absent: HLS's default binding. */
  storage?: 'uram';
  /** Set on lin_wbuf when the plan packs its lanes into fewer, fuller block RAMs (generator/plan/storage.ts
   *  linWeightBanking); absent: one bank per tile lane. */
  banking?: PlanBanking;
}

/** How each of the linear weight arrays (lin_wping, lin_wpong) is banked on chip (generator/plan/storage.ts). */
export interface PlanBanking {
  /** 'lanes': a bank per tile lane (array_partition complete on TILE_OUT and TILE_IN);
   *  'row-words': a bank per tile row holding its TILE_IN weights in one word (array_reshape complete on TILE_IN);
   *  'row-pairs': a bank per two tile rows × lane, the rows stacked in depth, both read each cycle (block partition,
   *  true dual-port). */
  kind: 'lanes' | 'row-words' | 'row-pairs';
  /** Banks of one array. */
  banks: number;
  /** Words per bank and bits per word. */
  depth: number;
  width: number;
  /** True dual-port (two reads or two writes per cycle; RAMB18 at most 18 bits wide) or simple dual-port. */
  tdp: boolean;
  /** RAMB18 blocks of one array. */
  ramb18: number;
  why: string;
}

/** The plan of one design. */
export interface Plan {
  /** Plan format: bumped when a field changes meaning. */
  version: 1;
  name: string;
  config: Config;
  /** HLS top function / XRT kernel name. */
  kernelName: string;
  sizes: PlanSizes;
  types: PlanTypes;
  bundles: PlanBundle[];
  /** Every region by name (the same objects as in bundles); weights1 … only with hardware.weightPorts > 1. */
  regions: Record<DramRegion, PlanRegion> & Partial<Record<WeightPartRegion, PlanRegion>>;
  /** Bundle and region holding the packed weights (part 0 of split tensors). */
  weightsRegion: PlanRegion;
  /** The weight regions in port order: weightsRegion, then weights1 … (hardware.weightPorts of them). */
  weightParts: PlanRegion[];
  weights: PlanWeight[];
  ops: PlanOp[];
  /** Ops per transformer block and the id of block i's step k: 1 + i·opsPerBlock + k. */
  opsPerBlock: number;
  /** MoE block indices, ascending. */
  moeBlocks: number[];
  buffers: PlanBuffer[];
  /** The kernel library's hardware description: per pipelined loop its II, depth, m_axi kind and units
   *  (generator/plan/loops.ts); the estimator reads it and a lint of the emitted C++ checks it. */
  loops: PlanLoop[];
  /** Pipelined-loop iterations of the one-time load (reload=1: patch-embed weights and bias), counted under op 0. */
  reloadTrips: number;
  /** hardware.attention = 'fused': attention_fused's on-chip FIFO depths (generator/kernels/attention.ts), from the
   *  sizes and finalize's row of `loops`; absent for 'split'. */
  attnFifos?: { scoreDepth: number; infoDepth: number };
  /** Scalar kernel arguments, in call order after the bundle pointers. */
  scalars: { numImages: string; task: string; reload: string; debugStop: string };
  /** Fixed-point constants the kernels need, as raw integers of the named type. */
  constants: PlanConstant[];
}

/** A numeric constant stored as the raw integer of a plan type (no floats in kernel sources). */
export interface PlanConstant {
  /** params.h name, e.g. ATTN_SCALE_RAW. */
  name: string;
  typeName: string;
  value: number;
  raw: string;
  what: string;
}
