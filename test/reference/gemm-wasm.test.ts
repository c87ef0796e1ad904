import assert from 'node:assert/strict';
import { attentionHeadSimd, linearSimd } from '../../generator/reference/gemm-wasm.ts';
import { linearPlain, softmaxRowsInPlace } from '../../generator/reference/ops.ts';

/** Deterministic values in [-1, 1) (LCG), so a failure reproduces. */
function values(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

describe('reference/gemm-wasm (WebAssembly SIMD matrix product)', () => {
  // Only the summation order differs from the plain loops (even and odd inputs summed apart): sums of ≤ 1,025
  // products of values in [-1, 1) agree far below 1e-12; a wrong index or a lost tile is off by O(1).
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [2, 2, 4], [3, 5, 7], [7, 1025, 33], [129, 192, 576], [50, 32, 130]];
  for (const [rows, inF, outF] of shapes) {
    for (const bias of [true, false]) {
      it(`${rows}x${inF} · ${outF}x${inF}ᵀ ${bias ? 'with' : 'without'} bias equals the plain loops within 1e-12`, () => {
        const x = values(rows * inF, 1), w = values(outF * inF, 2), b = bias ? values(outF, 3) : null;
        const got = linearSimd(x, rows, inF, w, b, outF);
        assert.ok(got, 'WebAssembly SIMD is available in Node 20');
        const want = linearPlain(x, rows, inF, w, b, outF);
        assert.equal(got.length, want.length);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        assert.ok(worst <= 1e-12, `max |diff| ${worst}`);
      });
    }
  }

  // The head's two products run on the scores in the kernel's memory (padded row stride): the same values as two
  // linearSimd calls around the softmax, bit for bit, on odd and even token counts and head widths.
  for (const [N, hd] of [[1, 1], [5, 3], [8, 4], [33, 6], [130, 32], [16, 2], [17, 2]] as const) {
    it(`attention head N=${N}, hd=${hd}: q·kᵀ, softmax, ·v in place equal the two linearSimd products exactly`, () => {
      const q = values(N * hd, 11), k = values(N * hd, 12), vt = values(hd * N, 13);
      const S = linearSimd(q, N, hd, k, null, N)!;
      softmaxRowsInPlace(S, N, N, 0.125);
      const want = linearSimd(S, N, N, vt, null, hd)!;
      const seen: number[] = [];
      const got = new Float64Array(N * hd).fill(NaN);
      assert.ok(attentionHeadSimd(q, k, vt, N, hd, (m, off, stride, row0, rows) => {
        assert.ok(stride >= N);
        assert.equal(row0, seen.length / N, 'row blocks in order, none skipped');
        softmaxRowsInPlace(m, rows, N, 0.125, off, stride);
        for (let n = 0; n < rows; n++) seen.push(...m.subarray(off + n * stride, off + n * stride + N));
      }, got));
      assert.deepEqual(Array.from(got), Array.from(want));
      assert.deepEqual(seen, Array.from(S), 'the callback sees the probabilities, row by row');
    });
  }

  it('inputs are not modified and a second call on other shapes reuses the memory correctly', () => {
    const x = values(6 * 9, 4), w = values(5 * 9, 5);
    const x0 = Float64Array.from(x), w0 = Float64Array.from(w);
    const big = linearSimd(values(64 * 300, 6), 64, 300, values(40 * 300, 7), null, 40);
    assert.ok(big);
    const got = linearSimd(x, 6, 9, w, null, 5)!;
    assert.deepEqual(x, x0);
    assert.deepEqual(w, w0);
    const want = linearPlain(x, 6, 9, w, null, 5);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-12);
  });
});
