// buildPlan: the one place a validated Config becomes sizes, types, the DRAM map, the schedule and buffers.
import { WEIGHT_PART_REGIONS, type Config, type DramRegion, type OnChipRegion } from '../config/schema.ts';
import { cppType, quantize } from '../fixed.ts';
import { PrecisionError, resolvePrecision } from './precision.ts';
import { UserError } from '../errors.ts';
import { moeBlockIndices } from '../model/stats.ts';
import { ATTN_FUSED_INFO_DEPTH, attnFusedScoreDepth } from '../kernels/attention.ts';
import { TABLE_SIZE } from '../kernels/fixed-math.ts';
import { GELU_TABLE_FRAC, GELU_TABLE_SIZE } from '../kernels/gelu.ts';
import { lnEpsQ48 } from '../kernels/layernorm.ts';
import { patchEmbedLoadTrips } from '../kernels/patch-embed.ts';
import { placeRegions, regionBodies, weightPartBodies } from './dram.ts';
import { fifoFreeDepth } from '../estimate/resources.ts';
import { loaderShiftBits, planLoops } from './loops.ts';
import { linWeightBanking, placeUram } from './storage.ts';
import { OPS_PER_BLOCK, buildSchedule } from './schedule.ts';
import { DEFAULT_MAX_IMAGES, planSizes, planTypes } from './sizes.ts';
import type { Plan, PlanBuffer, PlanConstant, PlanSizes, PlanTypes } from './types.ts';
import { layoutWeights, weightSpecs } from './weights.ts';

export interface PlanOptions {
  /** Images one kernel call can take (size of the images and x regions). */
  maxImages?: number;
}

/** The HLS top function / XRT kernel name of every design. */
export const KERNEL_NAME = 'edgemoe_top';

/** Bits of an expert-queue patch index: enough for tokens − 1. */
export function patchIndexBits(tokens: number): number {
  return Math.max(1, Math.ceil(Math.log2(tokens)));
}

/** hardware.activations = 'onchip': the top function's activation arrays (one AXI word per element, as the kernel
 *  library's readers and writers address them), by the region each stands for; x is one image's residual stream. */
export const ON_CHIP_ARRAYS: ReadonlyArray<{ array: string; region: 'x' | OnChipRegion }> = [
  { array: 'act_x', region: 'x' },
  { array: 'act_tmp1', region: 'tmp1' },
  { array: 'act_tmp2', region: 'tmp2' },
  { array: 'act_tmp3', region: 'tmp3' },
  { array: 'act_hidden', region: 'hidden' },
  { array: 'act_attn', region: 'attn' },
  { array: 'act_softmax_info', region: 'softmaxInfo' },
];

function onChipBuffers(s: PlanSizes, regions: Plan['regions']): PlanBuffer[] {
  if (!s.actOnChip) return [];
  // An empty region (attn / softmaxInfo with hardware.attention = 'fused') gets no array.
  return ON_CHIP_ARRAYS.filter(({ region }) => regions[region].words > 0).map(({ array, region }) => {
    const elems = region === 'x' ? regions.x.words / s.maxImages : regions[region].words;
    const what = region === 'x' ? "one image's residual stream (x); the output writer copies it to DRAM x" : `region ${region} on chip`;
    return { name: array, elemType: 'word_t', elemBits: s.axiBits, elems, bits: elems * s.axiBits, what };
  });
}

function buffers(s: PlanSizes, t: PlanTypes): PlanBuffer[] {
  const b = (name: string, elemType: string, elemBits: number, elems: number, what: string): PlanBuffer => ({
    name,
    elemType,
    elemBits,
    elems,
    bits: elems * elemBits,
    what,
  });
  const act = t.activation.W;
  const acc = t.accumulator.W;
  const tile = s.tileIn * s.tileOut;
  return [
    b('lin_wbuf', 'wlin_t', t.linearWeight.W, 2 * s.linWeightTiles * tile, 'unified linear ping/pong weight buffers, each the largest layer in TILE_OUT×TILE_IN tiles'),
    b('lin_bias', 'acc_t', acc, s.linMaxOut, 'unified linear bias tile buffer (one: loaded before each compute)'),
    b('lin_xrow', 'act_t', act, s.linMaxIn, 'unified linear input row cache'),
    // hardware.gate = 'own': the gate's weights on chip; 'unified': they load into lin_wbuf, the routing keeps the
    // logits and each token's softmax / top-k state.
    ...(s.gateUnified
      ? [
          b('gate_logits', 'word_t', s.axiBits, s.tokens * (s.experts / s.actLanes), 'routing: the logit words of every token (from the linear unit)'),
          b('gate_route_m', 'act_t', act, s.tokens, "routing: each token's running softmax max"),
          b('gate_route_s', 'softmax_sum_t', 48, s.tokens, "routing: each token's running softmax sum"),
          b('gate_route_topk', 'act_t + expert + flag', act + 7 + 1, s.tokens * s.topK, "routing: each token's top-k slots (logit, expert, occupied)"),
        ]
      : [b('gate_w', 'wlin_t', t.linearWeight.W, s.experts * s.dim, "the task's gate weights [E][D]")]),
    b('expert_queue_idx', `ap_uint<${patchIndexBits(s.tokens)}>`, patchIndexBits(s.tokens), s.experts * s.tokens, 'expert queues: patch indices'),
    b('expert_queue_p', 'act_t', act, s.experts * s.tokens, 'expert queues: gate probabilities'),
    b('expert_meta', 'int', 32, 2 * s.experts, 'queue lengths and the metaqueue of active experts'),
    // The patch MAC array's on-chip state (hardware.patchEmbed = 'own'; 'unified' runs on the linear unit's buffers).
    ...(s.patchUnified
      ? []
      : [
          b('patch_w', 'wpatch_t', t.patchWeight.W, s.dim * s.inCh * s.patch * s.patch, 'patch-embed weights (loaded on reload)'),
          b('patch_b', 'acc_t', acc, s.dim, 'patch-embed bias (loaded on reload)'),
          b('patch_acc', 'acc_t', acc, s.gridW * s.dim, 'patch-embed accumulators for one patch row'),
        ]),
    b('ln_params', 'wbias_t', t.bias.W, 2 * s.dim, 'LayerNorm gamma/beta'),
    b('q_rows', 'act_t', act, s.attnP * s.dim, 'reordered attention: P query rows'),
    b('attn_acc', 'acc_t', acc, s.attnP * s.dim, 'attn·V accumulators'),
    b('gelu_rom', 'ap_uint<22>', GELU_TABLE_FRAC, GELU_TABLE_SIZE, 'GELU δ ROM (gelu_approx.h)'),
    b('exp2_rom', 'ap_uint<31>', 31, TABLE_SIZE, 'fixed_math.h 2^-f ROM (exp)'),
    b('recip_rom', 'ap_uint<27>', 27, TABLE_SIZE, 'fixed_math.h reciprocal seed ROM'),
    b('rsqrt_rom', 'ap_uint<27>', 27, TABLE_SIZE, 'fixed_math.h rsqrt seed ROM'),
  ];
}

function constants(c: Config, s: PlanSizes): PlanConstant[] {
  const k = (name: string, cls: 'activation' | 'accumulator', typeName: string, value: number, what: string): PlanConstant => ({
    name,
    typeName,
    value,
    raw: quantize(value, c.precision[cls]).toString(),
    what,
  });
  return [
    k('ATTN_SCALE_RAW', 'activation', 'act_t', 1 / Math.sqrt(s.headDim), 'attention scale 1/sqrt(head_dim)'),
    k('LN_EPS_RAW', 'accumulator', 'acc_t', c.model.lnEps, 'LayerNorm eps'),
    k('INV_DIM_RAW', 'accumulator', 'acc_t', 1 / s.dim, '1/dim for the LayerNorm means'),
    { name: 'LN_EPS_Q48', typeName: 'integer', value: c.model.lnEps, raw: lnEpsQ48(c.model.lnEps).toString(), what: 'floor(LayerNorm eps · 2^48) (layernorm.h)' },
  ];
}

/** The plan of a validated config (deterministic: the same config gives an identical plan). */
export function buildPlan(config: Config, opts: PlanOptions = {}): Plan {
  const maxImages = opts.maxImages ?? DEFAULT_MAX_IMAGES;
  if (!Number.isInteger(maxImages) || maxImages < 1) throw new UserError(`maxImages must be an integer ≥ 1 (got ${maxImages})`);
  const c = structuredClone(config);
  const sizes = planSizes(c, planTypes(c), maxImages);
  const specs = weightSpecs(c, sizes);
  // Op names do not depend on types: resolve tensor types first, op types once the schedule exists.
  const first = resolvePrecision(c, specs, []);
  const types = planTypes(c, first.union);
  const weights = layoutWeights(specs, types, sizes.axiBits, { types: first.tensors, shifts: first.shifts }, sizes.weightPorts);
  const { bundles, regions } = placeRegions(c, sizes, regionBodies(sizes, types, weights), weightPartBodies(sizes, weights));
  const moeBlocks = moeBlockIndices(c.model);
  const ops = buildSchedule(sizes, types, regions, new Set(moeBlocks));
  const resolved = resolvePrecision(c, specs, ops.map((o) => o.name));
  if (resolved.violations.length) throw new PrecisionError(c.name, resolved.violations);
  ops.forEach((o, i) => (o.outType = cppType(resolved.ops[i]!)));
  const weightsRegion = regions['weights' as DramRegion];
  const plan: Plan = {
    version: 1,
    name: c.name,
    config: c,
    kernelName: KERNEL_NAME,
    sizes,
    types,
    bundles,
    regions,
    weightsRegion,
    weightParts: [weightsRegion, ...WEIGHT_PART_REGIONS.slice(0, sizes.weightPorts - 1).map((n) => regions[n]!)],
    weights,
    ops,
    opsPerBlock: OPS_PER_BLOCK,
    moeBlocks,
    buffers: [...buffers(sizes, types), ...onChipBuffers(sizes, regions)],
    loops: planLoops(sizes, types, loaderShiftBits(weights)),
    // hardware.patchEmbed = 'unified': nothing is loaded once (the patch weights load per image into the linear unit).
    reloadTrips: sizes.patchUnified ? 0 : patchEmbedLoadTrips({
      dim: sizes.dim,
      inCh: sizes.inCh,
      patch: sizes.patch,
      gridH: sizes.gridH,
      gridW: sizes.gridW,
      actLanes: sizes.actLanes,
      pePatches: sizes.pePatches,
      peDims: sizes.peDims,
      wLanes: types.patchWeight.lanes,
      bLanes: types.bias.lanes,
    }),
    // Port names no HDL keyword can collide with (HLS renames e.g. `task` to `task_r` in the RTL and the xclbin).
    scalars: { numImages: 'num_images', task: 'task_id', reload: 'reload', debugStop: 'debug_stop' },
    constants: constants(c, sizes),
  };
  const uram = placeUram(plan);
  for (const b of plan.buffers) if (uram.has(b.name)) b.storage = 'uram';
  // Linear weight banking (storage.ts): lanes packed into fuller block RAMs, unless the buffer went to URAM.
  const wbuf = plan.buffers.find((b) => b.name === 'lin_wbuf')!;
  const banking = wbuf.storage === 'uram' ? null : linWeightBanking(sizes, types);
  if (banking) wbuf.banking = banking;
  // The weight loader's II follows the banking (linLoaderII): describe the loops again with it.
  plan.loops = planLoops(sizes, types, loaderShiftBits(weights), banking);
  // hardware.attention = 'fused': the scores FIFO holds a q-block of steps plus twice what finalize's pipeline has in
  // flight (its depth is assumed, not synthesised), rounded up to what its storage holds anyway (free margin against
  // a deeper finalize: a short FIFO here is a hang, not a slowdown). Its element is a step of P×H activations.
  if (sizes.attnFused) {
    const fin = plan.loops.find((l) => l.label === 'qk_fin_slots')!;
    const need = attnFusedScoreDepth(sizes.tokens, sizes.attnP, Math.ceil(fin.depth / fin.ii!));
    plan.attnFifos = { scoreDepth: fifoFreeDepth(need, sizes.attnP * sizes.heads * types.activation.W), infoDepth: ATTN_FUSED_INFO_DEPTH };
  }
  return plan;
}
