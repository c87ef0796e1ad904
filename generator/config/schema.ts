// The edgemoe config: zod schema and the TypeScript types every other module reads.
import { z } from 'zod';

export const QUANT_MODES = ['AP_RND', 'AP_RND_ZERO', 'AP_RND_MIN_INF', 'AP_RND_INF', 'AP_RND_CONV', 'AP_TRN', 'AP_TRN_ZERO'] as const;
export const OVERFLOW_MODES = ['AP_SAT', 'AP_SAT_ZERO', 'AP_SAT_SYM', 'AP_WRAP', 'AP_WRAP_SM'] as const;

/** One fixed-point type: ap_fixed<W,I,Q,O,N> (signed) or ap_ufixed<…> (unsigned). */
export const fixedTypeSchema = z
  .object({
    signed: z.boolean().default(true),
    W: z.number().int(),
    I: z.number().int(),
    q: z.enum(QUANT_MODES).default('AP_TRN'),
    o: z.enum(OVERFLOW_MODES).default('AP_WRAP'),
    n: z.number().int().default(0),
  })
  .strict();
export type FixedType = z.infer<typeof fixedTypeSchema>;

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
export type FixedTypePatch = z.infer<typeof fixedTypePatchSchema>;

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
    /** Per-activation overrides by op-name pattern of the plan (e.g. `block9.mlp_out`), as `tensors`. */
    activations: z.record(z.string(), fixedTypePatchSchema).optional(),
  })
  .strict();
export type Precision = z.infer<typeof precisionSchema>;

export const moeSchema = z
  .object({
    /** Which blocks are MoE: 'odd' (M³ViT), 'even', or a list of block indices. */
    blocks: z.union([z.literal('odd'), z.literal('even'), z.array(z.number().int())]),
    experts: z.number().int(),
    topK: z.number().int(),
    expertHidden: z.number().int(),
  })
  .strict();

export const modelSchema = z
  .object({
    /** Input image [C, H, W]. */
    image: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    patch: z.number().int(),
    dim: z.number().int(),
    depth: z.number().int(),
    heads: z.number().int(),
    mlpRatio: z.number(),
    qkvBias: z.boolean(),
    lnEps: z.number(),
    moe: moeSchema,
    /** Task names, in gate order (task t uses `blocks.{i}.mlp.gate.{t}.w_gate`). */
    tasks: z.array(z.string()),
    /** 'folded': cls_token is added into pos_embed row 0 at pack time (Edge-MoE); 'token': kept as its own tensor. */
    cls: z.enum(['folded', 'token']),
    /** Input normalisation folded into the patch embedding: none (raw byte/256) or ImageNet mean/std. */
    normalize: z.enum(['none', 'imagenet']),
  })
  .strict();
export type ModelConfig = z.infer<typeof modelSchema>;

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
    linearTile: z.object({ in: z.number().int(), out: z.number().int() }).strict(),
    /** Attention parallelism P: query rows in flight. */
    attnParallel: z.number().int(),
    /** m_axi bundle name → the DRAM regions it carries (images, x, tmp1, tmp2, tmp3, hidden, attn, softmaxInfo, weights). */
    bundles: z.record(z.string(), z.array(z.string())),
    /** Multi-SLR boards (U280): pin the kernel to this SLR, checked to fit it (default: its memory's SLR when it fits). */
    slr: z.enum(['SLR0', 'SLR1', 'SLR2']).optional(),
  })
  .strict();
export type HardwareConfig = z.infer<typeof hardwareSchema>;

export const configSchema = z
  .object({
    name: z.string(),
    model: modelSchema,
    precision: precisionSchema,
    hardware: hardwareSchema,
  })
  .strict();
export type Config = z.infer<typeof configSchema>;

/** The DRAM regions a design has; hardware.bundles must place each exactly once. */
export const DRAM_REGIONS = ['images', 'x', 'tmp1', 'tmp2', 'tmp3', 'hidden', 'attn', 'softmaxInfo', 'weights'] as const;
export type DramRegion = (typeof DRAM_REGIONS)[number];
