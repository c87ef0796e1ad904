// Error-compensating rounding of one weight matrix (GPTQ, Frantar et al. 2022) onto a fixed per-row grid: columns (the
// input dim) are quantized in order, and each column's rounding error is spread over the columns not yet quantized
// through the upper Cholesky factor of H⁻¹, H = XᵀX of the layer's calibration inputs. The grid (type and row scale)
// is the caller's, so every stored value is one round-to-grid of a float, exactly as the plain packer stores it.
import type { FixedType } from '../config/schema.ts';
import { frac } from '../fixed.ts';
import { quantizeInto, type QuantizeStats, type RawContainer } from './quantize.ts';

/** Damping added to H's diagonal as a share of its mean diagonal (GPTQ's default 1 %), so H is safely invertible. */
export const GPTQ_DAMP = 0.01;

/** Lower Cholesky factor L (A = L·Lᵀ) of a symmetric positive definite n×n matrix, in place of a copy. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Inverse of a symmetric positive definite matrix from its lower Cholesky factor: A⁻¹ = L⁻ᵀ·L⁻¹. */
function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const li = new Float64Array(n * n); // L⁻¹, lower triangular
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = -s / l[i * n + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  return inv;
}

/**
 * The upper factor U of H⁻¹ = UᵀU for the damped H (H + damp·mean(diag H)·I; a dead input, diag 0, gets 1 there so it
 * is still invertible — its weight then rounds to nearest, as nothing in the data says otherwise).
 */
export function gptqFactor(h: Float64Array, n: number, damp = GPTQ_DAMP): Float64Array {
  const a = Float64Array.from(h);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i * n + i]!;
  mean /= n;
  for (let i = 0; i < n; i++) {
    if (a[i * n + i] === 0) a[i * n + i] = 1;
    a[i * n + i]! += damp * (mean > 0 ? mean : 1);
  }
  const l = cholesky(inverseFromCholesky(cholesky(a, n), n), n);
  const u = new Float64Array(n * n); // U = Lᵀ
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = l[j * n + i]!;
  return u;
}

/**
 * Quantizes row `r` of a matrix (`row`: its values already divided by the row's scale) onto `type`'s grid with GPTQ's
 * error feedback through `u` (gptqFactor of the row's H), writing raw integers to `out`. `row` is consumed.
 */
export function gptqRow(row: Float64Array, type: FixedType, u: Float64Array, out: RawContainer): QuantizeStats {
  const n = row.length;
  const step = 2 ** -frac(type);
  const one = new Float64Array(1);
  const stats: QuantizeStats = { outOfRange: 0, maxAbs: 0, firstOutOfRange: -1 };
  for (let j = 0; j < n; j++) {
    one[0] = row[j]!;
    // Out-of-range counts the compensated value; the error it causes is saturation's and is fed back like any other.
    const q = quantizeInto(one, type, out.subarray(j, j + 1));
    if (q.outOfRange && stats.firstOutOfRange < 0) stats.firstOutOfRange = j;
    stats.outOfRange += q.outOfRange;
    stats.maxAbs = Math.max(stats.maxAbs, q.maxAbs);
    const err = (row[j]! - out[j]! * step) / u[j * n + j]!;
    for (let k = j + 1; k < n; k++) row[k]! -= err * u[j * n + k]!;
  }
  return stats;
}
