// Deriving each packed tensor of a design from the float state dict: qkv split, gate transpose, cls and
// normalisation folding. Everything else is the state-dict tensor itself (leading 1-dims may be squeezed).
import { HARDWARE_PIXEL_DIVISOR, inputPipeline } from '../config/input.ts';
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { GATE_ZERO_BIAS } from '../plan/weights.ts';
import { numel, shapeStr, type Tensor, type TensorMap } from '../tensor.ts';

/** Float values a packed tensor is quantized from (C order of its packed shape). */
export type FloatValues = Float32Array | Float64Array;

const QKV_PART = /^blocks\.(\d+)\.attn\.([qkv])\.(weight|bias)$/;
const GATE = /^blocks\.(\d+)\.mlp\.gate\.(\d+)\.(w_gate|w_gate_T)$/;

function floats(t: Tensor, name: string): FloatValues {
  if (t.data instanceof Float32Array || t.data instanceof Float64Array) return t.data;
  throw new UserError(`weights: tensor ${name} must be float (f32/f64), got ${t.dtype}`);
}

function source(sd: TensorMap, name: string, forWhat: string): Tensor {
  const t = sd.get(name);
  if (!t) throw new UserError(`weights: missing ${name} (needed for packed tensor ${forWhat})`);
  return t;
}

function sameNumel(name: string, shape: readonly number[], from: Tensor, fromName: string): void {
  if (numel(shape) !== from.data.length) {
    throw new UserError(`weights: packed tensor ${name} ${shapeStr(shape)} needs ${numel(shape)} values, ${fromName} has ${shapeStr(from.shape)}`);
  }
}

/** Rows [part·rows, (part+1)·rows) of a C-order tensor whose first dim is split in three. */
function thirdOf(data: FloatValues, part: number): FloatValues {
  const n = data.length / 3;
  return data.subarray(part * n, (part + 1) * n);
}

/** [R, C] → [C, R]. */
function transpose(data: FloatValues, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** pos_embed with cls_token added into row 0 (Edge-MoE's folding: the kernel writes token 0 = pos_embed[0]). */
function foldCls(pos: FloatValues, cls: FloatValues): Float64Array {
  const out = Float64Array.from(pos);
  for (let d = 0; d < cls.length; d++) out[d] = out[d]! + cls[d]!;
  return out;
}

/**
 * Patch-embed weight or bias with the input preprocessing folded in, so the hardware can take its byte/256 pixels h:
 * the model sees x_c = (h·256/divisor − mean_c)/std_c, hence w' = w/(std_c·divisor/256), b' = b − Σ_{c,ky,kx} w·mean_c/std_c.
 */
export function foldNormalization(config: Config, w: FloatValues, b: FloatValues, which: 'weight' | 'bias'): Float64Array {
  const [C] = config.model.image;
  const D = config.model.dim;
  const pp = config.model.patch * config.model.patch;
  const { divisor, mean, std } = inputPipeline(config.model);
  if (which === 'weight') {
    const out = new Float64Array(w.length);
    for (let d = 0; d < D; d++)
      for (let c = 0; c < C; c++) {
        // With divisor 256 this is w/std_c exactly (the factor is 1).
        const s = std[c]! * (divisor / HARDWARE_PIXEL_DIVISOR);
        const o = (d * C + c) * pp;
        for (let i = 0; i < pp; i++) out[o + i] = w[o + i]! / s;
      }
    return out;
  }
  const out = Float64Array.from(b);
  for (let d = 0; d < D; d++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      if (mean[c] === 0) continue;
      const o = (d * C + c) * pp;
      let wsum = 0;
      for (let i = 0; i < pp; i++) wsum += w[o + i]!;
      s += (wsum * mean[c]!) / std[c]!;
    }
    out[d] = out[d]! - s;
  }
  return out;
}

/**
 * The float values of packed tensor `name` (shape `shape`, C order), derived from the state dict `sd` per the
 * design's config. Throws a UserError naming the tensor when the state dict cannot provide it.
 */
export function deriveTensor(config: Config, sd: TensorMap, name: string, shape: readonly number[]): FloatValues {
  const m = config.model;
  if (name === GATE_ZERO_BIAS) return new Float64Array(numel(shape)); // hardware.gate = 'unified': the gate has no bias
  const qkv = QKV_PART.exec(name);
  if (qkv) {
    const [, blk, part, kind] = qkv;
    const srcName = `blocks.${blk}.attn.qkv.${kind}`;
    const src = source(sd, srcName, name);
    const v = thirdOf(floats(src, srcName), 'qkv'.indexOf(part!));
    if (v.length !== numel(shape)) throw new UserError(`weights: packed tensor ${name} ${shapeStr(shape)} needs ${numel(shape)} values, a third of ${srcName} ${shapeStr(src.shape)} has ${v.length}`);
    return v;
  }
  const gate = GATE.exec(name);
  if (gate) {
    const srcName = `blocks.${gate[1]}.mlp.gate.${gate[2]}.w_gate`;
    const src = source(sd, srcName, name);
    sameNumel(name, shape, src, srcName);
    const [D, E] = [m.dim, m.moe.experts];
    // Gates are stored input-major [D, E]; a packed [E, D] shape means transposed (always, even when D = E).
    const wantsTranspose = gate[3] === 'w_gate_T' || (shape.length === 2 && shape[0] === E && shape[1] === D);
    return wantsTranspose ? transpose(floats(src, srcName), D, E) : floats(src, srcName);
  }
  if (name === 'pos_embed' && m.cls === 'folded') {
    const pos = source(sd, 'pos_embed', name);
    const cls = source(sd, 'cls_token', name);
    sameNumel(name, shape, pos, 'pos_embed');
    return foldCls(floats(pos, 'pos_embed'), floats(cls, 'cls_token'));
  }
  if ((name === 'patch_embed.proj.weight' || name === 'patch_embed.proj.bias') && !inputPipeline(m).identity) {
    const w = source(sd, 'patch_embed.proj.weight', name);
    const b = source(sd, 'patch_embed.proj.bias', name);
    const which = name.endsWith('weight') ? 'weight' : 'bias';
    sameNumel(name, shape, which === 'weight' ? w : b, name);
    return foldNormalization(config, floats(w, 'patch_embed.proj.weight'), floats(b, 'patch_embed.proj.bias'), which);
  }
  const t = sd.get(name);
  if (!t) throw new UserError(`design.json lists packed tensor '${name}', which is neither a state-dict tensor nor one pack knows how to derive (qkv parts, transposed gates, folded pos_embed/patch_embed)`);
  sameNumel(name, shape, t, name);
  return floats(t, name);
}
