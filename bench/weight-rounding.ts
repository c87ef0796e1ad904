// Where a preset's error comes from: the float64 reference run with the preset's packed weights (quantized exactly as
// `pack` stores them, then read back to float) and everything else exact, against the float reference on the original
// weights. Seed-1 random weights, the two 256×128 photographs × both tasks, as bench/precision.ts.
//   npx tsx bench/weight-rounding.ts <preset> [tensor-regex] [-s path=value …]
// With a regex only the packed tensors whose names match are rounded (the rest keep their float values), so the
// share of each group can be seen; -s overrides config fields as on the command line. Prints per run the output MSE and
// every (MoE block, token) whose expert set differs, with the reference's k-th − (k+1)-th gate probability margin.
import { numel, type Tensor, type TensorMap } from '../generator/tensor.ts';
import { resolveConfig } from '../generator/config/index.ts';
import { inputPipeline } from '../generator/config/input.ts';
import { renderDesign } from '../generator/emit/emit.ts';
import { loadImage } from '../generator/io/image.ts';
import { channelScaleValue, packImage } from '../generator/pack/pack.ts';
import { parseCppType } from '../generator/pack/ctype.ts';
import { runReference } from '../generator/reference/index.ts';
import { moeBlockIndices } from '../generator/model/stats.ts';
import { randomWeights } from '../generator/weights/random.ts';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const sets: string[] = [];
const positional: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '-s') sets.push(argv[++i]!);
  else positional.push(argv[i]!);
}
const [preset, only] = positional;
if (!preset) {
  console.error('usage: npx tsx bench/weight-rounding.ts <preset> [tensor-regex] [-s path=value …]');
  process.exit(2);
}
const match = only ? new RegExp(only) : null;
const config = resolveConfig({ preset, sets });
const { manifest } = renderDesign(config);
const exact = randomWeights(resolveConfig({ preset: 'm3vit-t-cityscapes' }), 1);
const { bytes } = packImage(config, manifest, exact);
const region = bytes.buffer;

// The packed value of each element as a float: raw · 2^-frac (· the row's scale), W-bit two's complement.
function readBack(t: (typeof manifest.weights.tensors)[number]): Float64Array {
  const n = numel(t.shape);
  const W = parseCppType(t.ctype, t.name).W;
  const view = new DataView(region, t.offset, n * t.elemBytes);
  const cols = t.shape[t.shape.length - 1]!;
  const scales = t.scale ? new Uint16Array(region, t.offset + t.scale.offset, t.scale.rows) : null;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = t.elemBytes === 1 ? view.getUint8(i) : t.elemBytes === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
    const low = u % 2 ** W;
    const raw = t.signed && low >= 2 ** (W - 1) ? low - 2 ** W : low;
    const e = scales ? scales[Math.floor(i / cols)]! : 0;
    out[i] = raw * 2 ** -t.frac * (scales ? channelScaleValue(e & 255, e >> 8, t.scale!.scaleBits) : 1);
  }
  return out;
}

// The state dict with the rounded tensors put back where deriveTensor took them from (q/k/v thirds, transposed gates).
const rounded: TensorMap = new Map();
for (const [k, t] of exact) rounded.set(k, { ...t, dtype: 'f64', data: Float64Array.from(t.data as Float32Array) } as Tensor);
const [D, E] = [config.model.dim, config.model.moe.experts];
for (const t of manifest.weights.tensors) {
  if (t.name === 'pos_embed' || (match && !match.test(t.name))) continue; // pos_embed is an activation-typed table
  const v = readBack(t);
  const qkv = /^blocks\.(\d+)\.attn\.([qkv])\.(weight|bias)$/.exec(t.name);
  const gate = /^blocks\.(\d+)\.mlp\.gate\.(\d+)\.w_gate/.exec(t.name);
  if (qkv) (rounded.get(`blocks.${qkv[1]}.attn.qkv.${qkv[3]}`)!.data as Float64Array).set(v, 'qkv'.indexOf(qkv[2]!) * v.length);
  else if (gate) {
    const dst = rounded.get(`blocks.${gate[1]}.mlp.gate.${gate[2]}.w_gate`)!.data as Float64Array;
    for (let e = 0; e < E; e++) for (let d = 0; d < D; d++) dst[d * E + e] = v[e * D + d]!;
  } else if (config.model.normalize === 'none' && rounded.has(t.name)) (rounded.get(t.name)!.data as Float64Array).set(v);
  else throw new Error(`bench: no inverse of the derivation of ${t.name} (folded normalisation?)`);
}

const K = config.model.moe.topK;
const setOf = (idx: BigInt64Array, tok: number) => Array.from(idx.subarray(tok * K, (tok + 1) * K), Number).sort((a, b) => a - b).join();
for (const file of ['astronaut-256x128.png', 'coffee-256x128.png']) {
  const image = loadImage(join(import.meta.dirname, '..', 'test', 'fixtures', 'images', file), inputPipeline(config.model));
  for (const task of [0, 1]) {
    const a = runReference(config, exact, image, task, { trace: true });
    const b = runReference(config, rounded, image, task, { trace: true });
    let se = 0;
    for (let i = 0; i < a.out.length; i++) se += (a.out[i]! - b.out[i]!) ** 2;
    const flips: string[] = [];
    for (const blk of moeBlockIndices(config.model)) {
      const ia = a.trace!.get(`block${blk}.topk_idx`)!.data as BigInt64Array;
      const ib = b.trace!.get(`block${blk}.topk_idx`)!.data as BigInt64Array;
      const p = a.trace!.get(`block${blk}.gate_probs`)!.data as Float64Array;
      for (let tok = 0; tok < ia.length / K; tok++) {
        if (setOf(ia, tok) === setOf(ib, tok)) continue;
        const sorted = Array.from(p.subarray(tok * E, (tok + 1) * E)).sort((x, y) => y - x);
        flips.push(`block ${blk} token ${tok} (${(sorted[K - 1]! - sorted[K]!).toExponential(1)})`);
      }
    }
    console.log(`${preset}${only ? ` [${only}]` : ''} ${file.split('-')[0]} t${task}  MSE ${(se / a.out.length).toExponential(2)}  flips: ${flips.join(', ') || 'none'}`);
  }
}
