// Error figures between an output and its reference (float reference vs csim / hardware / float32 runs).

/** How far `got` is from `ref`. */
export interface Comparison {
  /** Mean squared error. */
  mse: number;
  /** Largest absolute difference. */
  maxAbs: number;
  /** Cosine similarity of the two vectors (1 when identical in direction; NaN if either is all zeros). */
  cosine: number;
  /** mse / var(ref): 0 is perfect, 1 is as bad as predicting the reference's mean (NaN if ref is constant). */
  relMse: number;
  /** Mean signed error mean(got − ref): truncation shows here as a negative bias. */
  bias: number;
}

/** Compares two equally long numeric arrays; throws if the lengths differ or they are empty. */
export function compareArrays(got: ArrayLike<number>, ref: ArrayLike<number>): Comparison {
  const n = ref.length;
  if (got.length !== n) throw new Error(`compareArrays: lengths differ (${got.length} vs ${n})`);
  if (n === 0) throw new Error('compareArrays: empty arrays');
  let se = 0, maxAbs = 0, dot = 0, gg = 0, rr = 0, sum = 0, sd = 0;
  for (let i = 0; i < n; i++) {
    const g = got[i]!, r = ref[i]!;
    const d = g - r;
    se += d * d;
    sd += d;
    const a = Math.abs(d);
    if (a > maxAbs || Number.isNaN(a)) maxAbs = a;
    dot += g * r;
    gg += g * g;
    rr += r * r;
    sum += r;
  }
  const mean = sum / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (ref[i]! - mean) ** 2;
  const mse = se / n;
  const variance = v / n;
  return {
    mse,
    maxAbs,
    cosine: gg === 0 || rr === 0 ? NaN : dot / Math.sqrt(gg * rr),
    relMse: variance === 0 ? NaN : mse / variance,
    bias: sd / n,
  };
}
