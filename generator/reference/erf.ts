// Double-precision erf/erfc after W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969; SPECFUN CALERF),
// and the exact-erf GELU that M³ViT uses (nn.GELU()).

// |x| ≤ 0.46875: erf(x) = x·A(x²)/B(x²).
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
// 0.46875 < |x| ≤ 4: erfc(x) = exp(−x²)·C(x)/D(x).
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058,
  2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
  3439.36767414372164, 1230.33935480374942,
];
// |x| > 4: erfc(x) = exp(−x²)/x·(1/√π − z·P(z)/Q(z)), z = 1/x².
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

const THRESH = 0.46875;
const INV_SQRT_PI = 0.56418958354775628695;
const XSMALL = 1.11e-16; // below this, x² underflows the A/B ratio's precision: erf(x) = x·A3/B3
const XBIG = 26.543; // erfc(x) underflows to 0 above this

/** erf(x) for |x| ≤ THRESH. */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const z = y > XSMALL ? x * x : 0;
  let num = A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * z;
    den = (den + B[i]!) * z;
  }
  return (x * (num + A[3]!)) / (den + B[3]!);
}

/** erfc(y) for y > THRESH (y ≥ 0). */
function erfcLarge(y: number): number {
  if (y >= XBIG) return 0;
  let r: number;
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    r = (num + C[7]!) / (den + D[7]!);
  } else {
    const z = 1 / (y * y);
    let num = P[5]! * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * z;
      den = (den + Q[i]!) * z;
    }
    r = (z * (num + P[4]!)) / (den + Q[4]!);
    r = (INV_SQRT_PI - r) / y;
  }
  // exp(−y²) split as exp(−s²)·exp(−(y−s)(y+s)) with s = y rounded down to 1/16: y² itself would lose low bits.
  // exp(−s²) comes from a table of the same Math.exp values (s = k/16 is exact, so is s²): one exp per call, not two.
  const k = Math.trunc(y * 16);
  const s = k / 16;
  const del = (y - s) * (y + s);
  return EXP_NEG_S2[k]! * Math.exp(-del) * r;
}

/** exp(−(k/16)²) for every k that erfcLarge meets (y < XBIG). */
const EXP_NEG_S2 = Float64Array.from({ length: Math.ceil(XBIG * 16) + 1 }, (_, k) => {
  const s = k / 16;
  return Math.exp(-s * s);
});

/** The error function, to about 1e-16 relative. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= THRESH) return erfSmall(x);
  const r = 0.5 - erfcLarge(y) + 0.5;
  return x < 0 ? -r : r;
}

/** The complementary error function 1 − erf(x), accurate in relative terms also for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= THRESH) return 0.5 - erfSmall(x) + 0.5;
  const r = erfcLarge(y);
  return x < 0 ? 2 - r : r;
}

const INV_SQRT2 = Math.SQRT1_2;

/** Exact GELU: 0.5·x·(1 + erf(x/√2)), written with erfc so that large negative x keeps its relative accuracy. */
export function gelu(x: number): number {
  return 0.5 * x * erfc(-x * INV_SQRT2);
}
