import assert from 'node:assert/strict';
import { buildDriver, runDriver, type DriverOutput } from './cpp-harness.ts';

/**
 * Bound on |p - p_exact| for the online softmax of n scores with exact sum s (see single_pass_softmax.h): each exp is
 * within 2^-29, so the running sum drifts by at most n·(n·2^-29 + 2^-32) (every update may rescale a sum <= n);
 * 1/s adds 2^-31 relative, and the truncations of 1/s and of p to act_t add < 2^-22 each.
 */
function probBound(n: number, s: number): number {
  return (n * (n * 2 ** -29 + 2 ** -32)) / s + 2 ** -31 + 2 ** -29 + 2 ** -21;
}

describe('kernel/single_pass_softmax.h', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('softmax_test.cpp'));
  });

  const cases = () => [...out.entries()].filter(([k]) => k.startsWith('case_'));

  it('runs random, increasing, decreasing, equal and extreme sequences of 1 to 1025 scores', () => {
    const names = cases().map(([k]) => k);
    assert.equal(names.length, 23);
    for (const kind of ['random8', 'random200', 'increasing', 'decreasing', 'equal'])
      for (const n of [1, 16, 129, 1025]) assert.ok(names.includes(`case_${kind}_${n}`), `${kind}_${n}`);
  });

  it('online p is within the stated bound of double softmax, and argmax agrees', () => {
    for (const [name, [n, , errDouble, s, , agree]] of cases()) {
      const bound = probBound(n, s);
      assert.ok(errDouble <= bound, `${name}: |p - p_double| ${errDouble} > ${bound}`);
      assert.equal(agree, 1, `${name}: argmax`);
    }
  });

  it('online p is within twice that bound of the two-pass (max, then sum) softmax in the same arithmetic', () => {
    for (const [name, [n, diffTwo, , s]] of cases()) {
      const bound = 2 * probBound(n, s);
      assert.ok(diffTwo <= bound, `${name}: |p_online - p_two_pass| ${diffTwo} > ${bound}`);
    }
  });

  it('is bit-identical to two-pass when no rescale happens (max first: decreasing, equal, single score)', () => {
    for (const [name, [, diffTwo]] of cases())
      if (/^case_(decreasing|equal|allmin)_|_1$/.test(name)) assert.equal(diffTwo, 0, name);
  });

  it('probabilities sum to 1 within n times the bound', () => {
    for (const [name, [n, , , s, sum]] of cases())
      assert.ok(Math.abs(sum - 1) <= n * probBound(n, s), `${name}: sum ${sum}`);
  });
});
