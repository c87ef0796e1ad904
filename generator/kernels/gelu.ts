// GELU approximation of templates/kernel/gelu_approx.h (Edge-MoE innovation 3): GELU(x) = ReLU(x) - δ(|x|),
// δ(t) = t·Φ(-t), from a ROM of δ at step 1/32 over [0, 5.5] with linear interpolation; |x| >= 5.5 gives ReLU.
// This module generates the ROM (raw ap_ufixed<22,0> integers, committed in the header and re-checked by a test)
// and holds the exact double-precision GELU the tests compare against.

/** Table step is 1/GELU_STEPS_PER_UNIT. */
export const GELU_STEPS_PER_UNIT = 32;
/** Beyond this |x| the kernel returns ReLU(x). */
export const GELU_LIMIT = 5.5;
/** Entries: knots 0, 1/32, …, 5.5. */
export const GELU_TABLE_SIZE = GELU_LIMIT * GELU_STEPS_PER_UNIT + 1;
/** Fraction bits of a table entry (ap_ufixed<22,0>; δ peaks at 0.17). */
export const GELU_TABLE_FRAC = 22;

/** erf(x) for x >= 0 by the all-positive series (2/√π)e^{-x²} Σ 2^n x^{2n+1}/(2n+1)!!: no cancellation, ~1e-16 absolute. */
function erfNonNeg(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 400 && term > sum * 1e-18; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** erf(x) in double precision (absolute error ~1e-16 for |x| <= 6; saturates to ±1 beyond). */
export function erf(x: number): number {
  const a = Math.abs(x);
  const v = a > 6 ? 1 : erfNonNeg(a);
  return x < 0 ? -v : v;
}

/** Exact GELU(x) = x·Φ(x) = x(1 + erf(x/√2))/2. */
export function geluExact(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** δ(t) = t·Φ(-t) = ReLU(t) - GELU(t) for t >= 0. */
export function geluDelta(t: number): number {
  return 0.5 * t * (1 - erf(t / Math.SQRT2));
}

/** The ROM: round(δ(i/32)·2^22), i = 0..176. */
export function geluDeltaTable(): number[] {
  const out: number[] = [];
  for (let i = 0; i < GELU_TABLE_SIZE; i++) out.push(Math.round(geluDelta(i / GELU_STEPS_PER_UNIT) * 2 ** GELU_TABLE_FRAC));
  return out;
}
