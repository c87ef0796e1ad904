import assert from 'node:assert/strict';
import { layernormTicks, lnEpsQ48 } from '../../generator/kernels/layernorm.ts';
import { isUserError } from '../../generator/errors.ts';
import { buildDriver, runDriver, type DriverOutput } from './cpp-harness.ts';

/**
 * Bound on |y - LayerNorm_double| (layernorm.h): the final truncation to act_t (2^-22) plus |gamma| times the error
 * of n = (x - mean)·r: relative 2^-28 from r (rsqrt 2^-31, var kept to 48 fraction bits: 2^-28 relative at var ~
 * eps = 1e-6, r truncated to 40 bits), r·2^-36 from the mean (1/DIM to 47+ bits, mean to 46), 2^-40 truncation of n.
 */
function lnBound(maxGamma: number, maxN: number, maxR: number): number {
  return 2 ** -22 + maxGamma * (2 ** -28 * maxN + 2 ** -36 * maxR + 2 ** -40);
}

describe('kernel/layernorm.h', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('layernorm_test.cpp'));
  });
  const cases = () => [...out.entries()].filter(([k]) => k.startsWith('case_'));

  it('covers variance >> 1 (to the act_t range), ~1, << 1, below eps, zero and one-hot tokens at DIM 32/192/384', () => {
    const names = cases().map(([k]) => k);
    for (const kind of ['random', 'large_mean', 'full_range', 'tiny_var', 'small', 'constant', 'one_hot'])
      for (const d of [32, 192, 384]) assert.ok(names.includes(`case_${kind}_${d}`), `${kind} ${d}`);
  });

  it('is within the stated bound (about 1 LSB of act_t) of float64 LayerNorm for every kind of token', () => {
    for (const [name, [, , maxErr, maxGamma, maxN, maxR]] of cases()) {
      const bound = lnBound(maxGamma, maxN, maxR);
      assert.ok(maxErr <= bound, `${name}: ${maxErr} > ${bound}`);
    }
  });

  it('writes exactly N·DIM/8 words (nothing past the output region)', () => {
    for (const [name, v] of cases()) assert.equal(v[7], 0, name);
  });

  it('EDGEMOE_TICK per call equals the TS formula (gamma/beta loads + one cycle per word)', () => {
    for (const [name, [dim, n, , , , , ticks]] of cases()) assert.equal(ticks, layernormTicks(n, dim, 8, 256, 16), name);
    assert.equal(layernormTicks(129, 192, 8, 256, 16), 3_120, 'Edge-MoE sizes: 2·12 + 129·24');
  });

  it('lnEpsQ48 gives floor(eps·2^48) and rejects eps outside [2^-40, 32) as a user error naming model.lnEps', () => {
    assert.equal(lnEpsQ48(1e-6), 281474976n);
    assert.equal(lnEpsQ48(1e-5), 2814749767n);
    for (const bad of [0, -1, 40, Number.NaN])
      assert.throws(
        () => lnEpsQ48(bad),
        (e: unknown) => isUserError(e) && (e as Error).message.includes('model.lnEps'),
      );
  });
});
