import assert from 'node:assert/strict';
import { GELU_TABLE_SIZE, geluDelta, geluDeltaTable, geluExact, erf } from '../../generator/kernels/gelu.ts';
import { buildDriver, runDriver, value, type DriverOutput } from './cpp-harness.ts';
import { headerTable } from './table-text.ts';

describe('kernel/gelu_approx.h', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('gelu_test.cpp'));
  });

  it('the TS erf matches known values to 1e-15 (it generates the ROM)', () => {
    // Reference values of erf (Abramowitz & Stegun table 7.1 / any CAS), absolute.
    const known: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [3.9, 0.9999999652077514],
    ];
    for (const [x, v] of known) assert.ok(Math.abs(erf(x) - v) < 1e-15, `erf(${x})`);
    assert.equal(erf(-1), -erf(1));
    assert.ok(Math.abs(geluExact(1) - 0.8413447460685429) < 1e-15);
  });

  it('carries the 177-entry δ ROM that generator/kernels/gelu.ts generates (ap_ufixed<22,0> raw)', () => {
    const table = geluDeltaTable();
    assert.equal(table.length, GELU_TABLE_SIZE);
    assert.equal(GELU_TABLE_SIZE, 177);
    assert.deepEqual(headerTable('gelu_approx.h', 'GELU_DELTA_RAW'), table);
    assert.equal(table[0], 0);
    assert.equal(table[176], 0, 'δ(5.5) = 1.0e-7 rounds to 0');
    assert.equal(Math.max(...table), Math.round(geluDelta(24 / 32) * 2 ** 22), 'the peak is at t = 0.75');
    for (const v of table) assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 22);
  });

  it('max |gelu_approx - GELU| <= 1e-4 over a dense act_t sweep of [-8, 8]', () => {
    // Bound: interpolation max|δ''|h²/8 = 2φ(0)/(8·32²) = 9.74e-5, ROM rounding 2^-23, one truncation 2^-22.
    const bound = (2 / Math.sqrt(2 * Math.PI) / 8 / 32 ** 2) + 2 ** -23 + 2 ** -22;
    assert.ok(bound <= 1e-4);
    assert.ok(value(out, 'gelu_points') > 2_000_000);
    const err = value(out, 'gelu_max_abs_err');
    assert.ok(err <= bound, `max error ${err} > ${bound}`);
    assert.ok(Math.abs(Math.abs(value(out, 'gelu_max_err_at')) - 1 / 64) < 1 / 256, 'worst near |x| = 1/64');
  });

  it('is exactly ReLU for |x| >= 5.5 and at the ends of the act_t range, and 0 at 0', () => {
    assert.equal(value(out, 'gelu_relu_beyond_5_5'), 1);
    assert.equal(value(out, 'gelu_at_min'), 0);
    assert.equal(value(out, 'gelu_at_max_minus_hi'), 0);
    assert.equal(value(out, 'gelu_at_zero'), 0);
  });
});
