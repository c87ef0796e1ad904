import assert from 'node:assert/strict';
import { exp2FracTable, recipSeedTable, rsqrtSeedTable } from '../../generator/kernels/fixed-math.ts';
import { buildDriver, runDriver, value, type DriverOutput } from './cpp-harness.ts';
import { headerTable } from './table-text.ts';

describe('kernel/fixed_math.h', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('fixed_math_test.cpp'));
  });

  it('carries the ROMs that generator/kernels/fixed-math.ts generates', () => {
    assert.deepEqual(headerTable('fixed_math.h', 'FXM_EXP2_RAW'), exp2FracTable());
    assert.deepEqual(headerTable('fixed_math.h', 'FXM_RECIP_SEED_RAW'), recipSeedTable());
    assert.deepEqual(headerTable('fixed_math.h', 'FXM_RSQRT_SEED_RAW'), rsqrtSeedTable());
  });

  it('seed tables are within 2^-9 relative of 1/m and 1/sqrt(m) over each whole interval', () => {
    // Newton squares the seed error twice (2^-18, then 2^-36): the final 2^-31 bound below needs seeds < 2^-9.
    const recip = recipSeedTable();
    const rsq = rsqrtSeedTable();
    for (let i = 0; i < 256; i++) {
      for (const m of [1 + i / 256, 1 + (i + 1) / 256]) assert.ok(Math.abs((recip[i] / 2 ** 27) * m - 1) < 2 ** -9);
      const lo = (i < 128 ? 1 : 2) * (1 + (i % 128) / 128);
      const hi = (i < 128 ? 1 : 2) * (1 + ((i % 128) + 1) / 128);
      for (const m of [lo, hi]) assert.ok(Math.abs((rsq[i] / 2 ** 27) * Math.sqrt(m) - 1) < 2 ** -9);
    }
  });

  it('exp: |fx_exp_neg(x) - e^x| <= 2^-29 over ~600k arguments <= 0, monotonic, exact at 0', () => {
    // Bound: ROM rounding 2^-31 + cubic remainder < 2^-38 + truncations of t and of the product (2^-31 each).
    assert.ok(value(out, 'exp_points') > 500_000);
    assert.ok(value(out, 'exp_max_abs_err') <= 2 ** -29, `max error ${value(out, 'exp_max_abs_err')}`);
    assert.equal(value(out, 'exp_monotonic'), 1);
    assert.equal(value(out, 'exp_at_zero'), 1);
    assert.equal(value(out, 'exp_at_positive'), 1, 'positive arguments are clamped to 0');
    assert.equal(value(out, 'exp_at_minus_1000'), 0);
  });

  it('recip: relative error <= 2^-31 over [2^-24, 2^16) incl. a dense sweep of [1, 2); 1/1 is exact', () => {
    // Bound: seed 2^-9 → Newton 2^-18 → 2^-36, plus truncation of y to 34 fraction bits (y >= 1/2: 2^-33 relative).
    assert.ok(value(out, 'recip_points') > 1_000_000);
    assert.ok(value(out, 'recip_max_rel_err') <= 2 ** -31, `max error ${value(out, 'recip_max_rel_err')}`);
    assert.equal(value(out, 'recip_of_one'), 1);
  });

  it('rsqrt: relative error <= 2^-31 over [2^-48, 2^20) (variance << 1 and >> 1, both exponent parities)', () => {
    assert.ok(value(out, 'rsqrt_points') > 1_000_000);
    assert.ok(value(out, 'rsqrt_max_rel_err') <= 2 ** -31, `max error ${value(out, 'rsqrt_max_rel_err')}`);
    assert.equal(value(out, 'rsqrt_of_4'), 0.5);
  });
});
