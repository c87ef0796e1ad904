// loadWeights: one entry point for every supported weights source.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../errors.ts';
import type { TensorMap } from '../tensor.ts';
import { loadPth, normalizeNames, type LoadedWeights } from './checkpoint.ts';
import { readSafetensorsFile } from './safetensors.ts';
import { loadSharded } from './sharded.ts';
import { fsErrorReason, readHead } from '../io/files.ts';

export type { LoadedWeights };

/** What a weights source must be, for error messages. */
const EXPECTED = 'expected a .safetensors file, a PyTorch checkpoint (.pth/.pt/.tar/.bin, a zip) or a FastMoE sharded checkpoint dir';

const startsWith = (h: Uint8Array, magic: readonly number[]) => h.length >= magic.length && magic.every((b, i) => h[i] === b);

/** What a file that cannot be backbone weights is (by its magic bytes or a pack sidecar); undefined when it may be. */
export function notWeightsKind(path: string, head: Uint8Array): string | undefined {
  if (existsSync(`${path}.meta.json`)) return `a packed weights image from \`edgemoe pack\` (${basename(path)}.meta.json is beside it)`;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'a PNG image';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'a NumPy .npy array';
  if (startsWith(head, [0x50, 0x4b]) && path.toLowerCase().endsWith('.npz')) return 'a NumPy .npz archive';
  // A safetensors header length is far below 2^56, so its 8th byte is 0; text (JSON, config files) never has a 0 there.
  if (head.length >= 8 && (head[0] === 0x7b || head[0] === 0x5b) && head[7] !== 0) return 'a JSON/text file';
  return undefined;
}

/** Loads backbone weights from .safetensors, a torch zip checkpoint (.pth/.pt/.tar/.bin) or a FastMoE sharded dir. */
export function loadWeights(path: string): LoadedWeights {
  let isDir: boolean;
  let h: Uint8Array;
  try {
    isDir = statSync(path).isDirectory();
    h = isDir ? new Uint8Array() : readHead(path, 8);
  } catch (e) {
    throw new UserError(`cannot read weights ${path}: ${fsErrorReason(e)}`);
  }
  if (isDir) return loadSharded(path);
  const wrong = notWeightsKind(path, h);
  if (wrong) {
    const packed = wrong.startsWith('a packed') ? '; give the .safetensors/.pth it was packed from (only `edgemoe run` takes a packed image)' : '';
    throw new UserError(`weights ${path} is ${wrong}, not backbone weights: ${EXPECTED}${packed}`);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.safetensors')) return loadSafetensorsWeights(path);
  if (/\.(pth|pt|tar|bin|ckpt)$/.test(lower)) return loadPth(path);
  // Unknown extension: sniff (a zip is a torch checkpoint, anything else is tried as safetensors).
  return h[0] === 0x50 && h[1] === 0x4b ? loadPth(path) : loadSafetensorsWeights(path);
}

/** A safetensors file's tensors, with the same prefix stripping as checkpoints. */
function loadSafetensorsWeights(path: string): LoadedWeights {
  const notes: string[] = [];
  const { tensors } = readSafetensorsFile(path);
  const named: TensorMap = normalizeNames(tensors, path, notes);
  return { tensors: named, notes };
}
