// The search space and the evaluation of explore on the tiny preset: every grid point either validates or is rejected
// by the config rules, latencies are the estimator's, the cap decides the fit, the ranking and the Pareto front hold.
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../generator/config/index.ts';
import { platformInfo } from '../../generator/build/platforms.ts';
import { cyclesToMs, estimatePlan } from '../../generator/estimate/estimate.ts';
import { evaluatePoints, paretoFront, rankPoints, RESOURCE_NAMES, whyNothingFits, type EvaluatedPoint } from '../../generator/explore/evaluate.ts';
import { formatNoFit } from '../../generator/explore/format.ts';
import { ACT16_INT_BITS, attnParallelAxis, AXES, enumeratePoints, GRID, knobsOf, knobsText, pointId, PRECISION_PROFILES, profilePrecision, profilesOf, retarget, SKIPS, withKnobs } from '../../generator/explore/space.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { attnQBlocks } from '../../generator/kernels/attention.ts';

describe('explore/space + evaluate on tiny', function () {
  this.timeout(60_000);
  const base = resolveConfig({ preset: 'tiny' });
  const { points, rejected, skipped } = enumeratePoints(base);
  let evaluated: EvaluatedPoint[];
  before(() => {
    evaluated = evaluatePoints(points, { maxUtil: 0.9 });
  });

  it('the grid: every combination is a valid point, rejected by the rules or skipped by a stated rule; the base point is in it', () => {
    const n = GRID.tile.length ** 2 * attnParallelAxis(9).length * GRID.axiBits.length * GRID.weightPorts.length * GRID.patchEmbed.length;
    assert.deepEqual(profilesOf(base), ['own', 'act16', 'w8']);
    assert.equal(points.length + rejected + skipped, 3 * n, 'the hardware grid once per precision profile');
    assert.equal(skipped, n / 2, 'w8 with the patch embedding on the unit: half of the w8 grid');
    assert.deepEqual(AXES.map((a) => a.key), ['tileIn', 'tileOut', 'attnParallel', 'axiBits', 'weightPorts', 'patchEmbed', 'precision']);
    assert.ok(rejected > 0, 'tiles wider than dim 32 are rejected');
    assert.throws(() => withKnobs(base, { tileIn: 64, tileOut: 64, attnParallel: 4, axiBits: 256, weightPorts: 1, precision: 'own' }), (e) => e instanceof ConfigError && /linearTile\.in/.test(e.message));
    assert.equal(new Set(points.map((p) => p.id)).size, points.length, 'ids are unique');
    assert.ok(points.some((p) => p.id === pointId(knobsOf(base))), 'the base point is explored');
    for (const p of points) assert.deepEqual({ ...knobsOf(p.config), precision: p.knobs.precision }, p.knobs);
    // Two weight ports fit ZCU102 (five bundles of six ports); the point id and config carry them.
    const two = points.find((p) => p.knobs.weightPorts === 2 && p.knobs.precision === 'own')!;
    assert.match(two.id, /-w2$/);
    assert.equal(two.config.hardware.weightPorts, 2);
    assert.match(points.find((p) => p.knobs.weightPorts === 2 && p.knobs.precision === 'act16')!.id, /-w2-act16$/);
    // Four weight ports on ZCU102 (six PS ports): the activation regions merged onto the two ports left.
    const four = points.find((p) => p.knobs.weightPorts === 4 && p.knobs.precision === 'own' && !p.knobs.patchEmbed)!;
    assert.match(four.id, /-w4$/);
    assert.equal(four.mergedBundles, true);
    assert.deepEqual(Object.keys(four.config.hardware.bundles), ['inout1', 'inout2', 'weights']);
    assert.deepEqual(Object.values(four.config.hardware.bundles).flat().sort(), Object.values(base.hardware.bundles).flat().sort());
    assert.ok(!points.some((p) => p.knobs.weightPorts < 4 && p.mergedBundles), 'one and two ports keep the base bundles');
    for (const p of points.filter((q) => q.knobs.weightPorts < 4)) assert.deepEqual(p.config.hardware.bundles, base.hardware.bundles, p.id);
    assert.match(points.find((p) => p.knobs.weightPorts === 4 && p.knobs.precision === 'w8')!.id, /-w4-w8$/);
  });

  it('w8: the -w8 preset\'s precision on the base model, never with the patch embedding on the unit', () => {
    const w8 = points.filter((p) => p.knobs.precision === 'w8');
    assert.ok(w8.length > 0);
    assert.ok(!w8.some((p) => p.knobs.patchEmbed === 'unified'), 'skipped: its patch weights would become 8-bit');
    assert.ok(points.some((p) => p.knobs.precision !== 'w8' && p.knobs.patchEmbed === 'unified'), 'other profiles keep the unit');
    assert.ok(SKIPS.some((r) => r.when({ ...knobsOf(base), patchEmbed: 'unified', precision: 'w8' }) && /too coarse/.test(r.why)));
    assert.ok(!SKIPS.some((r) => r.when({ ...knobsOf(base), patchEmbed: 'unified', precision: 'act16' })));
    // On Edge-MoE's types (tiny, the default preset) it is exactly the preset's precision.
    const preset = resolveConfig({ preset: 'm3vit-t-cityscapes-w8' });
    for (const p of w8) assert.deepEqual(p.config.precision, preset.precision, p.id);
    assert.equal(preset.precision.linearWeight.gptq, true, 'pack rounds with GPTQ on the shipped calibration set');
    assert.deepEqual(profilePrecision(resolveConfig({ preset: 'm3vit-t-cityscapes' }), 'w8'), preset.precision);
    // ViT-S folds ÷255 and ImageNet std into the patch weights: they keep its 3 integer bits; the rest is the preset's.
    const s = resolveConfig({ preset: 'm3vit-s-pascal' });
    const sw8 = profilePrecision(s, 'w8')!;
    assert.equal(sw8.tensors!['patch_embed.proj.weight']!.I, 3);
    assert.deepEqual(sw8.patchWeight, s.precision.patchWeight);
    assert.deepEqual({ ...sw8.activation }, { ...preset.precision.activation });
    assert.deepEqual({ ...sw8.linearWeight, q: null, o: null }, { ...preset.precision.linearWeight, q: null, o: null });
    assert.deepEqual({ ...sw8.tensors, 'patch_embed.proj.weight': null }, { ...preset.precision.tensors, 'patch_embed.proj.weight': null });
    // Its table words name it.
    assert.match(knobsText(w8[0]!.knobs, w8[0]!.config), /, w8 gptq, act <16,5> rnd sat$/);
  });

  it('the precision axis: the base precision, and activations ap_fixed<16,5> rounded and saturating with everything else kept', () => {
    const own = points.filter((p) => p.knobs.precision === 'own');
    const a16 = points.filter((p) => p.knobs.precision === 'act16');
    assert.ok(own.length > 0 && a16.length > 0);
    for (const p of own) assert.deepEqual(p.config.precision, base.precision, p.id);
    for (const p of a16) {
      assert.deepEqual(p.config.precision.activation, { ...base.precision.activation, W: 16, I: ACT16_INT_BITS, q: 'AP_RND_CONV', o: 'AP_SAT' }, p.id);
      assert.deepEqual({ ...p.config.precision, activation: null }, { ...base.precision, activation: null }, p.id);
    }
    // 16-bit activations pack twice the lanes into an AXI word, so a tile must be twice as wide: fewer pass the rules.
    assert.ok(a16.length < own.length);
    assert.ok(!a16.some((p) => p.knobs.tileIn * 16 < p.knobs.axiBits));
    // A base already at these 16-bit activations has no act16 profile: no duplicate points (w8 still differs).
    const b16 = resolveConfig({ preset: 'tiny', sets: ['precision.activation.W=16', `precision.activation.I=${ACT16_INT_BITS}`, 'precision.activation.q=AP_RND_CONV', 'precision.activation.o=AP_SAT'] });
    assert.deepEqual(profilesOf(b16), ['own', 'w8']);
  });

  it('the P axis: the powers of two plus the smallest P of every attention pass count up to 32, per token count', () => {
    // tiny has 9 tokens: 3 joins the powers (4 passes at P = 3, 5 at P = 2); 5..7 give P = 4's 3 passes, 9 P = 8's 2.
    assert.deepEqual(attnParallelAxis(9), [1, 2, 3, 4, 8, 16, 32]);
    assert.deepEqual([...new Set(points.map((p) => p.knobs.attnParallel))].sort((a, b) => a - b), [1, 2, 3, 4, 8], 'P > 9 tokens refused by the rules');
    // M³ViT-T's 129 tokens: 5 passes at 32, 6 at 26, 7 at 22, 8 at 19, 9 at 16 (the kernel's ⌈(N+P−1)/P⌉ q-blocks).
    assert.deepEqual(attnParallelAxis(129), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 19, 22, 26, 32]);
    for (const n of [9, 13, 129, 197, 1025]) {
      const axisN = attnParallelAxis(n);
      assert.deepEqual(axisN, [...new Set(axisN)].sort((a, b) => a - b), `N=${n}: sorted, distinct`);
      for (const p of GRID.attnParallel) assert.ok(axisN.includes(p), `N=${n}: power of two ${p}`);
      // Every P up to the bound is either on the axis or as slow as the next smaller value on it (it only costs DSPs).
      for (let p = 1; p <= Math.min(32, n); p++) {
        const below = Math.max(...axisN.filter((q) => q <= p));
        if (!axisN.includes(p)) assert.equal(attnQBlocks(n, p), attnQBlocks(n, below), `N=${n} P=${p}`);
        else if (p > 1 && !GRID.attnParallel.includes(p as never)) assert.ok(attnQBlocks(n, p) < attnQBlocks(n, p - 1), `N=${n} P=${p} saves a pass`);
      }
    }
  });

  it('point ids are stable: the base precision keeps its ids, another profile appends its name', () => {
    assert.equal(pointId({ tileIn: 16, tileOut: 16, attnParallel: 4, axiBits: 256, weightPorts: 1, precision: 'own' }), 't16x16-p4-a256');
    assert.equal(pointId({ tileIn: 16, tileOut: 32, attnParallel: 8, axiBits: 128, weightPorts: 1, precision: 'act16' }), 't16x32-p8-a128-act16');
    assert.deepEqual(enumeratePoints(base).points.map((p) => p.id), points.map((p) => p.id), 'same order on every run');
    assert.equal(pointId({ tileIn: 64, tileOut: 16, attnParallel: 26, axiBits: 128, weightPorts: 4, patchEmbed: 'unified', precision: 'act16' }), 't64x16-p26-a128-w4-pu-act16');
    assert.equal(pointId({ tileIn: 64, tileOut: 16, attnParallel: 26, axiBits: 128, weightPorts: 4, precision: 'w8' }), 't64x16-p26-a128-w4-w8');
    assert.deepEqual(PRECISION_PROFILES, ['own', 'act16', 'w8']);
  });

  it('retarget moves the config to another board and its part, and keeps the rest', () => {
    const u = retarget(base, 'u280');
    assert.equal(u.hardware.platform, 'u280');
    assert.equal(u.hardware.part, platformInfo('u280').part);
    assert.deepEqual(u.model, base.model);
    assert.deepEqual(u.hardware.linearTile, base.hardware.linearTile);
  });

  it("a fitting point's latency is the estimator's binding bound; a point fits iff every resource is under the cap", () => {
    for (const p of evaluated.filter((_, i) => i % 17 === 0)) {
      const cap = platformInfo('zcu102').capacity;
      assert.equal(p.fits, RESOURCE_NAMES.every((r) => p.resources[r] <= 0.9 * cap[r]), p.id);
      if (!p.fits) continue;
      const e = estimatePlan(buildPlan(p.config));
      assert.equal(p.latency!.cycles, e.totals.bound, p.id);
      assert.equal(p.latency!.cyclesLow, e.totals.boundFlat, p.id);
      assert.equal(p.latency!.ms, cyclesToMs(e.totals.bound, 300));
      assert.equal(p.latency!.bandwidthBoundCycles + p.latency!.computeBoundCycles, e.totals.bound);
      assert.deepEqual(p.resources, e.resources.total, p.id);
    }
    // A cap just under the base point's DSP share puts it over on DSP.
    const own = evaluated.find((p) => p.id === pointId(knobsOf(base)))!;
    const [tight] = evaluatePoints([own], { maxUtil: own.util.DSP - 1e-9 });
    assert.ok(!tight!.fits && tight!.over.includes('DSP') && tight!.latency === null);
  });

  it('ranking by latency or DSP, and the Pareto front: no fitting point beats a front point on both', () => {
    const byLat = rankPoints(evaluated, 'latency');
    const byDsp = rankPoints(evaluated, 'dsp');
    assert.equal(byLat.length, evaluated.filter((p) => p.fits).length);
    for (let i = 1; i < byLat.length; i++) assert.ok(byLat[i - 1]!.latency!.cycles <= byLat[i]!.latency!.cycles);
    for (let i = 1; i < byDsp.length; i++) assert.ok(byDsp[i - 1]!.resources.DSP <= byDsp[i]!.resources.DSP);
    const front = paretoFront(evaluated);
    assert.ok(front.length >= 2);
    assert.equal(front[0], byDsp[0], 'the cheapest point is on the front');
    assert.ok(front.some((p) => p.latency!.cycles === byLat[0]!.latency!.cycles), 'a fastest point is on the front');
    const beats = (q: EvaluatedPoint, p: EvaluatedPoint) => q.latency!.cycles <= p.latency!.cycles && q.resources.DSP <= p.resources.DSP && (q.latency!.cycles < p.latency!.cycles || q.resources.DSP < p.resources.DSP);
    for (const p of front) assert.ok(!byLat.some((q) => beats(q, p)), `${p.id} is dominated`);
    for (const p of byLat) if (!front.includes(p)) assert.ok(front.some((q) => beats(q, p) || (q.latency!.cycles === p.latency!.cycles && q.resources.DSP === p.resources.DSP)), `${p.id} is off the front without a reason`);
  });

  it('when different points break different resources, each is named with its points, the least need and the cap', () => {
    // Half the points over on DSP only, the other half on LUT only (their real figures; the cap is what differs).
    const mixed = evaluated.map((p, i) => ({ ...p, fits: false, over: [i % 2 ? ('LUT' as const) : ('DSP' as const)] }));
    const n = whyNothingFits(mixed);
    assert.deepEqual(n.everywhere, []);
    const msg = formatNoFit('tiny', 'ZCU102', 0.9, n, mixed.length);
    const half = (odd: number) => mixed.filter((_, i) => i % 2 === odd);
    const least = (r: 'DSP' | 'LUT') => Math.min(...mixed.map((p) => p.resources[r])).toLocaleString('en-US');
    assert.match(msg, /no single resource binds them all, each point is over on one or more of: /);
    assert.ok(msg.includes(`DSP (the least any point needs is ${least('DSP')}, the cap 2,268 of 2,520) in ${half(0).length}/${mixed.length}`), msg);
    assert.ok(msg.includes(`LUT (the least any point needs is ${least('LUT')}, the cap 246,672 of 274,080) in ${half(1).length}/${mixed.length}`), msg);
    const one = formatNoFit('tiny', 'ZCU102', 0.15, whyNothingFits(evaluatePoints(points, { maxUtil: 0.15 })), points.length);
    assert.match(one, new RegExp(`every one of the ${points.length} points is over on DSP \\(the least any point needs is [\\d,]+, the cap 378 of 2,520\\)$`));
  });

  it('when nothing fits, the resource that bound every point is named', () => {
    // tiny needs > 15 % of the DSPs at its smallest (every exp/recip unit counted; 442 with the patch embedding on the
    // linear unit) and less than 15 % of the rest at its smallest.
    const n = whyNothingFits(evaluatePoints(points, { maxUtil: 0.15 }));
    assert.deepEqual(n.everywhere, ['DSP']);
    const dsp = n.counts.find((c) => c.resource === 'DSP')!;
    assert.equal(dsp.points, points.length);
    assert.equal(dsp.least, Math.min(...evaluated.map((p) => p.resources.DSP)));
  });
});
