// The packed weights image a run writes into the weights region: a packed file (`edgemoe pack` output) used as is,
// or a weights source (.safetensors, .pth, sharded dir) packed in memory for the design.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../generator/errors.ts';
import { readDesign, weightsImageBytes } from '../generator/emit/design.ts';
import { sha256 } from '../generator/emit/hash.ts';
import { layoutHash, loadStateDict, packImage, PACK_META_FORMAT, type PackMeta } from '../generator/pack/pack.ts';
import { checkWeights } from '../generator/weights/check.ts';
import type { HostDesign } from './design.ts';
import { nonUtf8Note, readHead } from '../generator/io/files.ts';
import { notWeightsKind } from '../generator/weights/load.ts';

/** A weights image ready for the weights region. */
export interface PackedWeights {
  bytes: Uint8Array;
  /** sha256 of bytes: the accelerator rewrites weights (and sets reload) only when this changes. */
  hash: string;
  /** How it was obtained, for messages. */
  origin: string;
  /** The packed image file the bytes were read from, as it was then (a source packed in memory has none). */
  file?: PackedFile;
}

/** A packed weights file as read: another process may read it again, if it is still the same file. */
export interface PackedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** True for a weights source that must be packed (sharded dir, torch zip, safetensors); false for a packed image. */
export function isWeightsSource(path: string): boolean {
  const st = statSync(path);
  if (st.isDirectory()) return true;
  const h = readHead(path, 9);
  if (h[0] === 0x50 && h[1] === 0x4b) return true; // zip: a torch checkpoint
  if (h.length === 9 && h[8] === 0x7b) {
    // safetensors: u64 header length, then the JSON header
    const n = new DataView(h.buffer, h.byteOffset).getBigUint64(0, true);
    return n > 0n && 8n + n <= BigInt(st.size);
  }
  return false;
}

/** Loads `path` as the design's packed weights (packing a source in memory); mismatches are UserErrors. */
export function loadPackedWeights(design: HostDesign, path: string): PackedWeights {
  const m = design.manifest;
  const imageBytes = weightsImageBytes(m);
  if (!existsSync(path)) throw new UserError(`cannot read weights ${path}: no such file${nonUtf8Note(path)}`);
  if (isWeightsSource(path)) {
    const full = readDesign(design.dir);
    const sd = loadStateDict(path);
    checkWeights(full.config, sd, `weights ${path}`);
    const bytes = packImage(full.config, m, sd).bytes;
    return { bytes, hash: sha256(bytes), origin: `${path} (packed for ${m.name})` };
  }
  const kind = notWeightsKind(path, readHead(path, 16));
  if (kind && !kind.startsWith('a packed weights image')) throw new UserError(`weights ${path}: this is ${kind}, not weights (expected a packed weights image, .safetensors, .pth or a sharded checkpoint dir)`);
  const st = statSync(path);
  const file: PackedFile = { path: resolve(path), size: st.size, mtimeMs: st.mtimeMs };
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length !== imageBytes) {
    const what = m.weights.parts ? `${imageBytes} bytes of weights in ${m.weights.parts.length} weight regions` : `a ${imageBytes}-byte weights region`;
    throw new UserError(`weights ${path}: ${bytes.length} bytes, but design '${m.name}' has ${what} (a packed image for another design? pass a .safetensors/.pth to pack it, or run \`edgemoe pack\`)`);
  }
  const metaPath = `${path}.meta.json`;
  if (existsSync(metaPath)) {
    let meta: Partial<PackMeta>;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Partial<PackMeta>;
    } catch {
      throw new UserError(`${metaPath}: not valid JSON`);
    }
    if (meta.format !== PACK_META_FORMAT) throw new UserError(`${metaPath}: unknown format '${String(meta.format)}'`);
    if (meta.layoutHash !== layoutHash(m) || meta.configHash !== m.configHash) {
      throw new UserError(`weights ${path} were packed for a different design layout than '${m.name}' (${metaPath} disagrees with design.json); re-run \`edgemoe pack\``);
    }
    const hash = sha256(bytes);
    if (meta.imageSha256 !== undefined && meta.imageSha256 !== hash) {
      throw new UserError(`weights ${path} changed after it was packed (its sha256 differs from ${metaPath}); re-run \`edgemoe pack\``);
    }
    return { bytes, hash, origin: path, file };
  }
  return { bytes, hash: sha256(bytes), origin: path, file };
}
