// The --cycles report: parsing the testbench's `cycles` lines and setting them beside the estimator (no compile here;
// the tiny design's real counts are checked in csim.test.ts).
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { cycleReport, formatCycles, parseCycles, queueLengths, RELOAD_NAME } from '../../generator/csim/cycles.ts';
import { estimatePlan } from '../../generator/estimate/estimate.ts';
import { buildPlan } from '../../generator/plan/index.ts';

describe('csim cycles report', () => {
  const plan = buildPlan(resolveConfig({ preset: 'tiny' }));

  it('takes the cycles lines out of the testbench output and keeps the rest', () => {
    const { counts, rest } = parseCycles('INFO x\ncycles 0 1538\ncycles 3 102\ngolden a: mse 1\ncycles 12 9\n');
    assert.deepEqual([...counts], [[0, 1538], [3, 102], [12, 9]]);
    assert.equal(rest, 'INFO x\ngolden a: mse 1\n');
  });

  it('names every op from the plan, op 0 as the one-time load, and shows the difference to the estimate', () => {
    const routing = new Map([[1, [5, 4, 9, 0]]]);
    const est = estimatePlan(plan, { routing });
    const counts = new Map<number, number>([[0, est.reload.ticks]]);
    for (const o of est.ops) if (o.ticks) counts.set(o.id, o.ticks);
    counts.set(5, counts.get(5)! + 7); // one op off by 7
    counts.set(99, 3); // an id the plan does not have
    const r = cycleReport(plan, counts, routing, 'kernel');
    assert.equal(r.routing, 'kernel');
    assert.deepEqual(r.rows[0], { id: 0, name: RELOAD_NAME, counted: est.reload.ticks, predicted: est.reload.ticks });
    assert.deepEqual(r.rows.map((x) => x.name).slice(1, 26), plan.ops.map((o) => o.name));
    const gate = r.rows.find((x) => x.name === 'block1.mlp_out')!;
    assert.equal(gate.predicted, est.ops.find((o) => o.name === 'block1.mlp_out')!.ticks);
    const text = formatCycles(r);
    assert.match(text, /^5 +block0\.qk_softmax +115 +108 +\+7 /m);
    assert.match(text, /^99 +\(not in the plan\) +3 +- +- /m);
    assert.match(text, /kernel's own routing/);
    assert.match(text, /2 op\(s\) differ from the estimate/);
    assert.doesNotMatch(text, /^cycles \d/m);
  });

  it('without routing, says the MoE ops use the default pair count; a missing count is a difference', () => {
    const est = estimatePlan(plan);
    const counts = new Map(est.ops.filter((o) => o.ticks && o.id !== 24).map((o) => [o.id, o.ticks]));
    const r = cycleReport(plan, counts, null);
    assert.equal(r.routing, 'default');
    const text = formatCycles(r);
    assert.match(text, /default routing \(18 token-expert pairs per block/);
    assert.match(text, /^24 +block1\.mlp_out +0 +[\d,]+ +−[\d,]+ +0$/m);
    assert.match(text, /^0 +one-time load \(reload=1\) +0 +1,538 +−1,538 +0$/m);
  });

  it('queue lengths from top-k picks', () => {
    assert.deepEqual(queueLengths(4, [0, 2, 2, 3, 0n, 2n]), [2, 0, 3, 1]);
  });
});
