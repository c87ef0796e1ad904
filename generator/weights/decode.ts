// Raw little-endian element decoders shared by the checkpoint readers (safetensors dtypes, torch storage classes).
import type { DType, TensorData } from '../tensor.ts';

/** Element bytes and a decoder from raw little-endian bytes to a tensor's in-memory dtype and data. */
export interface RawDecoder {
  bytes: number;
  decode: (raw: Uint8Array) => { dtype: DType; data: TensorData };
}

/** A copy of `raw` into a fresh (aligned) buffer, so typed-array views on it are legal. */
function aligned(raw: Uint8Array): ArrayBuffer {
  // new Uint8Array(view) copies; Buffer#slice would not (it aliases the file buffer).
  return new Uint8Array(raw).buffer as ArrayBuffer;
}

type ViewCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

/**
 * `raw` as elements of `C`: a view on the same bytes when they start at a multiple of the element size (a safetensors
 * file pads its header so they do: no copy of a 72 MB checkpoint), else a view on an aligned copy. Nothing writes
 * into loaded tensors, so sharing the file's buffer is safe.
 */
function elements<T>(C: ViewCtor<T>, raw: Uint8Array): T {
  if (raw.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(raw.buffer as ArrayBuffer, raw.byteOffset, raw.byteLength / C.BYTES_PER_ELEMENT);
  return new C(aligned(raw));
}

/** IEEE half → f32 (subnormals, inf and NaN included). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Decoders by raw element kind. Formats without an in-memory dtype widen exactly: f16/bf16 → f32, i8 → i16, bool → u8. */
export const RAW_DECODERS = {
  f32: { bytes: 4, decode: (r) => ({ dtype: 'f32', data: elements(Float32Array, r) }) },
  f64: { bytes: 8, decode: (r) => ({ dtype: 'f64', data: elements(Float64Array, r) }) },
  i64: { bytes: 8, decode: (r) => ({ dtype: 'i64', data: elements(BigInt64Array, r) }) },
  i32: { bytes: 4, decode: (r) => ({ dtype: 'i32', data: elements(Int32Array, r) }) },
  i16: { bytes: 2, decode: (r) => ({ dtype: 'i16', data: elements(Int16Array, r) }) },
  i8: { bytes: 1, decode: (r) => ({ dtype: 'i16', data: Int16Array.from(new Int8Array(aligned(r))) }) },
  u8: { bytes: 1, decode: (r) => ({ dtype: 'u8', data: new Uint8Array(r) }) },
  bool: { bytes: 1, decode: (r) => ({ dtype: 'u8', data: new Uint8Array(r) }) },
  bf16: {
    bytes: 2,
    decode: (r) => {
      const src = new Uint16Array(aligned(r));
      const bits = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
      return { dtype: 'f32', data: new Float32Array(bits.buffer) };
    },
  },
  f16: { bytes: 2, decode: (r) => ({ dtype: 'f32', data: Float32Array.from(new Uint16Array(aligned(r)), halfToFloat) }) },
} satisfies Record<string, RawDecoder>;
