// Built-in configs. Users start from one and override fields (--set, or a file with "extends").
import type { Config, FixedType, FixedTypePatch } from './schema.ts';

const fx = (W: number, I: number, signed = true): FixedType => ({ signed, W, I, q: 'AP_TRN', o: 'AP_WRAP', n: 0 });

/** Edge-MoE's types (edge-moe.md §6): truncation and wrap everywhere. */
const edgeMoePrecision: Config['precision'] = {
  activation: fx(32, 10),
  accumulator: fx(32, 10),
  linearWeight: fx(16, 2),
  attnBias: fx(16, 7),
  bias: fx(16, 5),
  patchWeight: fx(16, 0),
  pixel: fx(8, 0, false),
};

/** Edge-MoE's five m_axi bundles (edge-moe.md §6); tmp4 is gone, hidden is its tmp_hidden. */
const edgeMoeBundles: Config['hardware']['bundles'] = {
  inout1: ['tmp1', 'attn', 'images'],
  inout2: ['tmp2', 'x'],
  inout3: ['tmp3'],
  inout4: ['hidden', 'softmaxInfo'],
  weights: ['weights'],
};

const zcu102 = (): Config['hardware'] => ({
  part: 'xczu9eg-ffvb1156-2-e',
  platform: 'zcu102',
  clockMHz: 300,
  axiBits: 256,
  linearTile: { in: 16, out: 16 },
  attnParallel: 4,
  bundles: structuredClone(edgeMoeBundles),
});

const u280 = (): Config['hardware'] => ({
  part: 'xcu280-fsvh2892-2L-e',
  platform: 'u280',
  clockMHz: 250,
  axiBits: 256,
  linearTile: { in: 16, out: 16 },
  attnParallel: 4,
  bundles: structuredClone(edgeMoeBundles),
});

const vitS = (image: [number, number, number], tasks: string[]): Config['model'] => ({
  image,
  patch: 16,
  dim: 384,
  depth: 12,
  heads: 12,
  mlpRatio: 4,
  qkvBias: true,
  lnEps: 1e-6,
  moe: { blocks: 'odd', experts: 16, topK: 4, expertHidden: 384 },
  tasks,
  cls: 'folded',
  pixelDivisor: 255,
  normalize: 'imagenet',
});

/**
 * ViT-S presets fold ÷255 and ImageNet mean/std into the patch embedding, which scales the weights by 256/(255·std)
 * (≈4.4×): Edge-MoE's ap_fixed<16,0> (±0.5) would wrap, so these store patch weights as ap_fixed<16,3> (±4).
 * Every stored parameter is rounded and saturated instead of truncated: the modes only act when packing (the kernel
 * never re-quantizes them), and truncation's −½ LSB bias adds up over fc2's 1,536 mostly positive GELU inputs
 * (mlp_out MSE/var 5e-4 per block with AP_TRN on m3vit-s-pascal, 8.3e-4 at the output).
 */
const vitSPrecision = (): Config['precision'] => {
  const p = structuredClone(edgeMoePrecision);
  const rounded = (t: FixedType): FixedType => ({ ...t, q: 'AP_RND', o: 'AP_SAT' });
  return {
    ...p,
    linearWeight: rounded(p.linearWeight),
    attnBias: rounded(p.attnBias),
    bias: rounded(p.bias),
    patchWeight: { signed: true, W: 16, I: 3, q: 'AP_RND', o: 'AP_SAT', n: 0 },
  };
};

/** Rounded to nearest and saturated at pack time (the modes only act when packing weights). */
const rs = (I: number): FixedTypePatch => ({ I, q: 'AP_RND_CONV', o: 'AP_SAT' });

/**
 * The accurate preset's per-tensor types. Every matrix is rounded to nearest and saturated at pack time under the
 * class's upper bound I = 2 (ACCURATE_LINEAR; the on-chip type stays plain, the modes only act when packing). Biases,
 * LayerNorm parameters and the patch embedding get the integer bits that hold both the trained M³ViT-T ranges
 * (../spec m3vit-weights-stats.md, experts as the dense MLP before them) and the profile of the seeded random weights
 * on the demo images (`edgemoe profile --propose`). Biases and LayerNorm parameters (0.4 % of the weight bytes) are
 * stored in 24 bits: at 16 bits the integer bits trained checkpoints need (qkv bias up to 51, LayerNorm gamma up to
 * 15.6) leave steps of 2^-9 and 2^-11, and a float model of the rounded weights alone shows that this noise flips a
 * near-tie gate in block 1, whose token then spreads error through attention into clear-margin flips later (README
 * "Measured").
 */
const accurateTensors = (): Record<string, FixedTypePatch> => ({
  'blocks.*.attn.qkv.weight': rs(2),
  'blocks.*.attn.proj.weight': rs(2),
  'blocks.*.mlp.fc1.weight': rs(2),
  'blocks.*.mlp.fc2.weight': rs(2),
  'blocks.*.mlp.experts.htoh4.weight': rs(2),
  'blocks.*.mlp.experts.h4toh.weight': rs(2),
  'blocks.*.mlp.gate.*': rs(2),
  'blocks.*.attn.qkv.bias': rs(7),
  'blocks.*.attn.proj.bias': rs(5),
  'blocks.*.mlp.fc1.bias': rs(3),
  'blocks.*.mlp.fc2.bias': rs(4),
  'blocks.*.mlp.experts.htoh4.bias': rs(4),
  'blocks.*.mlp.experts.h4toh.bias': rs(5),
  'blocks.*.norm?.*': rs(5),
  'patch_embed.proj.bias': rs(4),
  'patch_embed.proj.weight': rs(0),
});

/**
 * Edge-MoE's 16-bit linear weights, better placed and rounded (README "Precision"): a power-of-two scale per output
 * channel, 2^-sh with sh ≤ 2, under one upper bound I = 2 for every matrix (it holds every trained M³ViT-T matrix, fc2
 * up to 1.04), so a row gets up to two more fraction bits than its tensor's own I gave it (a seeded qkv row with
 * largest |w| 0.25 is stored in ±0.5 instead of ±1, an expert h4toh row with 0.12 in ±0.5 instead of ±2). On chip
 * every row is exact in ap_fixed<18,2> (16 stored + 2 shift bits; one I, so no per-tensor spread), which still fits
 * the 18-bit RAMB18 port of the weight tile banks and the same DSPs. Patch weights are stored in 18 bits (32-bit
 * containers, loaded once per call, the same RAMB18 banks). With one type per tensor, a float model of the rounded
 * weights alone (bench/weight-rounding.ts) flipped a near-tie gate (margin 1.3e-4, astronaut task 1, block 3), the
 * patch weights' 16-bit steps half of that noise, and its token then flipped at a clear margin (4.1e-3) in block 5;
 * with both changes no flip at a margin above 1e-3 remains on the demo images (README "Measured").
 */
const ACCURATE_LINEAR: Partial<FixedType> = { I: 2, granularity: 'channel', scaleBits: 0, scaleShift: 2 };

/**
 * 8-bit linear, expert and gate weights (half the weight bytes and bandwidth of Edge-MoE) with a scale per output
 * channel (README "Precision"): each tensor's integer bits hold the trained M³ViT-T ranges (the accurate preset's
 * before its row scales), and `pack` gives every matrix row the finest scale m/32 · 2^-sh (sh ≤ 4) that holds that
 * row's largest value, so the preset fits any checkpoint without re-deriving it; `gptq` makes `pack` round the rows
 * with GPTQ calibrated on the shipped calibration set (photographs independent of the demo images). On chip the rows
 * become ap_fixed<18,2> (wlin_t: 8 stored + 5 mantissa + 4 shift + 1 bit of per-tensor spread): one 18-bit BRAM port
 * and one DSP48E2 per 18×16-bit product, as m/8's 16-bit rows (the estimator counts the same DSPs and BRAMs, 1.2k more
 * LUTs for the wider scaling). Biases and LayerNorm parameters in 24 bits (as the accurate preset, for the same
 * reason). Kept explicit here rather than derived from the accurate preset, so that its measured figures (README
 * "Measured") stay its own.
 */
const w8Tensors = (): Record<string, FixedTypePatch> => ({
  'blocks.*.attn.qkv.weight': rs(1),
  'blocks.*.attn.proj.weight': rs(1),
  'blocks.*.mlp.fc1.weight': rs(1),
  'blocks.*.mlp.fc2.weight': rs(2),
  'blocks.*.mlp.experts.htoh4.weight': rs(1),
  'blocks.*.mlp.experts.h4toh.weight': rs(2),
  'blocks.*.mlp.gate.*': rs(1),
  'blocks.*.attn.qkv.bias': rs(7),
  'blocks.*.attn.proj.bias': rs(5),
  'blocks.*.mlp.fc1.bias': rs(3),
  'blocks.*.mlp.fc2.bias': rs(4),
  'blocks.*.mlp.experts.htoh4.bias': rs(4),
  'blocks.*.mlp.experts.h4toh.bias': rs(5),
  'blocks.*.norm?.*': rs(5),
  'patch_embed.proj.bias': rs(4),
  'patch_embed.proj.weight': rs(0),
});
const W8_SCALE: Partial<FixedType> = { granularity: 'channel', scaleBits: 5, scaleShift: 4, gptq: true };

/**
 * The w8 preset's activations (README "Precision"): 16 bits, half the activation traffic and two lanes per 32-bit
 * container; I = 5 (±16) holds every op output of the seeded weights on the demo and calibration images (max |v| 12.7,
 * `edgemoe profile`) with 11 fraction bits, rounded and saturated. A trained checkpoint's outputs (up to ~34) and
 * block-9 gate logits (35–50) need I = 7: `edgemoe profile` warns, `-s precision.activation.I=7` gives them room.
 */
const W8_ACTIVATION: FixedType = { signed: true, W: 16, I: 5, q: 'AP_RND', o: 'AP_SAT', n: 0 };

/**
 * The w8 preset's precision applied to another model's `base` precision (`edgemoe explore`'s w8 profile; the preset is
 * this of Edge-MoE's types). The patch weights keep the base's integer bits when it has more than the preset's 0: a
 * model whose input normalisation is folded into them (ViT-S: ÷255 and ImageNet std, ≈4.4×) needs them.
 */
export function w8Precision(base: Config['precision']): Config['precision'] {
  const tensors = w8Tensors();
  tensors['patch_embed.proj.weight'] = rs(Math.max(tensors['patch_embed.proj.weight']!.I!, base.patchWeight.I));
  return {
    ...structuredClone(base),
    activation: { ...W8_ACTIVATION },
    accumulator: fx(32, 10),
    linearWeight: { ...base.linearWeight, W: 8, I: 1, ...W8_SCALE },
    attnBias: { ...base.attnBias, W: 24 },
    bias: { ...base.bias, W: 24 },
    tensors,
  };
}

export const PRESETS: Record<string, { description: string; config: () => Config }> = {
  'm3vit-t-cityscapes': {
    description: 'Edge-MoE exactly: ViT-T, 3x128x256, 16 experts top-2, 2 tasks, ZCU102 @ 300 MHz (default)',
    config: () => ({
      name: 'm3vit-t-cityscapes',
      model: {
        image: [3, 128, 256],
        patch: 16,
        dim: 192,
        depth: 12,
        heads: 3,
        mlpRatio: 4,
        qkvBias: true,
        lnEps: 1e-6,
        moe: { blocks: 'odd', experts: 16, topK: 2, expertHidden: 384 },
        tasks: ['semseg', 'depth'],
        cls: 'folded',
        pixelDivisor: 256,
        normalize: 'none',
      },
      precision: structuredClone(edgeMoePrecision),
      hardware: zcu102(),
    }),
  },
  'm3vit-t-cityscapes-accurate': {
    description: "Edge-MoE's model, 16-bit linear weights with a power-of-two scale per output channel (sh ≤ 2), 18-bit patch weights, 24-bit biases/LayerNorm parameters, 32-bit activations, rounded to nearest",
    config: () => {
      const c = PRESETS['m3vit-t-cityscapes']!.config();
      c.name = 'm3vit-t-cityscapes-accurate';
      c.precision.linearWeight = { ...c.precision.linearWeight, ...ACCURATE_LINEAR };
      c.precision.attnBias = { ...c.precision.attnBias, W: 24 };
      c.precision.bias = { ...c.precision.bias, W: 24 };
      c.precision.patchWeight = { ...c.precision.patchWeight, W: 18 };
      c.precision.tensors = accurateTensors();
      return c;
    },
  },
  'm3vit-t-cityscapes-w8': {
    description: "Edge-MoE's model with 8-bit linear/expert/gate weights (a scale per output channel, m/32 · 2^-sh; GPTQ-rounded by pack on the shipped calibration set) and 16-bit activations ap_fixed<16,5>, rounded",
    config: () => {
      const c = PRESETS['m3vit-t-cityscapes']!.config();
      c.name = 'm3vit-t-cityscapes-w8';
      c.precision = w8Precision(c.precision);
      return c;
    },
  },
  'm3vit-s-pascal': {
    description: 'M3ViT ViT-S on PASCAL-Context: 3x512x512, 16 experts top-4, 5 tasks, Alveo U280 @ 250 MHz',
    config: () => ({
      name: 'm3vit-s-pascal',
      model: vitS([3, 512, 512], ['semseg', 'human_parts', 'sal', 'normals', 'edge']),
      precision: vitSPrecision(),
      hardware: u280(),
    }),
  },
  'm3vit-s-nyud': {
    description: 'M3ViT ViT-S on NYUD-v2: 3x480x640, 16 experts top-4, 2 tasks, Alveo U280 @ 250 MHz',
    config: () => ({
      name: 'm3vit-s-nyud',
      model: vitS([3, 480, 640], ['semseg', 'depth']),
      precision: vitSPrecision(),
      hardware: u280(),
    }),
  },
  tiny: {
    description: 'the model of the PyTorch fixture test/fixtures/m3vit-tiny-test: 3x32x64, D 32, depth 2, 4 experts top-2, 2 tasks',
    config: () => ({
      name: 'tiny',
      model: {
        image: [3, 32, 64],
        patch: 16,
        dim: 32,
        depth: 2,
        heads: 2,
        mlpRatio: 4,
        qkvBias: true,
        lnEps: 1e-6,
        moe: { blocks: 'odd', experts: 4, topK: 2, expertHidden: 64 },
        tasks: ['task0', 'task1'],
        cls: 'folded',
        pixelDivisor: 256,
        normalize: 'none',
      },
      precision: structuredClone(edgeMoePrecision),
      hardware: zcu102(),
    }),
  },
};

export const DEFAULT_PRESET = 'm3vit-t-cityscapes';
