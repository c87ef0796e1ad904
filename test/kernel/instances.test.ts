// The kernel library instantiated twice in one translation unit (test/kernel/cpp/instances_test.cpp, which includes
// no params.h): residual_add, layernorm and the linear unit (unified_linear.h) each with two config structs of
// different sizes, lanes and types, every instance checked against a double (and, for the linear unit, an exact
// fixed-point) reference.
import assert from 'node:assert/strict';
import { layernormTicks } from '../../generator/kernels/layernorm.ts';
import { buildDriver, runDriver, values, type DriverOutput } from './cpp-harness.ts';

describe('kernel library: two instances of an operator with different configs', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('instances_test.cpp'));
  });

  it('residual_add: both instances (32-bit × 8 lanes, 16-bit × 16 lanes) equal act_t addition, wrapping, in bounds', () => {
    const [a, b] = [values(out, 'add_a'), values(out, 'add_b')];
    assert.notDeepEqual(a.slice(0, 4), b.slice(0, 4), 'the two configs differ');
    for (const [tag, [, , , , wrong, wrapped, overruns]] of [['a', a], ['b', b]] as const) {
      assert.equal(wrong, 0, `${tag}: ${wrong} wrong sums`);
      assert.ok(wrapped > 0, `${tag}: overflowing pairs exercised`);
      assert.equal(overruns, 0, `${tag}: wrote past the region`);
    }
  });

  it('layernorm: both instances are within one act_t LSB (plus the stated rsqrt / mean terms) of float64 LayerNorm', () => {
    for (const tag of ['a', 'b']) {
      const [n, dim, lanes, frac, maxErr, maxGamma, maxN, maxR, ticks, overruns] = values(out, `ln_${tag}`);
      // layernorm.h's bound with this instance's final truncation (2^-frac) in place of act_t <32,10>'s 2^-22.
      const bound = 2 ** -frac! + maxGamma! * (2 ** -28 * maxN! + 2 ** -36 * maxR! + 2 ** -40);
      assert.ok(maxErr! <= bound, `${tag}: ${maxErr} > ${bound}`);
      assert.ok(maxErr! > 0, `${tag}: the output was computed (not an exact copy)`);
      assert.equal(ticks, layernormTicks(n!, dim!, lanes!, 256, 16), `${tag}: ticks`);
      assert.equal(overruns, 0, `${tag}: wrote past the region`);
    }
    assert.notEqual(values(out, 'ln_a')[1], values(out, 'ln_b')[1], 'different DIM');
  });

  it('linear unit: both instances (16×16 tiles of 32-bit lanes; 8×32 tiles of 16-bit lanes, wider accumulator) equal the fixed-point model exactly and float64 within the truncations', () => {
    const [a, b] = [values(out, 'lin_a'), values(out, 'lin_b')];
    assert.notDeepEqual(a.slice(0, 6), b.slice(0, 6), 'the two configs differ');
    for (const [tag, [rows, inDim, outDim, , , , wrong, maxErr, lsb, overruns]] of [['a', a], ['b', b]] as const) {
      assert.equal(wrong, 0, `${tag}: ${wrong} outputs differ from the fixed-point model`);
      // Each of the IN products loses < 2^-22 (acc_t <32,10>) or nothing (<40,12>: 28 fraction bits hold x·w's
      // 10 + 14); the act_t result loses < 1 LSB.
      const accLsb = tag === 'a' ? 2 ** -22 : 2 ** -28;
      assert.ok(maxErr! <= lsb! + inDim! * accLsb, `${tag}: ${maxErr} vs float64`);
      assert.ok(maxErr! > 0 || rows! * outDim! === 0, `${tag}: computed`);
      assert.equal(overruns, 0, `${tag}: wrote past the region`);
    }
  });
});
