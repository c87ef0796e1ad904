// NumPy .npz archives: read (stored or deflated members) and write (stored, fixed timestamps, deterministic).
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { UserError } from '../errors.ts';
import type { TensorMap } from '../tensor.ts';
import { readFileOrThrow, writeFileAtomic } from './files.ts';
import { encodeNpy, parseNpy } from './npy.ts';

/** Decodes .npz bytes into tensors keyed by member name without `.npy`, in archive order. */
export function parseNpz(bytes: Uint8Array, name: string): TensorMap {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new UserError(`${name}: not an .npz file (no zip signature)`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new UserError(`${name}: corrupt or truncated .npz archive (${(e as Error).message})`);
  }
  const out: TensorMap = new Map();
  for (const [member, data] of Object.entries(files)) {
    if (member.endsWith('/')) continue;
    const key = member.endsWith('.npy') ? member.slice(0, -4) : member;
    out.set(key, parseNpy(data, `${name}:${member}`));
  }
  return out;
}

/** Reads an .npz file. */
export function readNpz(path: string): TensorMap {
  return parseNpz(readFileOrThrow(path, '.npz'), path);
}

// 1980-01-01 00:00 in local time: the DOS epoch numpy's zipfile uses; local because fflate encodes local fields.
// With os 3 (Unix) and mode 0644 the archive matches numpy.savez byte for byte.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Encodes tensors as .npz bytes: members `<key>.npy`, stored, in map order, with a fixed timestamp. */
export function encodeNpz(tensors: TensorMap): Uint8Array {
  const z: Zippable = {};
  for (const [key, t] of tensors) z[`${key}.npy`] = [encodeNpy(t), { level: 0, mtime: FIXED_MTIME, os: 3, attrs: 0o644 << 16 }];
  return zipSync(z, { level: 0, mtime: FIXED_MTIME });
}

/** Writes tensors as an .npz file (atomically). */
export function writeNpz(path: string, tensors: TensorMap): void {
  writeFileAtomic(path, encodeNpz(tensors));
}
