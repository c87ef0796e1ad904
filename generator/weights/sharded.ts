// FastMoE expert-parallel checkpoints: a directory of {rank}.pth files, experts split along dim 0 by rank.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { numel, shapeStr, type Tensor, type TensorMap } from '../tensor.ts';
import { loadPth, type LoadedWeights } from './checkpoint.ts';
import { isExpertTensor } from './expected.ts';
import { fsErrorReason } from '../io/files.ts';

/** The rank files of a sharded checkpoint directory, in rank order (0..n-1, none missing). */
export function rankFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UserError(`cannot read directory ${dir}: ${fsErrorReason(e)}`);
  }
  const ranks = names
    .map((n) => /^(\d+)\.pth$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (ranks.length === 0) throw new UserError(`${dir}: not a sharded checkpoint directory (no {rank}.pth files such as 0.pth)`);
  const missing: number[] = [];
  for (let r = 0, i = 0; r <= ranks[ranks.length - 1]!; r++) {
    if (ranks[i] === r) i++;
    else missing.push(r);
  }
  if (missing.length) throw new UserError(`${dir}: sharded checkpoint is missing rank file${missing.length === 1 ? '' : 's'} ${missing.map((r) => `${r}.pth`).join(', ')} (found ${ranks.map((r) => `${r}.pth`).join(', ')})`);
  return ranks.map((r) => join(dir, `${r}.pth`));
}

/** Concatenates same-shaped tensors along dim 0. */
function concatDim0(parts: Tensor[]): Tensor {
  const first = parts[0]!;
  const data = first.data.constructor as new (n: number) => Tensor['data'];
  const out = new data(parts.reduce((a, p) => a + p.data.length, 0));
  let off = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, off);
    off += p.data.length;
  }
  return { dtype: first.dtype, shape: [first.shape[0]! * parts.length, ...first.shape.slice(1)], data: out };
}

/** Loads a sharded directory: non-expert tensors from rank 0, expert tensors concatenated in rank order. */
export function loadSharded(dir: string): LoadedWeights {
  const files = rankFiles(dir);
  const shards = files.map((f) => loadPth(f));
  const base = shards[0]!;
  const notes = base.notes.map((n) => `0.pth: ${n}`);
  const expertNames = [...base.tensors.keys()].filter(isExpertTensor);
  if (files.length > 1 && expertNames.length === 0) throw new UserError(`${files[0]}: rank 0 holds no mlp.experts.* tensors, so the other ranks cannot be merged`);
  const tensors: TensorMap = new Map();
  let ignored = 0;
  for (let r = 1; r < shards.length; r++) {
    const got = shards[r]!.tensors;
    const missing = expertNames.filter((n) => !got.has(n));
    if (missing.length) throw new UserError(`${files[r]}: rank ${r} lacks expert tensor${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that rank 0 has`);
    for (const [name, t] of got) {
      if (!isExpertTensor(name)) {
        ignored++;
        continue;
      }
      const t0 = base.tensors.get(name);
      if (!t0) throw new UserError(`${files[r]}: expert tensor '${name}' is not in rank 0 (${files[0]})`);
      if (t.dtype !== t0.dtype || t.shape.length !== t0.shape.length || t.shape.some((d, i) => d !== t0.shape[i])) {
        throw new UserError(`${files[r]}: expert tensor '${name}' is ${t.dtype} ${shapeStr(t.shape)}, but rank 0 has ${t0.dtype} ${shapeStr(t0.shape)} (every rank must hold the same number of experts)`);
      }
    }
  }
  for (const [name, t] of base.tensors) {
    if (!isExpertTensor(name) || shards.length === 1) tensors.set(name, t);
    else if (t.shape.length === 0 || numel(t.shape) === 0) throw new UserError(`${files[0]}: expert tensor '${name}' has shape ${shapeStr(t.shape)}; cannot concatenate along dim 0`);
    else tensors.set(name, concatDim0(shards.map((s) => s.tensors.get(name)!)));
  }
  if (shards.length > 1) {
    const e0 = base.tensors.get(expertNames[0]!)!.shape[0]!;
    notes.push(`merged ${shards.length} expert shards (${e0} experts per rank → ${e0 * shards.length})`);
  }
  if (ignored) notes.push(`ignored ${ignored} non-expert tensor${ignored === 1 ? '' : 's'} in ranks ≥ 1 (rank 0's are used)`);
  return { tensors, notes };
}
