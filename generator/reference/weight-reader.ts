// Shape-checked float64 access to state-dict tensors for the reference forward.
import { UserError } from '../errors.ts';
import { asF64, shapeStr, type Tensor, type TensorMap } from '../tensor.ts';

// float32 → float64 copies, kept per tensor object so repeated runs on the same weights convert once.
const converted = new WeakMap<Tensor, Float64Array>();

/** Looks up tensors by state-dict name, checks their shape and returns their values as float64. */
export class WeightReader {
  constructor(private readonly weights: TensorMap) {}

  /** Whether the weights hold `name`. */
  has(name: string): boolean {
    return this.weights.has(name);
  }

  /** The values of `name`, which must have exactly `shape`; otherwise a UserError naming the tensor. */
  get(name: string, shape: readonly number[]): Float64Array {
    const t = this.checked(name, shape);
    let v = converted.get(t);
    if (!v) {
      v = asF64(t);
      converted.set(t, v);
    }
    return v;
  }

  /**
   * The values of a matrix-product weight as stored (float32 or float64): `linear` reads float32 exactly as float64,
   * so the large matrices are not copied to float64 (~0.07 s and 144 MB for ViT-T's, once per process).
   */
  matrix(name: string, shape: readonly number[]): Float32Array | Float64Array {
    const t = this.checked(name, shape);
    return t.data as Float32Array | Float64Array;
  }

  private checked(name: string, shape: readonly number[]): Tensor {
    const t = this.weights.get(name);
    if (!t) throw new UserError(`weights: missing tensor '${name}' (expected shape ${shapeStr(shape)})`);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      throw new UserError(`weights: tensor '${name}' has shape ${shapeStr(t.shape)}, expected ${shapeStr(shape)}`);
    }
    if (t.dtype !== 'f32' && t.dtype !== 'f64') throw new UserError(`weights: tensor '${name}' is ${t.dtype}, expected a float tensor`);
    return t;
  }
}
