// loadWeights: one entry point for every supported weights source.
import { statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { TensorMap } from '../tensor.ts';
import { loadPth, normalizeNames, type LoadedWeights } from './checkpoint.ts';
import { readSafetensorsFile } from './safetensors.ts';
import { loadSharded } from './sharded.ts';
import { readHead } from '../io/files.ts';

export type { LoadedWeights };

/** Loads backbone weights from .safetensors, a torch zip checkpoint (.pth/.pt/.tar/.bin) or a FastMoE sharded dir. */
export function loadWeights(path: string): LoadedWeights {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new UserError(`cannot read weights ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (isDir) return loadSharded(path);
  const lower = path.toLowerCase();
  if (lower.endsWith('.safetensors')) return loadSafetensorsWeights(path);
  if (/\.(pth|pt|tar|bin|ckpt)$/.test(lower)) return loadPth(path);
  // Unknown extension: sniff (a zip is a torch checkpoint, anything else is tried as safetensors).
  const h = readHead(path, 2);
  return h[0] === 0x50 && h[1] === 0x4b ? loadPth(path) : loadSafetensorsWeights(path);
}

/** A safetensors file's tensors, with the same prefix stripping as checkpoints. */
function loadSafetensorsWeights(path: string): LoadedWeights {
  const notes: string[] = [];
  const { tensors } = readSafetensorsFile(path);
  const named: TensorMap = normalizeNames(tensors, path, notes);
  return { tensors: named, notes };
}
