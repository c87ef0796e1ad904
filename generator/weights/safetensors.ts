// safetensors read/write: u64 LE header length, JSON header, raw little-endian C-order data.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { numel, shapeStr, type DType, type TensorMap } from '../tensor.ts';
import { writeFileAtomic, fsErrorReason } from '../io/files.ts';
import { RAW_DECODERS, type RawDecoder } from './decode.ts';

/** The header's `__metadata__`: string keys and string values only (as in the safetensors format). */
export type SafetensorsMetadata = Record<string, string>;

// Same cap as the reference implementation: a header above 100 MB is treated as corrupt.
const MAX_HEADER = 100_000_000;

/** How a safetensors dtype is stored in memory: the bytes per element and the decoder into our dtypes. */
const ST_DTYPES: Record<string, RawDecoder> = {
  F32: RAW_DECODERS.f32,
  F64: RAW_DECODERS.f64,
  I64: RAW_DECODERS.i64,
  I32: RAW_DECODERS.i32,
  I16: RAW_DECODERS.i16,
  U8: RAW_DECODERS.u8,
  BOOL: RAW_DECODERS.bool,
  I8: RAW_DECODERS.i8,
  BF16: RAW_DECODERS.bf16,
  F16: RAW_DECODERS.f16,
};

const WRITE_DTYPE: Record<DType, string> = { f32: 'F32', f64: 'F64', i64: 'I64', i32: 'I32', i16: 'I16', u8: 'U8' };

/** A safetensors file's tensors (in data order) and its `__metadata__`. */
export interface SafetensorsContents {
  tensors: TensorMap;
  metadata: SafetensorsMetadata;
}

/** Parses safetensors bytes; `file` names the source in error messages. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const bad = (why: string) => new UserError(`${file}: not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw bad(`${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(MAX_HEADER)) throw bad(`header length ${headerLen} exceeds ${MAX_HEADER}`);
  const n = Number(headerLen);
  if (8 + n > bytes.length) throw bad(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('header is not a JSON object');

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: SafetensorsMetadata = {};
  const entries: Array<{ name: string; st: RawDecoder; shape: number[]; begin: number; end: number }> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') throw bad(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw bad(`tensor '${name}': entry is not an object`);
    const st = typeof e.dtype === 'string' ? ST_DTYPES[e.dtype] : undefined;
    if (!st) throw bad(`tensor '${name}': unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${Object.keys(ST_DTYPES).join(', ')})`);
    const isDim = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
    if (!Array.isArray(e.shape) || !e.shape.every(isDim)) throw bad(`tensor '${name}': shape ${JSON.stringify(e.shape)} is not a list of non-negative integers`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isDim)) throw bad(`tensor '${name}': data_offsets ${JSON.stringify(offs)} is not [begin, end]`);
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) throw bad(`tensor '${name}': data_offsets [${begin},${end}] lie outside the ${dataLen} data bytes`);
    const shape = e.shape as number[];
    const want = numel(shape) * st.bytes;
    if (end - begin !== want) throw bad(`tensor '${name}': data_offsets [${begin},${end}] hold ${end - begin} bytes, but ${e.dtype} ${shapeStr(shape)} needs ${want}`);
    entries.push({ name, st, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < entries.length; i++) {
    const p = entries[i - 1]!;
    const c = entries[i]!;
    if (c.begin < p.end) throw bad(`tensors '${p.name}' and '${c.name}' overlap in the data section`);
  }
  const tensors: TensorMap = new Map();
  for (const { name, st, shape, begin, end } of entries) {
    const { dtype, data } = st.decode(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { dtype, shape: [...shape], data });
  }
  return { tensors, metadata };
}

/** Reads a safetensors file with its metadata. */
export function readSafetensorsFile(path: string): SafetensorsContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${fsErrorReason(e)}`);
  }
  return parseSafetensors(bytes, path);
}

/** Reads the tensors of a safetensors file (BF16/F16 widen to f32, I8 to i16, BOOL to u8). */
export function readSafetensors(path: string): TensorMap {
  return readSafetensorsFile(path).tensors;
}

/** The bytes of a safetensors file: tensors in name order, header space-padded to a multiple of 8. */
export function encodeSafetensors(tensors: TensorMap, metadata?: SafetensorsMetadata): Uint8Array[] {
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (t.data.length !== numel(t.shape)) throw new Error(`tensor '${name}': ${t.data.length} values for shape ${shapeStr(t.shape)}`);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: WRITE_DTYPE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  if (hb.length % 8) hb = enc.encode(json + ' '.repeat(8 - (hb.length % 8)));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
  return [len, hb, ...chunks];
}

/** Writes tensors to a safetensors file atomically (temp file + rename). */
export function writeSafetensors(path: string, tensors: TensorMap, metadata?: SafetensorsMetadata): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
