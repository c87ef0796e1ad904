import assert from 'node:assert/strict';
import { residualAddTicks } from '../../generator/kernels/residual.ts';
import { buildDriver, runDriver, type DriverOutput } from './cpp-harness.ts';

describe('kernel/residual_add.h', () => {
  let out: DriverOutput;
  before(async function () {
    this.timeout(120_000);
    out = await runDriver(await buildDriver('residual_test.cpp'));
  });
  const cases = () => [...out.entries()].filter(([k]) => k.startsWith('case_'));

  it('x += y in place equals act_t addition for every element, wrapping on overflow like AP_WRAP', () => {
    assert.equal(cases().length, 3);
    for (const [name, [, , , wrong, wrapped, overruns]] of cases()) {
      assert.equal(wrong, 0, `${name}: ${wrong} wrong elements`);
      assert.ok(wrapped > 0, `${name}: the overflow pairs were exercised`);
      assert.equal(overruns, 0, `${name}: wrote past the region`);
    }
  });

  it('EDGEMOE_TICK per call equals the TS formula (Edge-MoE: 129·24 = 3,096)', () => {
    for (const [name, [n, dim, ticks]] of cases()) assert.equal(ticks, residualAddTicks(n, dim, 8), name);
    assert.equal(residualAddTicks(129, 192, 8), 3_096);
  });
});
