// The DRAM map: every region's size, element type and layout, placed in its m_axi bundle at 4096-aligned offsets.
import { ON_CHIP_REGIONS, WEIGHT_PART_REGIONS, dramRegionsOf, type Config, type DramRegion, type WeightPartRegion } from '../config/schema.ts';
import { attnInfoTokenWords, attnStepWords as attnStepWordsOf } from '../kernels/attention.ts';
import type { PlanBundle, PlanRegion, PlanSizes, PlanTypes, PlanWeight } from './types.ts';

/** Alignment of every region inside its bundle (bytes). */
export const REGION_ALIGN = 4096;

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

type RegionBody = Omit<PlanRegion, 'name' | 'bundle' | 'offset' | 'wordOffset'>;

/** Attention score words per (query block, key) step: P slots × HEADS scores of act_t (reordered_attention.h). */
export function attnStepWords(s: PlanSizes): number {
  return attnStepWordsOf(s.attnP, s.heads, s.actLanes);
}

/** softmaxInfo words per token: (1/sum, max) per head (reordered_attention.h). */
export function softmaxInfoWords(s: PlanSizes): number {
  return attnInfoTokenWords(s.heads, s.actLanes);
}

/** Size, type and layout of each region (before placement). */
export function regionBodies(s: PlanSizes, t: PlanTypes, weights: PlanWeight[]): Record<DramRegion, RegionBody> {
  const wb = s.axiBits / 8;
  const act = t.activation;
  const px = t.pixel;
  const actRegion = (shape: number[], rowWidth: number, layout: string): RegionBody => {
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const words = rows * Math.ceil(rowWidth / act.lanes);
    return { bytes: words * wb, words, ctype: act.cpp, elemBytes: act.containerBits / 8, frac: act.frac, signed: act.signed, shape, layout };
  };
  const tokenBuf = (what: string) =>
    actRegion([s.tokens, s.dim], s.dim, `token-major [tokens][dim], ${act.lanes} per word (${what})`);
  const imageWords = Math.ceil((s.inCh * s.imgH * s.imgW) / px.lanes);
  const weightWords = weights.reduce((a, w) => a + w.words, 0);
  // hardware.attention = 'fused': the scores and (1/s, m) stay in on-chip FIFOs; both scratch regions are empty.
  const attnWords = s.attnFused ? 0 : s.qBlocks * s.tokens * attnStepWords(s);
  const infoWords = s.attnFused ? 0 : s.tokens * softmaxInfoWords(s);
  const unused = s.attnFused ? " (empty: hardware.attention 'fused' keeps them on chip)" : '';
  return {
    images: {
      bytes: s.maxImages * imageWords * wb,
      words: s.maxImages * imageWords,
      ctype: px.cpp,
      elemBytes: px.containerBits / 8,
      frac: px.frac,
      signed: px.signed,
      shape: [s.maxImages, s.inCh, s.imgH, s.imgW],
      layout: `[n][C][H][W] raw pixel bytes, ${px.lanes} per word; each image starts at a word boundary (${imageWords} words)`,
    },
    x: actRegion([s.maxImages, s.tokens, s.dim], s.dim, 'residual stream and backbone output: [images][tokens][dim], token-major, one token buffer per image'),
    tmp1: tokenBuf('LN outputs, attention context'),
    tmp2: tokenBuf('Q, then V'),
    tmp3: tokenBuf('K, then proj / MLP / MoE outputs'),
    hidden: actRegion(
      [s.tokens, s.hiddenWidth],
      s.hiddenWidth,
      `MLP hidden [tokens][width]: a layer with hidden width h uses rows of h/${act.lanes} words at token stride h/${act.lanes} (experts scatter by patch index)`,
    ),
    attn: {
      bytes: attnWords * wb,
      words: attnWords,
      ctype: act.cpp,
      elemBytes: act.containerBits / 8,
      frac: act.frac,
      signed: act.signed,
      shape: s.attnFused ? [0] : [s.qBlocks, s.tokens, s.attnP, s.heads],
      layout: `scaled scores in the reordered-attention order [qblock][key step][slot][head], ${attnStepWords(s)} words per step${unused}`,
    },
    softmaxInfo: {
      bytes: infoWords * wb,
      words: infoWords,
      ctype: act.cpp,
      elemBytes: act.containerBits / 8,
      frac: act.frac,
      signed: act.signed,
      shape: s.attnFused ? [0] : [s.tokens, s.heads, 2],
      layout: `per token and head (1/sum, max), ${softmaxInfoWords(s)} words per token${unused}`,
    },
    weights: {
      bytes: weightWords * wb,
      words: weightWords,
      ctype: 'ap_uint<8>',
      elemBytes: 1,
      shape: [weightWords * wb],
      layout: 'packed weight tensors (see weights.tensors), each word-aligned',
    },
  };
}

/** The extra weight regions of hardware.weightPorts > 1 (weights1 …): each holds part k of every split tensor at the
 *  tensor's own offset, so it ends where the last split tensor's part ends. */
export function weightPartBodies(s: PlanSizes, weights: PlanWeight[]): Array<[WeightPartRegion, RegionBody]> {
  const wb = s.axiBits / 8;
  const words = Math.max(0, ...weights.filter((w) => w.ports).map((w) => w.wordOffset + w.partWords!));
  return WEIGHT_PART_REGIONS.slice(0, s.weightPorts - 1).map((name, k) => [
    name,
    {
      bytes: words * wb,
      words,
      ctype: 'ap_uint<8>',
      elemBytes: 1,
      shape: [words * wb],
      layout: `weight port ${k + 1} of ${s.weightPorts}: part ${k + 1} (rows r with r mod ${s.weightPorts} = ${k + 1}) of every linear and expert matrix, at the tensor's offset of the weights region (see weights.tensors); blank elsewhere`,
    },
  ]);
}

/** Places the regions in their bundles in config order; the extra weight regions (`parts`) each get a bundle of their
 *  own name after them. With hardware.activations = 'onchip' the ON_CHIP_REGIONS are on-chip arrays instead (bundle
 *  '', offset 0, `onChip`), and a bundle left without a DRAM region is no bundle. */
export function placeRegions(
  c: Config,
  s: PlanSizes,
  bodies: Record<DramRegion, RegionBody>,
  parts: Array<[WeightPartRegion, RegionBody]> = [],
): { bundles: PlanBundle[]; regions: Record<DramRegion, PlanRegion> & Partial<Record<WeightPartRegion, PlanRegion>> } {
  const wb = s.axiBits / 8;
  const regions = {} as Record<DramRegion, PlanRegion> & Partial<Record<WeightPartRegion, PlanRegion>>;
  const all = { ...bodies, ...Object.fromEntries(parts) } as Record<DramRegion | WeightPartRegion, RegionBody>;
  for (const name of ON_CHIP_REGIONS) {
    if (dramRegionsOf(c, [name]).length === 0) regions[name] = { name, bundle: '', offset: 0, wordOffset: 0, ...all[name], onChip: true };
  }
  const layout: Array<[string, string[]]> = [
    ...Object.entries(c.hardware.bundles)
      .map(([b, rs]): [string, string[]] => [b, dramRegionsOf(c, rs)])
      .filter(([, rs]) => rs.length > 0),
    ...parts.map(([n]): [string, string[]] => [n, [n]]),
  ];
  const bundles: PlanBundle[] = layout.map(([bundle, names]) => {
    let at = 0;
    const rs = names.map((n) => {
      const name = n as DramRegion | WeightPartRegion;
      const offset = alignUp(at, REGION_ALIGN);
      const r: PlanRegion = { name, bundle, offset, wordOffset: offset / wb, ...all[name] };
      at = offset + r.bytes;
      regions[name] = r;
      return r;
    });
    return { name: bundle, bytes: alignUp(at, REGION_ALIGN), regions: rs };
  });
  return { bundles, regions };
}
