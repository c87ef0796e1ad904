// The packed weight tensors of the weights region: names, shapes, element types, layouts and offsets.
import { describeInput, inputPipeline } from '../config/input.ts';
import { gateUnified, patchUnified, type Config, type FixedType, type PrecisionClass } from '../config/schema.ts';
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
  /** Loaded by the linear unit's weight loader (load_linear_weights): its rows alternate over the weight ports. */
  linear?: boolean;
}

/** The zero bias of the gate on the unified linear unit (hardware.gate = 'unified'): no state-dict tensor, pack writes
 *  zeros. */
export const GATE_ZERO_BIAS = 'gate_zero_bias';

/** The packed tensors in weights-region order (without offsets). */
export function weightSpecs(c: Config, s: PlanSizes): WeightSpec[] {
  const D = s.dim;
  const E = s.experts;
  const EH = s.expertHidden;
  const HD = s.mlpHidden;
  const K = s.inCh * s.patch * s.patch;
  const moe = new Set(moeBlockIndices(c.model));
  const out: WeightSpec[] = [];
  const add = (name: string, shape: number[], cls: PrecisionClass, layout: string, block: number | null = null, linear = false) =>
    out.push({ name, shape, cls, layout, block, ...(linear ? { linear } : {}) });
  const norm = inputPipeline(c.model).identity ? '' : `; input preprocessing folded in (${describeInput(c.model)}: w/(std_c·${c.model.pixelDivisor}/256), b − Σ w·mean_c/std_c)`;
  // hardware.patchEmbed = 'unified': a linear-unit matrix (linearWeight format, its rows over the weight ports).
  if (patchUnified(c)) add('patch_embed.proj.weight', [D, K], 'linearWeight', `[D][C·p·p] = [out][in] of the unified linear unit, each row flattened (c, ky, kx) (proj.weight [D,C,p,p] in C order)${norm}`, null, true);
  else add('patch_embed.proj.weight', [D, K], 'patchWeight', `[D][C·p·p], each row flattened (c, ky, kx) (proj.weight [D,C,p,p] in C order)${norm}`);
  add('patch_embed.proj.bias', [D], 'bias', `[D]${norm}`);
  const cls = c.model.cls === 'folded' ? '; cls_token added into row 0 (folded)' : '; row 0 is the cls position (cls_token separate)';
  add('pos_embed', [s.tokens, D], 'activation', `[N][D] (pos_embed [1,N,D] squeezed)${cls}`);
  if (c.model.cls === 'token') add('cls_token', [D], 'activation', '[D] (cls_token [1,1,D] squeezed)');
  // hardware.gate = 'unified': the gate has no bias, but the unit starts every sum at one (load_linear_bias).
  const gateOnUnit = gateUnified(c);
  if (gateOnUnit) add(GATE_ZERO_BIAS, [E], 'bias', '[E] zeros: the MoE gate has no bias; the unified linear unit starts its logit sums at this one (hardware.gate unified)');
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
      add(`${b}attn.${p}.weight`, [D, D], 'linearWeight', qkvNote(part, 'weight'), i, true);
      add(`${b}attn.${p}.bias`, [D], 'attnBias', qkvNote(part, 'bias'), i);
    });
    add(`${b}attn.proj.weight`, [D, D], 'linearWeight', '[out][in] (PyTorch Linear)', i, true);
    add(`${b}attn.proj.bias`, [D], 'attnBias', '[D]', i);
    add(`${b}norm2.weight`, [D], 'bias', '[D]', i);
    add(`${b}norm2.bias`, [D], 'bias', '[D]', i);
    if (moe.has(i)) {
      add(`${b}mlp.experts.htoh4.weight`, [E, EH, D], 'linearWeight', '[E][H][D]: expert e is a PyTorch [out][in] matrix (FastMoE layout)', i, true);
      add(`${b}mlp.experts.htoh4.bias`, [E, EH], 'bias', '[E][H]', i);
      add(`${b}mlp.experts.h4toh.weight`, [E, D, EH], 'linearWeight', '[E][D][H]: expert e is a PyTorch [out][in] matrix (FastMoE layout)', i, true);
      add(`${b}mlp.experts.h4toh.bias`, [E, D], 'bias', '[E][D]', i);
      for (let t = 0; t < s.tasks; t++)
        add(`${b}mlp.gate.${t}.w_gate`, [E, D], 'linearWeight', `TRANSPOSED: [E][D] = w_gate [D][E] transposed (task ${t}: ${c.model.tasks[t]})${gateOnUnit ? '; [out][in] of the unified linear unit' : ''}`, i, gateOnUnit);
    } else {
      add(`${b}mlp.fc1.weight`, [HD, D], 'linearWeight', '[out][in] (PyTorch Linear)', i, true);
      add(`${b}mlp.fc1.bias`, [HD], 'bias', '[Hd]', i);
      add(`${b}mlp.fc2.weight`, [D, HD], 'linearWeight', '[out][in] (PyTorch Linear)', i, true);
      add(`${b}mlp.fc2.bias`, [D], 'bias', '[D]', i);
    }
  }
  return out;
}

/**
 * The packed tensors with word-aligned offsets from the start of the weights region. With `ports` > 1 (hardware.
 * weightPorts) the rows of each linear-loader tensor alternate over the weight regions: row r is row ⌊r/ports⌋ of
 * part r mod ports, and every part sits at the tensor's own offset of its region (weights, weights1, …); the weights
 * region holds part 0 and then the scale table, the other regions only their parts (they are blank where the weights
 * region holds an unsplit tensor).
 */
export function layoutWeights(specs: WeightSpec[], types: PlanTypes, axiBits: number, own?: { types: FixedType[]; shifts: number[] }, ports = 1): PlanWeight[] {
  const wordBytes = axiBits / 8;
  let word = 0;
  return specs.map((w, k) => {
    const t = types[w.cls];
    const ft = own?.types[k];
    const rows = numel(w.shape) / w.shape[w.shape.length - 1]!;
    const split = ports > 1 && w.linear === true;
    const allWords = Math.ceil(numel(w.shape) / t.lanes);
    if (split && (rows % ports !== 0 || allWords % ports !== 0)) throw new Error(`plan: ${w.name} (${rows} rows, ${allWords} words) does not split over ${ports} weight ports`);
    const ownWords = split ? allWords / ports : allWords;
    // Per-channel scales: one 16-bit entry per row, in the words right after the tensor's own (part 0's when split).
    const scale = t.scale ? { rows, wordOffset: ownWords, words: Math.ceil(rows / t.scale.lanes), scaleBits: t.scale.scaleBits, scaleShift: t.scale.scaleShift } : undefined;
    const words = ownWords + (scale?.words ?? 0);
    const splitNote = split ? `; rows alternate over the ${ports} weight regions (row r is row r/${ports} of region r mod ${ports}, each part at this offset, ${ownWords} words)` : '';
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
      layout: `${w.layout}; C order, ${t.containerBits}-bit containers, ${t.lanes} per ${axiBits}-bit word, little-end first, word-aligned${splitNote}${scale ? `; then ${rows} 16-bit row scales (shift byte, mantissa byte)` : ''}`,
      block: w.block,
      ...(split ? { ports, partWords: ownWords } : {}),
      ...(scale ? { scale } : {}),
    };
    word += words;
    return pw;
  });
}
