// `edgemoe pack`: the packed weights image of a design — every manifest tensor derived, quantized and laid out.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Config, FixedType } from '../config/schema.ts';
import { findRegion, weightParts, weightsImageBytes, type Design } from '../emit/design.ts';
import { canonicalJson, sha256 } from '../emit/hash.ts';
import { filesSha256Memo } from '../emit/hash-memo.ts';
import { UserError } from '../errors.ts';
import type { DesignManifest, PackedTensor } from '../manifest.ts';
import { numel, shapeStr, type TensorMap } from '../tensor.ts';
import { isStreamTarget, writeFileAtomic } from '../io/files.ts';
import { checkWeights } from '../weights/check.ts';
import { loadWeights } from '../weights/load.ts';
import { listFiles } from '../emit/write-dir.ts';
import { parseCppType } from './ctype.ts';
import { deriveTensor } from './derive.ts';
import type { LayerHessian } from './calibrate.ts';
import { calibrate, type Calibration } from './calibration-set.ts';
import { gptqFactor, gptqRow } from './gptq.ts';
import { containerView, quantizeInto, type QuantizeStats, type RawContainer } from './quantize.ts';

/** Sidecar format next to the packed image, recording what it was packed from. */
export const PACK_META_FORMAT = 'edgemoe-packed-weights/1';

/** One packed tensor's quantization outcome. */
export interface PackedTensorReport extends QuantizeStats {
  name: string;
  shape: number[];
  ctype: string;
  values: number;
  /** Largest magnitude the type can hold. */
  typeMax: number;
}

/** The packed weights image and what packing found. */
export interface PackedImage {
  bytes: Uint8Array;
  tensors: PackedTensorReport[];
}

/** What `<file>.meta.json` records. */
export interface PackMeta {
  format: typeof PACK_META_FORMAT;
  configHash: string;
  layoutHash: string;
  source: string;
  sourceSha256: string;
  bytes: number;
  /** sha256 of the packed image itself (older metas lack it): a file changed or cut after packing is detected. */
  imageSha256?: string;
  /** GPTQ rounding of the per-channel weights: the calibration images' names (absent: rounded per the types' modes). */
  calibration?: string[];
}

/** Hash of everything that decides the packed layout (region size and every tensor's placement and type). */
export function layoutHash(m: DesignManifest): string {
  const r = findRegion(m, m.weights.bundle, m.weights.region);
  // Several weight ports: the other parts' regions decide the layout too (absent for one, so its hash is unchanged).
  const parts = m.weights.parts ? { parts: weightParts(m).map((p) => p.region) } : {};
  return sha256(canonicalJson({ region: r, tensors: m.weights.tensors, ...parts }));
}

/** Loads a weights source (.safetensors, .pth checkpoint or FastMoE sharded dir) as a backbone state dict. */
export function loadStateDict(path: string): TensorMap {
  return loadWeights(path).tensors;
}

/** sha256 of a weights source: the file, or every file of a sharded checkpoint dir (names and contents). */
export function weightsSourceHash(path: string): string {
  const abs = resolve(path);
  if (!statSync(abs).isDirectory()) return sha256(readFileSync(abs));
  return sha256(listFiles(abs).map((rel) => `${rel}\0${sha256(readFileSync(join(abs, rel)))}`).join('\n'));
}

function checkPlacement(t: PackedTensor, regionBytes: number, wordBytes: number, partBytes: number[]): void {
  const ports = t.ports ?? 1;
  const rows = numel(t.shape) / (t.shape[t.shape.length - 1] ?? 1);
  if (ports > 1 && (rows % ports !== 0 || partBytes.length !== ports)) throw new UserError(`design.json: tensor ${t.name}: ${rows} rows do not split over ${ports} weight ports (${partBytes.length} weight regions)`);
  const need = (numel(t.shape) * t.elemBytes) / ports;
  for (let k = 1; k < ports; k++) if (t.offset + need > partBytes[k]!) throw new UserError(`design.json: tensor ${t.name}: part ${k} ends at byte ${t.offset + need}, past its weight region (${partBytes[k]} bytes)`);
  if (![1, 2, 4].includes(t.elemBytes)) throw new UserError(`design.json: tensor ${t.name} has element size ${t.elemBytes} (expected 1, 2 or 4)`);
  if (t.offset % wordBytes !== 0) throw new UserError(`design.json: tensor ${t.name} starts at byte ${t.offset}, not on a ${wordBytes}-byte word boundary`);
  if (need > t.bytes) throw new UserError(`design.json: tensor ${t.name} ${shapeStr(t.shape)} needs ${need} bytes, ${t.bytes} reserved`);
  if (t.scale && (t.scale.offset < need || t.scale.offset % 2 !== 0 || t.scale.offset + 2 * t.scale.rows > t.bytes || t.scale.scaleBits > 7 || t.scale.rows * t.shape[t.shape.length - 1]! !== numel(t.shape)))
    throw new UserError(`design.json: tensor ${t.name}: its scale table (${t.scale.rows} rows at byte ${t.scale.offset}, scaleBits ${t.scale.scaleBits}) does not fit its ${t.bytes} bytes after the values, or is not one entry per row`);
  if (t.offset + t.bytes > regionBytes) throw new UserError(`design.json: tensor ${t.name} ends at byte ${t.offset + t.bytes}, past the weights region (${regionBytes} bytes)`);
}

/**
 * Packs a state dict for a design: for every manifest tensor, derive (deriveTensor), quantize to its C++ type with
 * that type's modes, and store in C order, little-endian containers, at its offset. Returns the whole weights region.
 */
export function packImage(config: Config, manifest: DesignManifest, sd: TensorMap, hessians?: ReadonlyMap<string, LayerHessian>): PackedImage {
  if (endianness() !== 'LE') throw new Error('edgemoe pack assumes a little-endian host');
  const region = findRegion(manifest, manifest.weights.bundle, manifest.weights.region);
  const wordBytes = config.hardware.axiBits / 8;
  const parts = weightParts(manifest);
  const buf = new ArrayBuffer(weightsImageBytes(manifest));
  const reports: PackedTensorReport[] = [];
  for (const t of manifest.weights.tensors) {
    checkPlacement(t, region.bytes, wordBytes, parts.map((p) => p.region.bytes));
    const type = parseCppType(t.ctype, `design.json tensor ${t.name}`);
    if (type.W > t.elemBytes * 8) throw new UserError(`design.json: tensor ${t.name} type ${t.ctype} does not fit a ${t.elemBytes}-byte container`);
    if (type.W - type.I !== t.frac || type.signed !== t.signed) throw new UserError(`design.json: tensor ${t.name}: frac/signed (${t.frac}, ${t.signed}) disagree with its type ${t.ctype}`);
    const values = deriveTensor(config, sd, t.name, t.shape);
    // Split over weight ports: quantize in C order into a scratch image, then deal its rows out to the parts.
    const ports = t.ports ?? 1;
    const scratch = ports > 1 ? new ArrayBuffer(values.length * t.elemBytes) : buf;
    const out = containerView(scratch, ports > 1 ? 0 : t.offset, values.length, t.elemBytes, t.signed);
    const stats = t.scale ? quantizeChannels(values, type, out, t, buf, hessians?.get(t.name)) : quantizeInto(values, type, out);
    if (ports > 1) dealRows(new Uint8Array(scratch), new Uint8Array(buf), t, parts.map((p) => p.at));
    const typeMax = 2 ** (type.signed ? type.I - 1 : type.I);
    reports.push({ name: t.name, shape: t.shape, ctype: t.ctype, values: values.length, typeMax, ...stats });
  }
  return { bytes: new Uint8Array(buf), tensors: reports };
}

/** Row r of a split tensor (C-order bytes in `src`) to row ⌊r/ports⌋ of part r mod ports, at the tensor's offset of
 *  that part's region (which starts at byte partAt[k] of the image `dst`). */
function dealRows(src: Uint8Array, dst: Uint8Array, t: PackedTensor, partAt: number[]): void {
  const ports = t.ports!;
  const rowBytes = t.shape[t.shape.length - 1]! * t.elemBytes;
  const rows = src.length / rowBytes;
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * rowBytes, (r + 1) * rowBytes), partAt[r % ports]! + t.offset + Math.floor(r / ports) * rowBytes);
}

/** One row's scale: s = m / 2^M · 2^-sh, the finest (largest sh, then smallest m) whose range holds the row's max. */
export function channelScaleOf(maxAbs: number, type: FixedType, scaleBits: number, scaleShift: number): { sh: number; m: number } {
  const maxRaw = 2 ** (type.signed ? type.W - 1 : type.W) - 1;
  const need = maxAbs / (maxRaw * 2 ** (type.I - type.W)); // smallest s that keeps the max inside the range
  const full = 2 ** scaleBits;
  if (!(need < 1)) return { sh: 0, m: full };
  for (let sh = scaleShift; sh >= 0; sh--) {
    const m = Math.max(1, Math.ceil(need * 2 ** (scaleBits + sh)));
    if (m <= full) return { sh, m };
  }
  return { sh: 0, m: full };
}

/** The value of scale entry (sh, m): m / 2^M · 2^-sh. */
export const channelScaleValue = (sh: number, m: number, scaleBits: number): number => (m / 2 ** scaleBits) * 2 ** -sh;

/** Per-channel quantization: each row of `values` (rows of the last dim) divided by its own scale, then quantized to
 *  `type` with its modes; the 16-bit scale entries (sh | m << 8) go to the tensor's scale table. With calibration
 *  statistics `cal` the rows are GPTQ-rounded on that same grid (the scale is chosen before, from the row's max). */
function quantizeChannels(values: Float64Array | Float32Array, type: FixedType, out: RawContainer, t: PackedTensor, buf: ArrayBuffer, cal?: LayerHessian): QuantizeStats {
  const sc = t.scale!;
  const cols = t.shape[t.shape.length - 1]!;
  const entries = new Uint16Array(buf, t.offset + sc.offset, sc.rows);
  const stats: QuantizeStats = { outOfRange: 0, maxAbs: 0, firstOutOfRange: -1 };
  const row = new Float64Array(cols);
  if (cal && (cal.cols !== cols || cal.groupRows * cal.h.length !== sc.rows))
    throw new Error(`pack: calibration of ${t.name} is ${cal.h.length}×${cal.groupRows} rows of ${cal.cols} inputs, the tensor has ${sc.rows} rows of ${cols}`);
  const factors = cal?.h.map((h) => gptqFactor(h, cols));
  for (let r = 0; r < sc.rows; r++) {
    let maxAbs = 0;
    for (let j = 0; j < cols; j++) maxAbs = Math.max(maxAbs, Math.abs(values[r * cols + j]!));
    const { sh, m } = channelScaleOf(maxAbs, type, sc.scaleBits, sc.scaleShift);
    const s = channelScaleValue(sh, m, sc.scaleBits);
    for (let j = 0; j < cols; j++) row[j] = values[r * cols + j]! / s;
    const dst = out.subarray(r * cols, (r + 1) * cols);
    const q = factors ? gptqRow(row, type, factors[Math.floor(r / cal!.groupRows)]!, dst) : quantizeInto(row, type, dst);
    entries[r] = sh | (m << 8);
    if (q.outOfRange && stats.firstOutOfRange < 0) stats.firstOutOfRange = r * cols + q.firstOutOfRange;
    stats.outOfRange += q.outOfRange;
    stats.maxAbs = Math.max(stats.maxAbs, maxAbs);
  }
  return stats;
}

/** Where the packed image and its sidecar go for a design (or an explicit --out). */
export function packedPaths(design: Design, out?: string): { file: string; meta: string } {
  const file = out ? resolve(out) : join(design.dir, design.manifest.weights.file);
  return { file, meta: `${file}.meta.json` };
}

/**
 * Packs `weightsPath` for `design` (its already loaded state dict may be passed as `sd`), writes the image and its
 * sidecar atomically, returns the report. `calibration`: GPTQ statistics to round the per-channel rows with; absent,
 * the config decides (precision.linearWeight.gptq: calibrated on the shipped set, `onCalibrate` told of each reference
 * run); null rounds by the types' modes whatever the config says.
 */
export function packDesign(design: Design, weightsPath: string, out?: string, sd: TensorMap = loadStateDict(weightsPath), calibration?: Calibration | null, onCalibrate?: (done: number, total: number) => void): PackedImage & { file: string; calibration?: string[] } {
  checkWeights(design.config, sd, `weights ${weightsPath}`);
  if (calibration === undefined && design.config.precision.linearWeight.gptq) calibration = calibrate(design.config, sd, undefined, 'stretch', onCalibrate);
  const image = packImage(design.config, design.manifest, sd, calibration?.hessians);
  const { file, meta } = packedPaths(design, out);
  const m: PackMeta = {
    format: PACK_META_FORMAT,
    configHash: design.manifest.configHash,
    layoutHash: layoutHash(design.manifest),
    source: basename(weightsPath),
    sourceSha256: weightsSourceHash(weightsPath),
    bytes: image.bytes.length,
    imageSha256: sha256(image.bytes),
    ...(calibration ? { calibration: calibration.images.map((f) => basename(f)) } : {}),
  };
  const streamed = isStreamTarget(file);
  writeFileAtomic(file, [image.bytes]);
  // A device or pipe (-o /dev/null) gets the image only: a sidecar beside it would be a stray file in /dev.
  if (!streamed) writeFileAtomic(meta, [new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`)]);
  return { ...image, file, ...(calibration ? { calibration: calibration.images } : {}) };
}

/** The sha256s packStaleness needs, when computed ahead (packHashesAhead). */
export interface PackHashes {
  source?: string;
  image?: string;
}

/**
 * Hashes the weights source and the packed image on a worker thread, for a packStaleness call to come: the caller does
 * its own work (loading and checking the weights) meanwhile. Files unchanged since an earlier call are not read again
 * (their hashes are remembered in the design's .build/file-hashes.json by inode, size and times: emit/hash-memo.ts).
 * A file missing or unreadable gets no hash (packStaleness then reports it or hashes it itself); a sharded source
 * dir is hashed by packStaleness.
 */
export async function packHashesAhead(design: Design, weightsPath: string): Promise<PackHashes> {
  const files = { source: resolve(weightsPath), image: packedPaths(design).file };
  const present = Object.entries(files).filter(([, p]) => statSync(p, { throwIfNoEntry: false })?.isFile());
  const hashes = await filesSha256Memo(present.map(([, p]) => p), join(design.dir, '.build', 'file-hashes.json')).catch(() => []);
  return Object.fromEntries(present.flatMap(([k], i) => (hashes[i] ? [[k, hashes[i]]] : [])));
}

/** Why the packed image of a design is not usable for `weightsPath` ('' when it is up to date); `hashes` from packHashesAhead. */
export function packStaleness(design: Design, weightsPath: string, hashes: PackHashes = {}): string {
  const { file, meta } = packedPaths(design);
  if (!existsSync(file)) return `${design.manifest.weights.file} is missing`;
  if (!existsSync(meta)) return `${basename(meta)} is missing`;
  let m: Partial<PackMeta>;
  try {
    m = JSON.parse(readFileSync(meta, 'utf8')) as Partial<PackMeta>;
  } catch {
    return `${basename(meta)} is unreadable`;
  }
  if (m.format !== PACK_META_FORMAT) return 'unknown packed-weights format';
  if (m.layoutHash !== layoutHash(design.manifest) || m.configHash !== design.manifest.configHash) return 'the design was regenerated with a different layout';
  if (m.sourceSha256 !== (hashes.source ?? weightsSourceHash(weightsPath))) return `it was packed from other weights (${m.source})`;
  // The image itself: cut short (a full disk, a copy stopped half-way) or changed after packing.
  const size = statSync(file).size;
  const region = weightsImageBytes(design.manifest);
  if (size !== m.bytes || size !== region) return `${design.manifest.weights.file} is ${size} bytes, ${basename(meta)} says ${m.bytes} (the weights region${design.manifest.weights.parts ? 's hold' : ' holds'} ${region})`;
  if (m.imageSha256 !== undefined && (hashes.image ?? sha256(readFileSync(file))) !== m.imageSha256) return `${design.manifest.weights.file} changed after packing (its sha256 differs from ${basename(meta)})`;
  return '';
}
