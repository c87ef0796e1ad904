// NumPy .npy files: parse v1/v2/v3 (little-endian, C order) and encode v1 (v2 only for huge headers).
import { UserError } from '../errors.ts';
import { numel, shapeStr, type DType, type Tensor, type TensorData } from '../tensor.ts';
import { readFileOrThrow, writeFileAtomic } from './files.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy descr (without the byte-order char) ↔ our dtype, with element size. */
const DESCR: Record<string, { dtype: DType; size: number }> = {
  f4: { dtype: 'f32', size: 4 },
  f8: { dtype: 'f64', size: 8 },
  i8: { dtype: 'i64', size: 8 },
  i4: { dtype: 'i32', size: 4 },
  i2: { dtype: 'i16', size: 2 },
  u1: { dtype: 'u8', size: 1 },
};

const DESCR_OF: Record<DType, string> = { f32: '<f4', f64: '<f8', i64: '<i8', i32: '<i4', i16: '<i2', u8: '|u1' };

/** True when the bytes start with the .npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
}

/** Parses the Python dict literal of an .npy header (only the forms numpy writes). */
function parseHeader(text: string, name: string): Header {
  const bad = (what: string): never => {
    throw new UserError(`${name}: bad .npy header (${what}): ${text.trim().slice(0, 200)}`);
  };
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1] ?? bad("no 'descr'");
  const fo = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1] ?? bad("no 'fortran_order'");
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1] ?? bad("no 'shape'");
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number.parseInt(p, 10) : bad(`shape entry '${p}'`)));
  return { descr, fortran: fo === 'True', shape };
}

/** Decodes .npy bytes into a Tensor; `name` (usually the file path) is used in error messages. */
export function parseNpy(bytes: Uint8Array, name: string): Tensor {
  if (!isNpy(bytes)) throw new UserError(`${name}: not a .npy file (missing \\x93NUMPY magic)`);
  if (bytes.length < 10) throw new UserError(`${name}: truncated .npy header`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new UserError(`${name}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new UserError(`${name}: unsupported .npy format version ${major}.${bytes[7]} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataStart = start + headerLen;
  if (dataStart > bytes.length) throw new UserError(`${name}: truncated .npy header (${headerLen} header bytes announced, file has ${bytes.length})`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const h = parseHeader(text, name);
  if (h.fortran) throw new UserError(`${name}: fortran_order arrays are not supported; save it in C order (np.ascontiguousarray)`);
  const order = h.descr[0];
  const kind = DESCR[h.descr.slice(1)];
  if (!kind || !(order === '<' || order === '|')) {
    if (order === '>' && kind) throw new UserError(`${name}: big-endian dtype '${h.descr}' is not supported; convert it with arr.astype('<${h.descr.slice(1)}')`);
    throw new UserError(`${name}: unsupported dtype '${h.descr}' (supported: <f4, <f8, <i8, <i4, <i2, |u1)`);
  }
  if (order === '|' && kind.size !== 1) throw new UserError(`${name}: unsupported dtype '${h.descr}'`);
  const n = numel(h.shape);
  const need = n * kind.size;
  const have = bytes.length - dataStart;
  if (have < need) throw new UserError(`${name}: truncated .npy data: shape ${shapeStr(h.shape)} ${h.descr} needs ${need} bytes, file has ${have}`);
  if (have > need) throw new UserError(`${name}: .npy has ${have - need} trailing bytes after the ${shapeStr(h.shape)} ${h.descr} data`);
  // Copy into a fresh buffer: the data offset inside a Node Buffer need not be aligned for the element size.
  const off = bytes.byteOffset + dataStart;
  const buf = bytes.buffer.slice(off, off + need) as ArrayBuffer;
  return { dtype: kind.dtype, shape: h.shape, data: typedArray(kind.dtype, buf) };
}

function typedArray(dtype: DType, buf: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buf);
    case 'f64':
      return new Float64Array(buf);
    case 'i64':
      return new BigInt64Array(buf);
    case 'i32':
      return new Int32Array(buf);
    case 'i16':
      return new Int16Array(buf);
    case 'u8':
      return new Uint8Array(buf);
  }
}

/** Reads an .npy file. */
export function readNpy(path: string): Tensor {
  return parseNpy(readFileOrThrow(path, '.npy'), path);
}

/** The .npy header of a tensor (format 1.0, padded to 64 bytes like numpy ≥ 1.x; 2.0 if the header is huge). */
export function npyHeader(t: Tensor): Uint8Array {
  if (t.data.length !== numel(t.shape)) throw new Error(`encodeNpy: ${t.data.length} values for shape ${shapeStr(t.shape)}`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR_OF[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  let major = 1;
  if (total - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  return out;
}

/** The tensor's data as bytes (a view, no copy). */
export function npyBody(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Encodes a tensor as .npy bytes: npyHeader then the data. */
export function encodeNpy(t: Tensor): Uint8Array {
  const header = npyHeader(t);
  const body = npyBody(t);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** Writes a tensor as an .npy file (atomically: temp file, then rename). */
export function writeNpy(path: string, t: Tensor): void {
  writeFileAtomic(path, encodeNpy(t));
}
