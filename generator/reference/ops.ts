// Float64 building blocks of the reference forward: row-major [rows, cols] matrices in Float64Arrays.
import { gelu } from './erf.ts';
import { linearSimd } from './gemm-wasm.ts';

/** Which matrix-product kernel `linear` uses: the WebAssembly SIMD one (default; falls back to plain loops where
 *  WebAssembly SIMD is missing) or the plain loops (the reference before the SIMD kernel; tests and bench/). */
export type LinearKernel = 'simd' | 'plain';
let kernel: LinearKernel = 'simd';
export function setLinearKernel(k: LinearKernel): LinearKernel {
  const before = kernel;
  kernel = k;
  return before;
}
/** The matrix-product kernel in use. */
export function linearKernel(): LinearKernel {
  return kernel;
}

/** y[n,o] = Σ_i x[n,i]·W[o,i] + b[o] (PyTorch Linear, W [out,in]); x is [rows,inF]. `out` ([rows,outF]) is
 *  written and returned instead of a new array (a buffer reused across attention heads). */
export function linear(x: Float64Array, rows: number, inF: number, w: Float64Array | Float32Array, b: Float64Array | null, outF: number, out?: Float64Array): Float64Array {
  return (kernel === 'simd' ? linearSimd(x, rows, inF, w, b, outF, out) : null) ?? linearPlain(x, rows, inF, w, b, outF, out);
}

/** `linear` in plain loops, tiled 2 rows × 4 outputs so each loaded x and W value feeds several multiply-adds. */
export function linearPlain(x: Float64Array, rows: number, inF: number, w: Float64Array | Float32Array, b: Float64Array | null, outF: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(rows * outF);
  let n = 0;
  for (; n + 1 < rows; n += 2) {
    const x0 = n * inF;
    const x1 = x0 + inF;
    let o = 0;
    for (; o + 3 < outF; o += 4) {
      const w0 = o * inF;
      const w1 = w0 + inF;
      const w2 = w1 + inF;
      const w3 = w2 + inF;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      for (let i = 0; i < inF; i++) {
        const u = x[x0 + i]!;
        const v = x[x1 + i]!;
        const p0 = w[w0 + i]!, p1 = w[w1 + i]!, p2 = w[w2 + i]!, p3 = w[w3 + i]!;
        a00 += u * p0; a01 += u * p1; a02 += u * p2; a03 += u * p3;
        a10 += v * p0; a11 += v * p1; a12 += v * p2; a13 += v * p3;
      }
      const b0 = b ? b[o]! : 0, b1 = b ? b[o + 1]! : 0, b2 = b ? b[o + 2]! : 0, b3 = b ? b[o + 3]! : 0;
      const y0 = n * outF + o;
      const y1 = y0 + outF;
      y[y0] = a00 + b0; y[y0 + 1] = a01 + b1; y[y0 + 2] = a02 + b2; y[y0 + 3] = a03 + b3;
      y[y1] = a10 + b0; y[y1 + 1] = a11 + b1; y[y1 + 2] = a12 + b2; y[y1 + 3] = a13 + b3;
    }
    for (; o < outF; o++) {
      const w0 = o * inF;
      let a0 = 0, a1 = 0;
      for (let i = 0; i < inF; i++) {
        const p = w[w0 + i]!;
        a0 += x[x0 + i]! * p;
        a1 += x[x1 + i]! * p;
      }
      const bo = b ? b[o]! : 0;
      y[n * outF + o] = a0 + bo;
      y[(n + 1) * outF + o] = a1 + bo;
    }
  }
  for (; n < rows; n++) {
    const x0 = n * inF;
    for (let o = 0; o < outF; o++) {
      const w0 = o * inF;
      let a = 0;
      for (let i = 0; i < inF; i++) a += x[x0 + i]! * w[w0 + i]!;
      y[n * outF + o] = a + (b ? b[o]! : 0);
    }
  }
  return y;
}

/** y[n,o] = Σ_i x[n,i]·W[i,o] for an input-major W [inF,outF] (the gate's w_gate; no bias); into `out` when given. */
export function matmulInputMajor(x: Float64Array, rows: number, inF: number, w: Float64Array, outF: number, out?: Float64Array): Float64Array {
  const y = out ? out.fill(0) : new Float64Array(rows * outF);
  for (let n = 0; n < rows; n++) {
    const yo = n * outF;
    for (let i = 0; i < inF; i++) {
      const u = x[n * inF + i]!;
      const wi = i * outF;
      for (let o = 0; o < outF; o++) y[yo + o]! += u * w[wi + o]!;
    }
  }
  return y;
}

/** LayerNorm over each row of x [rows,dim]: (x − mean)/√(var + eps)·gamma + beta, biased variance; into `out` when given. */
export function layerNorm(x: Float64Array, rows: number, dim: number, gamma: Float64Array, beta: Float64Array, eps: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(rows * dim);
  for (let n = 0; n < rows; n++) {
    const o = n * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[o + d]!;
    const mean = s / dim;
    let v = 0;
    for (let d = 0; d < dim; d++) {
      const c = x[o + d]! - mean;
      v += c * c;
    }
    const inv = 1 / Math.sqrt(v / dim + eps);
    for (let d = 0; d < dim; d++) y[o + d] = (x[o + d]! - mean) * inv * gamma[d]! + beta[d]!;
  }
  return y;
}

/** Exact softmax of each row of x·scale [rows,cols], in place (the scaled values are not stored first: one pass less
 *  over attention's [N,N] scores, the same doubles). Row n starts at off + n·stride. */
export function softmaxRowsInPlace(x: Float64Array, rows: number, cols: number, scale = 1, off = 0, stride = cols): void {
  for (let n = 0; n < rows; n++) {
    const o = off + n * stride;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]! * scale);
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j]! * scale - m);
      x[o + j] = e;
      s += e;
    }
    for (let j = 0; j < cols; j++) x[o + j]! /= s;
  }
}

/** Exact-erf GELU of every element (a new array, or `out`). */
export function geluAll(x: Float64Array, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = gelu(x[i]!);
  return y;
}

/** a + b, elementwise (a new array, or `out`). */
export function add(a: Float64Array, b: Float64Array, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i]! + b[i]!;
  return y;
}

/** Indices of the k largest values of row `v`, descending; ties go to the lower index. */
export function topK(v: Float64Array, k: number): number[] {
  const picked: number[] = [];
  for (let j = 0; j < k; j++) {
    let best = -1;
    for (let e = 0; e < v.length; e++) {
      if (picked.includes(e)) continue;
      if (best < 0 || v[e]! > v[best]!) best = e;
    }
    picked.push(best);
  }
  return picked;
}
