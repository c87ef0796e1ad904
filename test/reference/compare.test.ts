import assert from 'node:assert/strict';
import { compareArrays } from '../../generator/reference/compare.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe('reference/compare', () => {
  it('identical arrays: zero error, cosine 1', () => {
    const c = compareArrays([1, 2, 3, 4], Float64Array.from([1, 2, 3, 4]));
    assert.deepEqual(c, { mse: 0, maxAbs: 0, cosine: 1, relMse: 0, bias: 0 });
  });

  it('hand-computed figures', () => {
    // ref = [1, 3], got = [2, 1]: diffs 1, −2 → mse 2.5, maxAbs 2; var(ref) = 1 → relMse 2.5;
    // cosine = (2 + 3)/(√5·√10) = 1/√2.
    const c = compareArrays([2, 1], [1, 3]);
    assert.ok(close(c.mse, 2.5) && c.maxAbs === 2 && close(c.relMse, 2.5) && close(c.cosine, Math.SQRT1_2));
    // bias = mean signed error (1 − 2)/2.
    assert.equal(c.bias, -0.5);
    // A scaled copy keeps cosine 1 but not mse.
    const s = compareArrays([2, 4, 6], [1, 2, 3]);
    assert.ok(close(s.cosine, 1) && close(s.mse, 14 / 3) && close(s.relMse, 14 / 3 / (2 / 3)));
    // Predicting the mean gives relMse 1.
    assert.ok(close(compareArrays([2, 2, 2], [1, 2, 3]).relMse, 1));
  });

  it('degenerate inputs: NaN where a figure is undefined, NaN values propagate, length mismatch throws', () => {
    const z = compareArrays([0, 0], [5, 5]);
    assert.ok(Number.isNaN(z.cosine) && Number.isNaN(z.relMse) && z.mse === 25);
    assert.ok(Number.isNaN(compareArrays([NaN, 1], [1, 1]).maxAbs));
    assert.ok(Number.isNaN(compareArrays([1, 9, NaN], [1, 1, 1]).maxAbs));
    assert.throws(() => compareArrays([1], [1, 2]), /lengths differ/);
    assert.throws(() => compareArrays([], []), /empty/);
  });
});
