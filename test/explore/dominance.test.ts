// The attention axis is searched by dominance (space.ts DOMINANCE): a fused point has its split twin's DSPs and a
// modelled latency never above it, so the twin is estimated only when the fused point is refused or does not fit.
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../generator/config/index.ts';
import { estimatePlan } from '../../generator/estimate/estimate.ts';
import { evaluatePoints } from '../../generator/explore/evaluate.ts';
import { DOMINANCE, enumeratePoints, pointId, retarget, withKnobs, type DesignPoint } from '../../generator/explore/space.ts';
import { buildPlan } from '../../generator/plan/index.ts';

describe('explore: fused attention dominates its split twin', function () {
  this.timeout(60_000);
  const base = resolveConfig({ preset: 'tiny' });
  const { points } = enumeratePoints(base);
  const paired = points.filter((p): p is DesignPoint & { twin: DesignPoint } => !!p.twin);

  it('a twin differs only in hardware.attention, its id without -af', () => {
    assert.equal(DOMINANCE.key, 'attention');
    assert.ok(paired.length > 100);
    for (const p of paired) {
      assert.equal(p.knobs.attention, 'fused');
      assert.equal(p.twin.knobs.attention, undefined);
      assert.equal(p.twin.id, p.id.replace('-af', ''));
      assert.deepEqual({ ...p.config, hardware: { ...p.config.hardware, attention: 'split' } }, { ...p.twin.config, hardware: { ...p.twin.config.hardware, attention: 'split' } }, p.id);
    }
  });

  const sample = <T,>(list: readonly T[], n: number): T[] => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0);
  const check = (fused: DesignPoint, split: DesignPoint) => {
    const f = estimatePlan(buildPlan(fused.config));
    const s = estimatePlan(buildPlan(split.config));
    assert.equal(f.resources.total.DSP, s.resources.total.DSP, `${fused.id}: same DSPs`);
    assert.ok(f.totals.bound <= s.totals.bound, `${fused.id}: fused ${f.totals.bound} ≤ split ${s.totals.bound} cycles (upper)`);
    assert.ok(f.totals.boundFlat <= s.totals.boundFlat, `${fused.id}: fused ${f.totals.boundFlat} ≤ split ${s.totals.boundFlat} cycles (lower)`);
  };

  it('equal DSPs and fused ≤ split modelled latency, on a sample of tiny points (every architecture and precision)', () => {
    for (const p of sample(paired, 120)) check(p, p.twin);
  });

  it('the same on a sample of M³ViT-T points on ZCU102', () => {
    const t = retarget(resolveConfig({ preset: 'm3vit-t-cityscapes' }), 'zcu102');
    const knobs = [
      { tileIn: 64, tileOut: 16, attnParallel: 26, axiBits: 128, weightPorts: 4, activations: 'onchip', gate: 'unified', precision: 'w8' },
      { tileIn: 16, tileOut: 16, attnParallel: 4, axiBits: 256, weightPorts: 1, precision: 'own' },
      { tileIn: 32, tileOut: 8, attnParallel: 8, axiBits: 128, weightPorts: 2, activations: 'onchip', precision: 'act16' },
      { tileIn: 8, tileOut: 16, attnParallel: 1, axiBits: 256, weightPorts: 1, gate: 'unified', precision: 'own' },
    ] as const;
    for (const k of knobs) {
      const mk = (attention: 'fused' | undefined): DesignPoint => {
        const kk = { ...k, ...(attention ? { attention } : {}) };
        return { id: pointId(kk), knobs: kk, config: withKnobs(t, kk) };
      };
      check(mk('fused'), mk(undefined));
    }
  });

  it('a point whose fused twin the rules refuse is its split point (no twin)', () => {
    const alone = points.filter((p) => !p.knobs.attention);
    assert.ok(alone.length > 0, 'some fused points are refused on tiny');
    for (const p of alone) {
      assert.equal(p.twin, undefined);
      assert.throws(() => withKnobs(base, { ...p.knobs, attention: 'fused' }), ConfigError, p.id);
    }
  });

  it('the split twin is estimated right after its fused point only when that does not fit, and not when DSPs bind', () => {
    const p = paired.find((q) => !q.mergedBundles)!;
    const [e] = evaluatePoints([p], { maxUtil: 1 });
    assert.deepEqual([e!.id, e!.fits], [p.id, true], 'fits: the twin is never estimated');
    assert.ok(!('twin' in e!), 'the twin is not carried into the result');
    assert.deepEqual(evaluatePoints([p], { maxUtil: 1e-6 }).map((x) => x.id), [p.id], 'over on DSPs: so is the twin');
    // A cap between the point's DSP share and its highest share (BRAM36 on explore's ViT-T choice): over, not on DSPs.
    const t = retarget(resolveConfig({ preset: 'm3vit-t-cityscapes' }), 'zcu102');
    const k = { tileIn: 64, tileOut: 16, attnParallel: 26, axiBits: 128, weightPorts: 4, activations: 'onchip', gate: 'unified', precision: 'w8' } as const;
    const kf = { ...k, attention: 'fused' } as const;
    const twin: DesignPoint = { id: pointId(k), knobs: k, config: withKnobs(t, k) };
    const fused: DesignPoint = { id: pointId(kf), knobs: kf, config: withKnobs(t, kf), twin };
    const u = evaluatePoints([fused], { maxUtil: 1 })[0]!.util;
    assert.ok(u.BRAM36 > u.DSP, JSON.stringify(u));
    const both = evaluatePoints([fused], { maxUtil: (u.DSP + u.BRAM36) / 2 });
    assert.deepEqual(both.map((x) => [x.id, x.over.includes('DSP'), x.over.includes('BRAM36')]), [[fused.id, false, true], [twin.id, false, true]]);
    assert.equal(both[0]!.fits, false);
  });

  it('merged activation bundles (four weight ports on ZCU102, DRAM activations) leave too few ports for fused attention', () => {
    // evaluate.ts estimates the twin of a fused merged-bundle point anyway (its bundle split is its own); none exists.
    const merged = points.filter((p) => p.mergedBundles);
    assert.ok(merged.length > 0);
    for (const p of merged) assert.equal(p.knobs.attention, undefined, p.id);
  });
});
