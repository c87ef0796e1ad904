import assert from 'node:assert/strict';
import { erf, erfc, gelu } from '../../generator/reference/erf.ts';

// [x, erf(x), erfc(x)] from mpmath at 40 digits, evaluated at the double nearest each x (so input rounding is not error).
const ERF: Array<[number, number, number]> = [
[0, 0.0, 1.0],
  [1e-300, 1.1283791670955126022e-300, 1.0],
  [1e-10, 1.128379167095512615e-10, 9.9999999988716208329e-1],
  [0.1, 1.124629160182848984e-1, 8.875370839817151016e-1],
  [0.25, 2.7632639016823693299e-1, 7.2367360983176306701e-1],
  [0.46875, 4.9261347321793799159e-1, 5.0738652678206200841e-1],
  [0.5, 5.2049987781304653768e-1, 4.7950012218695346232e-1],
  [0.75, 7.111556336535151316e-1, 2.888443663464848684e-1],
  [1, 8.4270079294971486934e-1, 1.5729920705028513066e-1],
  [1.5, 9.6610514647531072707e-1, 3.3894853524689272933e-2],
  [2, 9.9532226501895273416e-1, 4.6777349810472658379e-3],
  [2.5, 9.9959304798255504106e-1, 4.0695201744495893956e-4],
  [3, 9.9997790950300141456e-1, 2.2090496998585441373e-5],
  [3.9, 9.9999996520775140277e-1, 3.4792248597231767129e-8],
  [4, 9.9999998458274209972e-1, 1.5417257900280018852e-8],
  [4.5, 9.9999999980338395585e-1, 1.9661604415428874763e-10],
  [5, 9.9999999999846254021e-1, 1.5374597944280348502e-12],
  [6, 9.9999999999999997848e-1, 2.1519736712498913117e-17],
  [10, 1.0, 2.088487583762544757e-45],
  [26, 1.0, 5.6631924088561428465e-296],
  [-0.3, -3.2862675945912741619e-1, 1.3286267594591274162],
  [-1.2, -9.1031397822963536837e-1, 1.9103139782296353684],
  [-3.5, -9.9999925690162765859e-1, 1.9999992569016276586],
  [-5, -9.9999999999846254021e-1, 1.9999999999984625402],
];

// [x, 0.5·x·(1 + erf(x/√2))] from mpmath at 40 digits.
const GELU: Array<[number, number]> = [
  [-10, -7.6198530241605260647e-23],
  [-3, -4.04969409489028358e-3],
  [-1, -1.5865525393145705141e-1],
  [-0.5, -1.5426876936299344818e-1],
  [0, 0.0],
  [0.5, 3.4573123063700655182e-1],
  [1, 8.4134474606854294859e-1],
  [3, 2.9959503059051097164],
  [10, 1.0e+1],
];

/** Relative error (absolute when the true value is 0). */
const rel = (got: number, want: number) => (want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want));

describe('reference/erf', () => {
  it('erf matches high-precision values to 1e-15 relative', () => {
    for (const [x, e] of ERF) assert.ok(rel(erf(x), e) <= 1e-15, `erf(${x}) = ${erf(x)}, want ${e} (rel ${rel(erf(x), e)})`);
  });

  it('erfc matches high-precision values to 2e-15 relative, including the far tail', () => {
    for (const [x, , c] of ERF) assert.ok(rel(erfc(x), c) <= 2e-15, `erfc(${x}) = ${erfc(x)}, want ${c} (rel ${rel(erfc(x), c)})`);
    assert.equal(erfc(27), 0);
    assert.equal(erfc(-30), 2);
  });

  it('is odd, monotone, and erf + erfc = 1 on a dense grid across all three approximation ranges', () => {
    let prev = -1;
    for (let i = -6000; i <= 6000; i++) {
      const x = i / 1000;
      const e = erf(x);
      assert.equal(erf(-x), -e);
      assert.ok(e >= prev, `not monotone at ${x}`);
      prev = e;
      assert.ok(Math.abs(e + erfc(x) - 1) <= 2.3e-16, `erf+erfc at ${x}`);
    }
    assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)));
    assert.equal(erf(Infinity), 1);
    assert.equal(erf(-Infinity), -1);
  });

  it('exact GELU matches high-precision values to 1e-15·max(1, x²) relative', () => {
    // Rounding x/√2 to a double (½ ulp) is amplified by erfc's condition number ≈ x² in the negative tail.
    for (const [x, g] of GELU) assert.ok(rel(gelu(x), g) <= 1e-15 * Math.max(1, x * x), `gelu(${x}) = ${gelu(x)}, want ${g}`);
  });
});
