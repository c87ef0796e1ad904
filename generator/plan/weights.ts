// The packed weight tensors of the weights region: names, shapes, element types, layouts and offsets.
import { describeInput, inputPipeline } from '../config/input.ts';
import type { Config, FixedType, PrecisionClass } from '../config/schema.ts';
import { cppType, frac } from '../fixed.ts';
import { numel } from '../tensor.ts';
import { moeBlockIndices } from '../model/stats.ts';
import type { PlanSizes, PlanTypes, PlanWeight } from './types.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  cls: PrecisionClass;
  layout: string;
  block: number | null;
}

/** The packed tensors in weights-region order (without offsets). */
export function weightSpecs(c: Config, s: PlanSizes): WeightSpec[] {
  const D = s.dim;
  const E = s.experts;
  const EH = s.expertHidden;
  const HD = s.mlpHidden;
  const K = s.inCh * s.patch * s.patch;
  const moe = new Set(moeBlockIndices(c.model));
  const out: WeightSpec[] = [];
  const add = (name: string, shape: number[], cls: PrecisionClass, layout: string, block: number | null = null) =>
    out.push({ name, shape, cls, layout, block });
  const norm = inputPipeline(c.model).identity ? '' : `; input preprocessing folded in (${describeInput(c.model)}: w/(std_c·${c.model.pixelDivisor}/256), b − Σ w·mean_c/std_c)`;
  add('patch_embed.proj.weight', [D, K], 'patchWeight', `[D][C·p·p], each row flattened (c, ky, kx) (proj.weight [D,C,p,p] in C order)${norm}`);
  add('patch_embed.proj.bias', [D], 'bias', `[D]${norm}`);
  const cls = c.model.cls === 'folded' ? '; cls_token added into row 0 (folded)' : '; row 0 is the cls position (cls_token separate)';
  add('pos_embed', [s.tokens, D], 'activation', `[N][D] (pos_embed [1,N,D] squeezed)${cls}`);
  if (c.model.cls === 'token') add('cls_token', [D], 'activation', '[D] (cls_token [1,1,D] squeezed)');
  const qkvNote = (part: number, what: 'weight' | 'bias') =>
    what === 'weight'
      ? `[out][in] = rows [${part * D}, ${(part + 1) * D}) of attn.qkv.weight [3D][D]`
      : c.model.qkvBias
        ? `[D] = entries [${part * D}, ${(part + 1) * D}) of attn.qkv.bias [3D]`
        : '[D] zeros (model.qkvBias is false: attn.qkv has no bias)';
  for (let i = 0; i < s.depth; i++) {
    const b = `blocks.${i}.`;
    add(`${b}norm1.weight`, [D], 'bias', '[D]', i);
    add(`${b}norm1.bias`, [D], 'bias', '[D]', i);
    ['q', 'k', 'v'].forEach((p, part) => {
      add(`${b}attn.${p}.weight`, [D, D], 'linearWeight', qkvNote(part, 'weight'), i);
      add(`${b}attn.${p}.bias`, [D], 'attnBias', qkvNote(part, 'bias'), i);
    });
    add(`${b}attn.proj.weight`, [D, D], 'linearWeight', '[out][in] (PyTorch Linear)', i);
    add(`${b}attn.proj.bias`, [D], 'attnBias', '[D]', i);
    add(`${b}norm2.weight`, [D], 'bias', '[D]', i);
    add(`${b}norm2.bias`, [D], 'bias', '[D]', i);
    if (moe.has(i)) {
      add(`${b}mlp.experts.htoh4.weight`, [E, EH, D], 'linearWeight', '[E][H][D]: expert e is a PyTorch [out][in] matrix (FastMoE layout)', i);
      add(`${b}mlp.experts.htoh4.bias`, [E, EH], 'bias', '[E][H]', i);
      add(`${b}mlp.experts.h4toh.weight`, [E, D, EH], 'linearWeight', '[E][D][H]: expert e is a PyTorch [out][in] matrix (FastMoE layout)', i);
      add(`${b}mlp.experts.h4toh.bias`, [E, D], 'bias', '[E][D]', i);
      for (let t = 0; t < s.tasks; t++)
        add(`${b}mlp.gate.${t}.w_gate`, [E, D], 'linearWeight', `TRANSPOSED: [E][D] = w_gate [D][E] transposed (task ${t}: ${c.model.tasks[t]})`, i);
    } else {
      add(`${b}mlp.fc1.weight`, [HD, D], 'linearWeight', '[out][in] (PyTorch Linear)', i);
      add(`${b}mlp.fc1.bias`, [HD], 'bias', '[Hd]', i);
      add(`${b}mlp.fc2.weight`, [D, HD], 'linearWeight', '[out][in] (PyTorch Linear)', i);
      add(`${b}mlp.fc2.bias`, [D], 'bias', '[D]', i);
    }
  }
  return out;
}

/** The packed tensors with word-aligned offsets from the start of the weights region. */
export function layoutWeights(specs: WeightSpec[], types: PlanTypes, axiBits: number, own?: { types: FixedType[]; shifts: number[] }): PlanWeight[] {
  const wordBytes = axiBits / 8;
  let word = 0;
  return specs.map((w, k) => {
    const t = types[w.cls];
    const ft = own?.types[k];
    const ownWords = Math.ceil(numel(w.shape) / t.lanes);
    // Per-channel scales: one 16-bit entry per row, in the words right after the tensor's own.
    const rows = numel(w.shape) / w.shape[w.shape.length - 1]!;
    const scale = t.scale ? { rows, wordOffset: ownWords, words: Math.ceil(rows / t.scale.lanes), scaleBits: t.scale.scaleBits, scaleShift: t.scale.scaleShift } : undefined;
    const words = ownWords + (scale?.words ?? 0);
    const pw: PlanWeight = {
      name: w.name,
      offset: word * wordBytes,
      wordOffset: word,
      bytes: words * wordBytes,
      words,
      cls: w.cls,
      typeName: t.name,
      ctype: ft ? cppType(ft) : t.cpp,
      I: ft ? ft.I : t.I,
      shift: own?.shifts[k] ?? 0,
      elemBytes: t.containerBits / 8,
      frac: ft ? frac(ft) : t.frac,
      signed: t.signed,
      shape: w.shape,
      layout: `${w.layout}; C order, ${t.containerBits}-bit containers, ${t.lanes} per ${axiBits}-bit word, little-end first, word-aligned${scale ? `; then ${rows} 16-bit row scales (shift byte, mantissa byte)` : ''}`,
      block: w.block,
      ...(scale ? { scale } : {}),
    };
    word += words;
    return pw;
  });
}
