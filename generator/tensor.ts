/** Element types a tensor can hold in memory. */
export type DType = 'f32' | 'f64' | 'i64' | 'i32' | 'i16' | 'u8';

export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Uint8Array;

/** A dense C-order tensor. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

/** Named tensors, in insertion order (state-dict names without `module.backbone.`). */
export type TensorMap = Map<string, Tensor>;

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float64 tensor of the given shape (zero-filled unless data is given). */
export function f64(shape: number[], data?: Float64Array): Tensor {
  const d = data ?? new Float64Array(numel(shape));
  if (d.length !== numel(shape)) throw new Error(`f64: ${d.length} values for shape [${shape}]`);
  return { dtype: 'f64', shape, data: d };
}

/** The values of a float tensor as float64 (copies f32). */
export function asF64(t: Tensor): Float64Array {
  if (t.data instanceof Float64Array) return t.data;
  if (t.data instanceof BigInt64Array) return Float64Array.from(t.data, (v) => Number(v));
  return Float64Array.from(t.data as ArrayLike<number>);
}

/** Shape as text, e.g. [16,384,192]. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
