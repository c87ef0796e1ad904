// Config limits and the memory-capacity rule: one place (validateConfig), so validate, gen and estimate agree, and
// huge sizes are refused before anything is allocated for them.
import assert from 'node:assert/strict';
import { resolveConfig, validateConfig, ConfigError } from '../../generator/config/index.ts';
import { storageLogicViolations } from '../../generator/config/capacity.ts';
import { estimateResources } from '../../generator/estimate/resources.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { LIMITS } from '../../generator/config/schema.ts';
import { modelStats } from '../../generator/model/stats.ts';
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

  describe('the board must hold the resource estimate (BRAM36, URAM, LUT, FF): one violation per resource, with the numbers', () => {
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    /** The config with `edit` applied, validated without the board fit (as explore does), and its estimate. */
    const over = (preset: string, edit: (c: ReturnType<typeof resolveConfig>) => void) => {
      const c = resolveConfig({ preset });
      edit(c);
      const unchecked = validateConfig(structuredClone(c), '', { boardFit: false });
      return { json: c, used: estimateResources(buildPlan(unchecked)).total };
    };

    it('ViT-S moved to the ZCU102: block RAM', () => {
      const { json, used } = over('m3vit-s-pascal', (c) => {
        c.hardware.platform = 'zcu102';
        c.hardware.part = 'xczu9eg-ffvb1156-2-e';
      });
      assert.ok(used.BRAM36 > 912);
      assert.throws(() => validateConfig(json, '(x)'), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const bram = e.violations.filter((v) => /BRAM36/.test(v.rule));
        assert.equal(bram.length, 1);
        assert.equal(bram[0]!.path, 'hardware');
        assert.match(bram[0]!.rule, new RegExp(`^the design needs ${fmt(used.BRAM36)} BRAM36 but the ZCU102 has 912 `));
        return true;
      });
    });

    it("activations 'onchip' that the board cannot hold: one violation on hardware.activations naming the arrays' share", () => {
      const { json, used } = over('m3vit-t-cityscapes', (c) => {
        c.model.image = [3, 512, 512];
        c.hardware.activations = 'onchip';
      });
      assert.ok(used.BRAM36 > 912);
      assert.throws(() => validateConfig(json, '(x)'), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const bram = e.violations.filter((v) => /BRAM36/.test(v.rule));
        assert.equal(bram.length, 1);
        assert.equal(bram[0]!.path, 'hardware.activations');
        assert.match(bram[0]!.rule, new RegExp(`^activations 'onchip' need ${fmt(used.BRAM36)} BRAM36 in all but the ZCU102 has 912: the activation arrays take [\\d,]+ \\(act_x [\\d,]+, act_tmp1 [\\d,]+, .*act_attn [\\d,]+`));
        return true;
      });
      // The same model in DRAM fits.
      json.hardware.activations = 'dram';
      assert.doesNotThrow(() => validateConfig(json, '(x)'));
    });

    it('ViT-T with a 64×64 linear tile on the ZCU102: LUT', () => {
      const { json, used } = over('m3vit-t-cityscapes', (c) => (c.hardware.linearTile = { in: 64, out: 64 }));
      assert.ok(used.LUT > 274080 && used.BRAM36 <= 912);
      const v = (() => {
        try {
          validateConfig(json);
        } catch (e) {
          if (e instanceof ConfigError) return e.violations;
          throw e;
        }
        return [];
      })();
      const lut = v.filter((x) => / LUT /.test(x.rule));
      assert.equal(lut.length, 1);
      assert.match(lut[0]!.rule, new RegExp(`needs ${fmt(used.LUT)} LUT but the ZCU102 has 274,080`));
      assert.ok(!v.some((x) => /BRAM36|URAM| FF /.test(x.rule)), JSON.stringify(v));
    });

    it('URAM: a plan with URAM buffers on a board without URAM (the rule itself; placement never overfills a board)', () => {
      const plan = buildPlan(resolveConfig({ preset: 'm3vit-s-pascal' }));
      const uram = estimateResources(plan).total.URAM;
      assert.ok(uram > 0);
      const moved = { ...plan, config: { ...plan.config, hardware: { ...plan.config.hardware, platform: 'zcu102' as const } } };
      const v = storageLogicViolations(moved).filter((x) => /URAM/.test(x.rule));
      assert.equal(v.length, 1);
      assert.match(v[0]!.rule, new RegExp(`needs ${fmt(uram)} URAM but the ZCU102 has 0 `));
      assert.deepEqual(storageLogicViolations(plan), [], 'ViT-S fits the U280');
    });

    it("explore's starting point is read without the board check (boardFit: false), every other command with it", () => {
      const sets = ['hardware.linearTile.in=64', 'hardware.linearTile.out=64'];
      assert.throws(() => resolveConfig({ preset: 'm3vit-t-cityscapes', sets }), ConfigError);
      assert.deepEqual(resolveConfig({ preset: 'm3vit-t-cityscapes', sets, boardFit: false }).hardware.linearTile, { in: 64, out: 64 });
    });

    it('validate: exit 2 naming the resource and the numbers; every preset passes', async () => {
      const r = await runCli(['validate', '-p', 'm3vit-t-cityscapes', '-s', 'hardware.linearTile.in=64', '-s', 'hardware.linearTile.out=64']);
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /^edgemoe: error: invalid config \(preset m3vit-t-cityscapes\) \(\d+ problems?\):\n(.*\n)* {2}hardware: the design needs [\d,]+ LUT but the ZCU102 has 274,080 /);
      for (const preset of ['m3vit-t-cityscapes', 'm3vit-t-cityscapes-accurate', 'm3vit-t-cityscapes-w8', 'm3vit-s-pascal', 'm3vit-s-nyud', 'tiny']) {
        const plan = buildPlan(resolveConfig({ preset }));
        assert.deepEqual(storageLogicViolations(plan), [], preset);
      }
    });
  });

  it("a DSP count over the device's is a config violation naming the count, the device's and the largest users", () => {
    // P = 16 doubles attention's MAC arrays: over the ZCU102's 2,520 by the estimator's count; P = 8 fits.
    const v = violations(['hardware.attnParallel=16']);
    assert.equal(v.length, 1);
    const m = /^hardware: the design needs ([\d,]+) DSP but the ZCU102 has 2,520 \(resource estimate, largest: (.*)\): reduce hardware.attnParallel/.exec(v[0]!);
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
    assert.match(r.stderr, /hardware: the design needs [\d,]+ DSP but the ZCU102 has 2,520 /);
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
