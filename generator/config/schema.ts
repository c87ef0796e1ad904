// The edgemoe config: zod schema and the TypeScript types every other module reads.
import type { z as zt } from 'zod';
import { z } from '../zod.ts';

export const QUANT_MODES = ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV', 'AP_TRN', 'AP_TRN_ZERO'] as const;
export const OVERFLOW_MODES = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'] as const;

/**
 * Size limits of a config (README "Config limits"): beyond them the float reference, the plan or the emitted numbers
 * stop being practical or exact (MAC counts stay below 2^53). Checked by the schema, so validate, gen and estimate
 * all refuse the same configs.
 */
export const LIMITS = {
  channels: 16,
  side: 4096,
  patch: 64,
  /** Patches per image ((H/patch)·(W/patch)); tokens = patches + 1. */
  patches: 16384,
  dim: 4096,
  depth: 64,
  heads: 64,
  mlpRatio: 16,
  experts: 64,
  expertHidden: 16384,
  tasks: 64,
  attnParallel: 256,
  linearTile: 256,
} as const;

const atMost = (n: number, what: string) => z.number().int().max(n, `${what} must be at most ${n} (edgemoe's limit)`);

/** Scale granularity of a stored weight class: one type per tensor, or a scale per output channel (matrix row). */
export const GRANULARITIES = ['tensor', 'channel'] as const;

/**
 * One fixed-point type: ap_fixed<W,I,Q,O,N> (signed) or ap_ufixed<…> (unsigned). `granularity`, `scaleBits` and
 * `scaleShift` only apply to precision.linearWeight (README "Precision"): with 'channel', row c of every linear,
 * expert and gate matrix is stored as ap_fixed<W,I> of w / s_c with s_c = m_c / 2^scaleBits · 2^-sh_c,
 * sh_c in 0..scaleShift and m_c ≤ 2^scaleBits chosen per row at pack time (scaleBits 0: a power of two).
 * `gptq` (linearWeight with granularity 'channel' only): `pack` rounds those rows with GPTQ, calibrated on the shipped
 * calibration set (test/fixtures/calibration) unless `pack --calibrate` names other images, instead of by `q`.
 */
export const fixedTypeSchema = z
  .object({
    signed: z.boolean().default(true),
    W: z.number().int(),
    I: z.number().int(),
    q: z.enum(QUANT_MODES).default('AP_TRN'),
    o: z.enum(OVERFLOW_MODES).default('AP_WRAP'),
    n: z.number().int().default(0),
    granularity: z.enum(GRANULARITIES).optional(),
    scaleBits: z.number().int().optional(),
    scaleShift: z.number().int().optional(),
    gptq: z.boolean().optional(),
  })
  .strict();
export type FixedType = zt.infer<typeof fixedTypeSchema>;

/** Part of a fixed-point type: the fields a per-tensor or per-activation override changes. */
export const fixedTypePatchSchema = z
  .object({
    signed: z.boolean(),
    W: z.number().int(),
    I: z.number().int(),
    q: z.enum(QUANT_MODES),
    o: z.enum(OVERFLOW_MODES),
    n: z.number().int(),
  })
  .partial()
  .strict();
export type FixedTypePatch = zt.infer<typeof fixedTypePatchSchema>;

/** The tensor classes that carry their own fixed-point type. */
export const PRECISION_CLASSES = ['activation', 'accumulator', 'linearWeight', 'attnBias', 'bias', 'patchWeight', 'pixel'] as const;
export type PrecisionClass = (typeof PRECISION_CLASSES)[number];

export const precisionSchema = z
  .object({
    /** Every activation between ops (Edge-MoE fm_t). */
    activation: fixedTypeSchema,
    /** Accumulators of dot products, softmax and LayerNorm statistics. */
    accumulator: fixedTypeSchema,
    /** Linear, expert and gate weights. */
    linearWeight: fixedTypeSchema,
    /** qkv and proj biases. */
    attnBias: fixedTypeSchema,
    /** MLP, expert and patch-embed biases; LayerNorm gamma and beta. */
    bias: fixedTypeSchema,
    /** Patch-embedding convolution weights. */
    patchWeight: fixedTypeSchema,
    /** Input pixels. */
    pixel: fixedTypeSchema,
    /**
     * Per-tensor overrides (levels model → class → name, as hls4ml): packed-tensor name pattern (`*` any characters,
     * `?` one; state-dict names such as `blocks.*.attn.qkv.weight` match the packed q/k/v parts) → the fields that
     * differ from the tensor's class type. Every matching pattern applies, in order.
     */
    tensors: z.record(z.string(), fixedTypePatchSchema).optional(),
    /** Per-activation overrides by op-name pattern of the plan (e.g. `block9.mlp_out`), as `tensors`. The kernel has one
     *  act_t, so validation accepts only overrides equal to `activation` (recorded per op; anything else is refused). */
    activations: z.record(z.string(), fixedTypePatchSchema).optional(),
  })
  .strict();
export type Precision = zt.infer<typeof precisionSchema>;

export const moeSchema = z
  .object({
    /** Which blocks are MoE: 'odd' (M³ViT), 'even', or a list of block indices. */
    blocks: z.union([z.literal('odd'), z.literal('even'), z.array(z.number().int())]),
    experts: atMost(LIMITS.experts, 'experts'),
    topK: z.number().int(),
    expertHidden: atMost(LIMITS.expertHidden, 'expertHidden'),
  })
  .strict();

export const modelSchema = z
  .object({
    /** Input image [C, H, W]. */
    image: z.tuple([atMost(LIMITS.channels, 'image channels'), atMost(LIMITS.side, 'image height'), atMost(LIMITS.side, 'image width')]),
    patch: atMost(LIMITS.patch, 'patch'),
    dim: atMost(LIMITS.dim, 'dim'),
    depth: atMost(LIMITS.depth, 'depth'),
    heads: atMost(LIMITS.heads, 'heads'),
    mlpRatio: z.number().max(LIMITS.mlpRatio, `mlpRatio must be at most ${LIMITS.mlpRatio} (edgemoe's limit)`),
    qkvBias: z.boolean(),
    lnEps: z.number(),
    moe: moeSchema,
    /** Task names, in gate order (task t uses `blocks.{i}.mlp.gate.{t}.w_gate`). */
    tasks: z.array(z.string()).max(LIMITS.tasks, `at most ${LIMITS.tasks} tasks (edgemoe's limit)`),
    /** 'folded': cls_token is added into pos_embed row 0 at pack time (Edge-MoE); 'token': kept as its own tensor. */
    cls: z.enum(['folded', 'token']),
    /** PNG/JPEG bytes are divided by this first: 256 (Edge-MoE's Cityscapes arrays) or 255 (torchvision ToTensor). */
    pixelDivisor: z.union([z.literal(255), z.literal(256)]),
    /** Then (x − mean)/std per channel: none, or ImageNet's mean/std (M³ViT's PASCAL-Context and NYUD-v2 pipeline). */
    normalize: z.enum(['none', 'imagenet']),
  })
  .strict();
export type ModelConfig = zt.infer<typeof modelSchema>;

export const PLATFORMS = ['zcu102', 'u50', 'u280'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const hardwareSchema = z
  .object({
    part: z.string(),
    platform: z.enum(PLATFORMS),
    clockMHz: z.number(),
    /** Width of every m_axi port in bits. */
    axiBits: z.number().int(),
    /** Linear unit tile: input × output elements per cycle. */
    linearTile: z.object({ in: atMost(LIMITS.linearTile, 'linearTile.in'), out: atMost(LIMITS.linearTile, 'linearTile.out') }).strict(),
    /** Attention parallelism P: query rows in flight. */
    attnParallel: atMost(LIMITS.attnParallel, 'attnParallel'),
    /** m_axi bundle name → the DRAM regions it carries (images, x, tmp1, tmp2, tmp3, hidden, attn, softmaxInfo, weights). */
    bundles: z.record(z.string(), z.array(z.string())),
    /** m_axi ports the linear unit's weight loader reads in parallel (1, 2 or 4; default 1): the rows of every linear and
     *  expert matrix alternate over the `weights` region and N − 1 extra regions weights1 … on bundles of the same names,
     *  each mapped to its own memory port. */
    weightPorts: z.number().int().optional(),
    /** Where the patch embedding runs: 'own' (default) its own MAC array with on-chip weights loaded once (reload = 1),
     *  'unified' the unified linear unit as a [dim][C·p·p] linear layer over the patches (a patch-gathering reader, the
     *  weights reloaded per image into the linear weight buffer, pos_embed added by a pass of its own): no
     *  patch_w / patch_b arrays and no patch MAC array. */
    patchEmbed: z.enum(['own', 'unified']).optional(),
    /** Where the MoE gate's logits are computed: 'own' (default) its own E×lanes MAC array with the task's gate
     *  weights loaded per block into gate_w, 'unified' the unified linear unit as an [experts][dim] layer over all
     *  tokens (its weights prefetched into the linear weight buffer during attn proj, a zero bias, the act_t logits
     *  written to the hidden region), then a routing process (softmax, top-k, queue appends) over every token. */
    gate: z.enum(['own', 'unified']).optional(),
    /** Where the activations live: 'dram' (default, Edge-MoE's layout) every region of hardware.bundles in DRAM; 'onchip'
     *  the token buffers, hidden, the attention scores and softmaxInfo (ON_CHIP_REGIONS) and the working residual stream
     *  are on-chip arrays, so DRAM carries the images, the weights and the output (the x region) only; bundles left
     *  without a DRAM region get no m_axi port. */
    activations: z.enum(['dram', 'onchip']).optional(),
    /** How a block's attention runs: 'split' (default) Q·Kᵀ + softmax statistics, then softmax·V, each its own DATAFLOW
     *  call with the scores and (1/s, m) in the attn / softmaxInfo DRAM regions; 'fused' both in ONE DATAFLOW region,
     *  the scores and statistics on chip in FIFOs (softmax·V runs one q-block behind Q·Kᵀ), V computed before it into
     *  the hidden region (Q is still being read from tmp2). */
    attention: z.enum(['split', 'fused']).optional(),
    /** Multi-SLR boards (U280): pin the kernel to this SLR, checked to fit it (default: its memory's SLR when it fits). */
    slr: z.enum(['SLR0', 'SLR1', 'SLR2']).optional(),
  })
  .strict();
export type HardwareConfig = zt.infer<typeof hardwareSchema>;

export const configSchema = z
  .object({
    name: z.string(),
    model: modelSchema,
    precision: precisionSchema,
    hardware: hardwareSchema,
  })
  .strict();
export type Config = zt.infer<typeof configSchema>;

/** The DRAM regions a design has; hardware.bundles must place each exactly once. */
export const DRAM_REGIONS = ['images', 'x', 'tmp1', 'tmp2', 'tmp3', 'hidden', 'attn', 'softmaxInfo', 'weights'] as const;
export type DramRegion = (typeof DRAM_REGIONS)[number];

/** The extra weight regions of hardware.weightPorts > 1 (each on a bundle of its own name, added by the plan). */
export const WEIGHT_PART_REGIONS = ['weights1', 'weights2', 'weights3'] as const;
export type WeightPartRegion = (typeof WEIGHT_PART_REGIONS)[number];
/** Every region name a plan can have. */
export type PlanRegionName = DramRegion | WeightPartRegion;

/** Weight ports of a config (hardware.weightPorts, default 1). */
export const weightPortsOf = (c: { hardware: { weightPorts?: number } }): number => c.hardware.weightPorts ?? 1;

/** True when Q·Kᵀ/softmax and softmax·V run concurrently in one DATAFLOW region (hardware.attention = 'fused'). */
export const attentionFused = (c: { hardware: { attention?: 'split' | 'fused' } }): boolean => c.hardware.attention === 'fused';

/** True when the patch embedding runs on the unified linear unit (hardware.patchEmbed = 'unified'). */
export const patchUnified = (c: { hardware: { patchEmbed?: 'own' | 'unified' } }): boolean => c.hardware.patchEmbed === 'unified';

/** True when the MoE gate's logits run on the unified linear unit (hardware.gate = 'unified'). */
export const gateUnified = (c: { hardware: { gate?: 'own' | 'unified' } }): boolean => c.hardware.gate === 'unified';
/** The regions that become on-chip arrays with hardware.activations = 'onchip' (x stays in DRAM as the output; its
 *  working copy, one image, is on chip too). */
export const ON_CHIP_REGIONS = ['tmp1', 'tmp2', 'tmp3', 'hidden', 'attn', 'softmaxInfo'] as const;
export type OnChipRegion = (typeof ON_CHIP_REGIONS)[number];

/** True when the activations live on chip (hardware.activations = 'onchip'). */
export const activationsOnChip = (c: { hardware: { activations?: 'dram' | 'onchip' } }): boolean => c.hardware.activations === 'onchip';

/** The regions of one bundle that stay in DRAM (all of them unless the activations are on chip). */
export const dramRegionsOf = (c: { hardware: { activations?: 'dram' | 'onchip' } }, regions: readonly string[]): string[] =>
  activationsOnChip(c) ? regions.filter((r) => !(ON_CHIP_REGIONS as readonly string[]).includes(r)) : [...regions];
