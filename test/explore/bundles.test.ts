// The bundle layout of explore's points with four weight ports: on ZCU102 (six PS ports) the activation regions are
// merged onto the two ports left, split for the least modelled latency — the scorer is the estimator's own bound.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { resolveConfig, validateConfig, type Config } from '../../generator/config/index.ts';
import { estimatePlan } from '../../generator/estimate/estimate.ts';
import { activationRegions, balanceBundles, bundlesOf, groupsOf, mergeActivationBundles, needsMergedBundles, partitions, settleBundles, splitIsLeast, splitScorer } from '../../generator/explore/bundles.ts';
import { evaluatePoints } from '../../generator/explore/evaluate.ts';
import { knobsOf, retarget, withKnobs } from '../../generator/explore/space.ts';
import { buildPlan } from '../../generator/plan/index.ts';

describe('explore/bundles: merged activation bundles for four weight ports', function () {
  this.timeout(120_000);
  const vitT = resolveConfig({ preset: 'm3vit-t-cityscapes' });
  // The best four-port point of ViT-T on ZCU102 (16-bit activations, patch embedding on the unit).
  const point = withKnobs(vitT, { tileIn: 64, tileOut: 16, attnParallel: 26, axiBits: 128, weightPorts: 4, patchEmbed: 'unified', precision: 'act16' });

  it('partitions: every split into exactly k non-empty groups once (Stirling numbers of the second kind)', () => {
    assert.deepEqual(partitions(3, 2), [[0, 0, 1], [0, 1, 0], [0, 1, 1]]);
    assert.equal(partitions(8, 2).length, 127);
    assert.equal(partitions(8, 3).length, 966);
    assert.equal(partitions(4, 4).length, 1);
    assert.deepEqual(partitions(2, 3), []);
    for (const s of partitions(6, 3)) assert.equal(new Set(s).size, 3);
    assert.equal(new Set(partitions(6, 3).map((s) => s.join())).size, 90);
  });

  it('a merge only where the board is short of ports: ZCU102 with 4 ports, not with 2, not the U280', () => {
    const at = (c: typeof vitT, ports: number) => ({ ...c, hardware: { ...c.hardware, weightPorts: ports } });
    assert.equal(needsMergedBundles(at(vitT, 2)), false, '5 bundles + 1 extra port = 6');
    assert.equal(needsMergedBundles(at(vitT, 4)), true, '5 + 3 > 6');
    assert.equal(needsMergedBundles(at(retarget(vitT, 'u280'), 4)), false, '32 HBM channels');
    const u = withKnobs(retarget(vitT, 'u280'), { ...knobsOf(vitT), weightPorts: 4 });
    assert.deepEqual(u.hardware.bundles, vitT.hardware.bundles);
    // The provisional merge: the regions in bundle order, two runs of four; the weights bundle kept, last.
    assert.deepEqual(mergeActivationBundles(at(vitT, 4)), { inout1: ['tmp1', 'attn', 'images', 'tmp2'], inout2: ['x', 'tmp3', 'hidden', 'softmaxInfo'], weights: ['weights'] });
    assert.deepEqual(activationRegions(vitT), ['tmp1', 'attn', 'images', 'tmp2', 'x', 'tmp3', 'hidden', 'softmaxInfo']);
  });

  // Every two-way split of the point, with the estimator's binding bound of each.
  let splits: Array<{ split: number[]; config: Config; bound: number; low: number }>;
  let least: number;
  before(() => {
    const { regions, k } = splitScorer(point);
    splits = partitions(regions.length, k).map((split) => {
      const json = structuredClone(point);
      json.hardware.bundles = bundlesOf(point, groupsOf(regions, k, split));
      const config = validateConfig(json, '(test split)', { boardFit: false });
      const t = estimatePlan(buildPlan(config)).totals;
      return { split, config, bound: t.bound, low: t.boundFlat };
    });
    least = Math.min(...splits.map((x) => x.bound));
  });

  it("the scorer is the estimator's binding bound for every split, and the balanced split is the least of them", () => {
    const { cost, costLow } = splitScorer(point);
    for (const x of splits) assert.deepEqual([cost(x.split), costLow(x.split)], [x.bound, x.low], `split ${x.split.join('')}`);
    assert.ok(Math.max(...splits.map((x) => x.bound)) > least, 'the split matters at this point');
    const balanced = balanceBundles(point);
    assert.equal(estimatePlan(buildPlan(balanced)).totals.bound, least);
    const leastLow = Math.min(...splits.filter((x) => x.bound === least).map((x) => x.low));
    assert.deepEqual(balanced.hardware.bundles, splits.find((x) => x.bound === least && x.low === leastLow)!.config.hardware.bundles, 'then the low bound, then the first split');
    // README's hand-written example split is no better.
    const readme = structuredClone(point);
    readme.hardware.bundles = { inout1: ['tmp1', 'attn', 'images', 'tmp2', 'x'], inout3: ['tmp3', 'hidden', 'softmaxInfo'], weights: ['weights'] };
    assert.ok(estimatePlan(buildPlan(validateConfig(readme, '(readme split)', { boardFit: false }))).totals.bound >= least);
  });

  it('splitIsLeast: true exactly for the splits at the least high and low bounds (every op at its split-independent floor)', () => {
    const leastLow = Math.min(...splits.filter((x) => x.bound === least).map((x) => x.low));
    for (const x of splits) assert.equal(splitIsLeast(estimatePlan(buildPlan(x.config)), x.config), x.bound === least && x.low === leastLow, `split ${x.split.join('')}`);
  });

  it('evaluate gives a fitting merged point a split of least latency, with its resources and latency from that plan', () => {
    const p = { id: 't64x16-p26-a128-w4-pu-act16', knobs: knobsOf(point), config: point, mergedBundles: true as const };
    assert.deepEqual(point.hardware.bundles, mergeActivationBundles(point), 'withKnobs merged provisionally');
    assert.ok(splits.find((x) => isDeepStrictEqual(x.config.hardware.bundles, point.hardware.bundles))!.bound > least, 'the provisional split is not least here');
    // Twice in one call: the second point starts from the split the first needed (no probe) and ends the same.
    const [e, again] = evaluatePoints([p, p], { maxUtil: 0.9 });
    for (const x of [e!, again!]) {
      assert.ok(x.fits);
      assert.equal(x.latency!.cycles, least);
      assert.equal(x.latency!.cyclesLow, Math.min(...splits.filter((y) => y.bound === least).map((y) => y.low)));
      const est = estimatePlan(buildPlan(x.config));
      assert.equal(est.totals.bound, least);
      assert.deepEqual(x.resources, est.resources.total);
    }
    assert.deepEqual(again!.config.hardware.bundles, e!.config.hardware.bundles);
    const memo: { bundles?: Config['hardware']['bundles'] } = {};
    const s = settleBundles(point, memo);
    assert.equal(s.estimate.totals.bound, least);
    assert.deepEqual(memo.bundles, s.config.hardware.bundles, 'the memo holds the split the point needed');
  });
});
