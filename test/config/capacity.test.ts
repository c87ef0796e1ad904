// Config limits and the memory-capacity rule: one place (validateConfig), so validate, gen and estimate agree, and
// huge sizes are refused before anything is allocated for them.
import assert from 'node:assert/strict';
import { resolveConfig, ConfigError } from '../../generator/config/index.ts';
import { LIMITS } from '../../generator/config/schema.ts';
import { estimateResources } from '../../generator/estimate/resources.ts';
import { modelStats } from '../../generator/model/stats.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { runCli } from '../helpers/cli.ts';
import { scratch } from '../helpers/paths.ts';

function violations(sets: string[]): string[] {
  try {
    resolveConfig({ preset: 'm3vit-t-cityscapes', sets });
  } catch (e) {
    if (e instanceof ConfigError) return e.violations.map((v) => `${v.path}: ${v.rule}`);
    throw e;
  }
  return [];
}

describe('config limits and capacity', () => {
  it('refuses sizes beyond the stated limits at once (no plan, no allocation)', () => {
    const t0 = performance.now();
    assert.deepEqual(violations(['model.depth=1000000000']), ["model.depth: depth must be at most 64 (edgemoe's limit)"]);
    assert.deepEqual(violations(['model.moe.experts=1000000000']), ["model.moe.experts: experts must be at most 64 (edgemoe's limit)"]);
    assert.deepEqual(violations(['model.image=[3,1000000,1000000]']), ["model.image.1: image height must be at most 4096 (edgemoe's limit)", "model.image.2: image width must be at most 4096 (edgemoe's limit)"]);
    assert.deepEqual(violations(['model.image=[3,4096,4096]']), ["model.image: 65536 patches per image (image / patch): at most 16384 (edgemoe's limit)"]);
    assert.ok(performance.now() - t0 < 2000);
  });

  it('weights that do not fit a memory bank are a config violation (validate refuses what gen refuses)', () => {
    assert.deepEqual(violations(['model.moe.experts=64', 'model.moe.expertHidden=16384']).map((v) => v.replace(/\d{6,}/g, 'N')), ['hardware.bundles.weights: N bytes exceed one ZCU102 (Zynq UltraScale+ XCZU9EG) memory bank (N bytes)']);
  });

  it("a DSP count over the device's is a config violation naming the count, the device's and the largest users", () => {
    // P = 16 doubles attention's MAC arrays: over the ZCU102's 2,520 by the estimator's count; P = 8 fits.
    const v = violations(['hardware.attnParallel=16']);
    assert.equal(v.length, 1);
    const m = /^hardware: needs ([\d,]+) DSP slices by the estimator's count, the ZCU102 \(.*\) has 2,520 \(largest: (.*)\)/.exec(v[0]!);
    assert.ok(m, v[0]);
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    const need = estimateResources(buildPlan({ ...plan.config, hardware: { ...plan.config.hardware, attnParallel: 16 } })).total.DSP;
    assert.equal(Number(m[1]!.replace(/,/g, '')), need);
    assert.ok(need > 2520);
    assert.match(m[2]!, /qk_blocks|av_blocks/);
    assert.deepEqual(violations(['hardware.attnParallel=8']), []);
  });

  it('validate exits 2 on a DSP count over the device, saying so on stderr', async () => {
    const r = await runCli(['validate', '--preset', 'm3vit-t-cityscapes', '-s', 'hardware.attnParallel=16']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /hardware: needs [\d,]+ DSP slices .* has 2,520/);
  });

  it('at the limits, MAC counts stay exact (below 2^53)', () => {
    const base = resolveConfig({ preset: 'm3vit-s-pascal' });
    const side = 16 * Math.sqrt(LIMITS.patches);
    const m = { ...base.model, image: [LIMITS.channels, side, side] as [number, number, number], dim: LIMITS.dim, depth: LIMITS.depth, heads: LIMITS.heads, mlpRatio: LIMITS.mlpRatio };
    const s = modelStats({ ...base, model: { ...m, moe: { ...m.moe, experts: LIMITS.experts, topK: LIMITS.experts, expertHidden: LIMITS.expertHidden } } }) as unknown as Record<string, unknown>;
    const nums: number[] = [];
    const walk = (x: unknown) => (typeof x === 'number' ? nums.push(x) : x && typeof x === 'object' ? Object.values(x).forEach(walk) : undefined);
    walk(s);
    assert.ok(nums.length > 0 && nums.every((n) => n <= Number.MAX_SAFE_INTEGER), 'a stat exceeds 2^53');
  });

  it('validate, gen and estimate give the same one-line error and exit 2 (no crash, no ZodError)', async () => {
    for (const set of ['model.depth=1000000000', 'model.image=[3,1000000,1000000]']) {
      for (const cmd of [['validate'], ['gen', '-o', `${scratch()}/d`], ['estimate']]) {
        const r = await runCli([...cmd, '-s', set]);
        assert.equal(r.exitCode, 2, `${cmd[0]} ${set}: ${r.stderr}`);
        assert.match(r.stderr, /^edgemoe: error: invalid config .*\n {2}model\.(depth|image\.1): .* must be at most (64|4096) \(edgemoe's limit\)/);
        assert.doesNotMatch(r.stderr, /internal error|ZodError/);
      }
    }
  });
});
