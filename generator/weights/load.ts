// loadWeights: one entry point for every supported weights source.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { TensorMap } from '../tensor.ts';
import { loadPth, normalizeNames, type LoadedWeights } from './checkpoint.ts';
import { readSafetensorsFile } from './safetensors.ts';
import { loadSharded } from './sharded.ts';

export type { LoadedWeights };

/** The first bytes of a file (fewer if it is shorter). */
function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

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
  const h = head(path, 2);
  return h[0] === 0x50 && h[1] === 0x4b ? loadPth(path) : loadSafetensorsWeights(path);
}

/** A safetensors file's tensors, with the same prefix stripping as checkpoints. */
function loadSafetensorsWeights(path: string): LoadedWeights {
  const notes: string[] = [];
  const { tensors } = readSafetensorsFile(path);
  const named: TensorMap = normalizeNames(tensors, path, notes);
  return { tensors: named, notes };
}
