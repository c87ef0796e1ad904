// From a .pth object tree to backbone tensors: find the state dict, strip wrapper prefixes, drop heads/TAM.
import { UserError } from '../errors.ts';
import type { Tensor, TensorMap } from '../tensor.ts';
import { openPth, PthTensor } from './pth.ts';

/** Tensors plus human-readable notes on what the loader did (wrappers, prefixes, dropped keys). */
export interface LoadedWeights {
  tensors: TensorMap;
  notes: string[];
}

/** Wrapper keys tried in order when the top level is not itself a state dict. */
const WRAPPERS = ['state_dict', 'model', 'backbone'] as const;
/** Task-head and training-only modules M³ViT keeps next to the backbone (after the `module.` wrapper prefix). */
const DROPPED = /^(decoders\.|tam_model)/;

const hasTensors = (v: unknown): v is Map<unknown, unknown> => v instanceof Map && [...v.values()].some((x) => x instanceof PthTensor);

/** Picks the state dict out of a checkpoint object (top level, or a state_dict/model/backbone wrapper). */
function findStateDict(top: unknown, path: string, notes: string[]): Map<unknown, unknown> {
  if (hasTensors(top)) return top;
  if (top instanceof Map) {
    for (const w of WRAPPERS) {
      const v = top.get(w);
      if (hasTensors(v)) {
        notes.push(`using the '${w}' entry of the checkpoint`);
        return v;
      }
    }
    const keys = [...top.keys()].map(String).join(', ');
    throw new UserError(`${path}: no state dict found (top-level keys: ${keys || 'none'}; expected tensors at the top level or under ${WRAPPERS.join('/')})`);
  }
  throw new UserError(`${path}: no state dict found (the checkpoint holds a ${top === null ? 'None' : typeof top}, not a dict of tensors)`);
}

/** Backbone names from raw state-dict keys: `module.` / `backbone.` stripped, decoder/TAM keys dropped (counted in notes). */
export function normalizeNames<T>(entries: Iterable<[string, T]>, source: string, notes: string[]): Map<string, T> {
  const out = new Map<string, T>();
  const stripped = new Map<string, number>();
  let dropped = 0;
  for (const [key, value] of entries) {
    let name = key;
    let prefix = '';
    if (name.startsWith('module.')) [name, prefix] = [name.slice(7), 'module.'];
    if (DROPPED.test(name)) {
      dropped++;
      continue;
    }
    if (name.startsWith('backbone.')) [name, prefix] = [name.slice(9), `${prefix}backbone.`];
    if (prefix) stripped.set(prefix, (stripped.get(prefix) ?? 0) + 1);
    if (out.has(name)) throw new UserError(`${source}: two keys map to tensor '${name}' after stripping prefixes (one is '${key}')`);
    out.set(name, value);
  }
  for (const [p, n] of stripped) notes.push(`stripped prefix '${p}' from ${n} key${n === 1 ? '' : 's'}`);
  if (dropped) notes.push(`dropped ${dropped} decoder/TAM tensor${dropped === 1 ? '' : 's'} (decoders.*, tam_model*)`);
  return out;
}

/** Loads the backbone tensors of one .pth/.pt/.pth.tar file (zip format). */
export function loadPth(path: string): LoadedWeights {
  const archive = openPth(path);
  const notes: string[] = [];
  const sd = findStateDict(archive.object, path, notes);
  const raw: Array<[string, PthTensor]> = [];
  let skipped = 0;
  for (const [k, v] of sd) {
    if (typeof k === 'string' && v instanceof PthTensor) raw.push([k, v]);
    else skipped++;
  }
  if (skipped) notes.push(`ignored ${skipped} non-tensor entr${skipped === 1 ? 'y' : 'ies'} of the state dict`);
  const tensors = new Map<string, Tensor>();
  for (const [name, ref] of normalizeNames(raw, path, notes)) tensors.set(name, ref.materialize(name));
  return { tensors, notes };
}
