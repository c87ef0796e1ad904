import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import type { FixedType } from '../../generator/config/schema.ts';
import { checkWeights } from '../../generator/weights/check.ts';
import { initRule, randomWeights, Xoshiro128, QK_GAIN, MAX_SEED } from '../../generator/weights/random.ts';
import { assertUserError } from './assert-user-error.ts';
import { loadImage } from '../../generator/io/image.ts';
import { runReference } from '../../generator/reference/model.ts';
import { IMAGES } from '../helpers/paths.ts';

const bytes = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** The config precision class a tensor is quantised with (pack's convention, fixture README + m3vit.md §4). */
function precisionClass(name: string): 'linearWeight' | 'patchWeight' | 'bias' | 'attnBias' | 'activation' {
  if (name === 'cls_token' || name === 'pos_embed') return 'activation';
  if (name === 'patch_embed.proj.weight') return 'patchWeight';
  if (/attn\.(qkv|proj)\.bias$/.test(name)) return 'attnBias';
  if (name.endsWith('.bias') || /norm\d\.weight$/.test(name)) return 'bias';
  return 'linearWeight';
}
const maxAbs = (t: FixedType) => 2 ** (t.I - (t.signed ? 1 : 0));

describe('weights/random', () => {
  const defaultConfig = resolveConfig();
  let defaultWeights: ReturnType<typeof randomWeights>;
  before(() => {
    defaultWeights = randomWeights(defaultConfig, 1);
  });

  it('xoshiro128** matches the reference sequence for state (1,2,3,4)', () => {
    const g = Xoshiro128.fromState(1, 2, 3, 4);
    assert.deepEqual(Array.from({ length: 6 }, () => g.nextU32()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('draws unit-variance truncated normals (|z| ≤ 2.28) with mean 0', () => {
    const g = new Xoshiro128(42);
    let s = 0, s2 = 0, mx = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = g.truncNormal();
      s += z;
      s2 += z * z;
      mx = Math.max(mx, Math.abs(z));
    }
    // Standard errors: mean 1/√n ≈ 0.0022, variance ≈ 0.003 → 5σ bounds.
    assert.ok(Math.abs(s / n) < 0.012, `mean ${s / n}`);
    assert.ok(Math.abs(s2 / n - 1) < 0.015, `var ${s2 / n}`);
    assert.ok(mx <= 2 / 0.8796256610342398 + 1e-12 && mx > 2.2, `max ${mx}`);
  });

  it('covers every tensor of the config and passes checkWeights (default, tiny variants)', () => {
    checkWeights(defaultConfig, defaultWeights);
    for (const sets of [[], ['model.moe.blocks="even"', 'model.qkvBias=false', 'model.tasks=["a","b","c","d","e"]']]) {
      const c = resolveConfig({ preset: 'tiny', sets });
      checkWeights(c, randomWeights(c, 3));
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const c = resolveConfig({ preset: 'tiny' });
    const a = randomWeights(c, 7), b = randomWeights(c, 7), d = randomWeights(c, 8);
    for (const [k, t] of a) {
      assert.ok(bytes(t.data).equals(bytes(b.get(k)!.data)), `${k} not deterministic`);
      assert.ok(!bytes(t.data).equals(bytes(d.get(k)!.data)), `${k} same for seeds 7 and 8`);
    }
  });

  it("keeps each tensor's values independent of the rest of the config", () => {
    const a = randomWeights(resolveConfig({ preset: 'tiny' }), 5);
    const b = randomWeights(resolveConfig({ preset: 'tiny', sets: ['model.tasks=["a","b","c"]'] }), 5);
    assert.ok(bytes(a.get('blocks.1.mlp.gate.1.w_gate')!.data).equals(bytes(b.get('blocks.1.mlp.gate.1.w_gate')!.data)));
    assert.ok(b.has('blocks.1.mlp.gate.2.w_gate'));
  });

  it('fits every value well inside its Edge-MoE fixed-point range (≤ 1/4 of it) on the default preset', () => {
    const c = defaultConfig;
    for (const [name, t] of defaultWeights) {
      let mx = 0;
      for (const v of t.data as Float32Array) mx = Math.max(mx, Math.abs(v));
      const cls = precisionClass(name);
      assert.ok(mx < maxAbs(c.precision[cls]) / 4, `${name}: max |w| ${mx} vs ${cls} range ±${maxAbs(c.precision[cls])}`);
    }
  });

  it('realises the documented scales (std per rule, zero-sum patch filters, q/k gain)', () => {
    const w = defaultWeights;
    for (const name of ['blocks.3.mlp.experts.h4toh.weight', 'blocks.0.mlp.fc2.weight', 'blocks.5.mlp.gate.1.w_gate', 'pos_embed', 'blocks.4.norm2.weight']) {
      const t = w.get(name)!;
      const { mean, std } = initRule(name, t.shape);
      const d = t.data as Float32Array;
      let s = 0, s2 = 0;
      for (const v of d) {
        s += v;
        s2 += (v - mean) ** 2;
      }
      const rel = Math.sqrt(s2 / d.length) / std;
      assert.ok(Math.abs(rel - 1) < 0.1, `${name}: std ratio ${rel}`);
      assert.ok(Math.abs(s / d.length - mean) < (5 * std) / Math.sqrt(d.length), `${name}: mean ${s / d.length}`);
    }
    const pw = w.get('patch_embed.proj.weight')!.data as Float32Array;
    for (let r = 0; r < 192; r++) {
      let s = 0;
      for (let i = 0; i < 768; i++) s += pw[r * 768 + i]!;
      assert.ok(Math.abs(s) < 1e-4, `filter ${r} sums to ${s}`);
    }
    const qkv = w.get('blocks.0.attn.qkv.weight')!.data as Float32Array;
    const rms = (a: Float32Array) => Math.sqrt(a.reduce((x, v) => x + v * v, 0) / a.length);
    const ratio = rms(qkv.subarray(0, 192 * 192)) / rms(qkv.subarray(2 * 192 * 192));
    assert.ok(Math.abs(ratio / QK_GAIN - 1) < 0.05, `q/v ratio ${ratio}`);
  });

  it('gives realistic activations on a real image (default preset, float reference, both tasks)', function () {
    this.timeout(60_000);
    const image = loadImage(join(IMAGES, 'astronaut-256x128.png'), defaultConfig.model.image);
    for (const task of [0, 1]) {
      const { trace } = runReference(defaultConfig, defaultWeights, image, task, { trace: true });
      let maxX = 0, maxLogit = 0, maxAttn = 0;
      for (const [k, t] of trace!) {
        const d = t.data as Float64Array;
        if (/^(embed|block\d+\.(resid1|out))$/.test(k)) for (const v of d) maxX = Math.max(maxX, Math.abs(v));
        if (k.endsWith('.attn_logits')) for (const v of d) maxLogit = Math.max(maxLogit, Math.abs(v));
        if (k === 'block11.attn') for (const v of d) maxAttn = Math.max(maxAttn, v);
        if (k.endsWith('.fc1')) {
          const rms = Math.sqrt(d.reduce((a, v) => a + v * v, 0) / d.length);
          assert.ok(rms > 0.7 && rms < 1.4, `${k}: pre-GELU rms ${rms} (unit-variance design)`);
        }
        if (k.endsWith('.topk_idx')) {
          const used = new Set(Array.from(t.data as BigInt64Array, Number)).size;
          assert.ok(used >= 3, `${k}: only ${used} experts used (routing collapsed)`);
        }
      }
      // Residual stream far inside ap_fixed<32,10> (±512); attention clearly non-uniform (1/129 ≈ 0.008) but not one-hot.
      assert.ok(maxX > 2 && maxX < 64, `task ${task}: max |x| ${maxX}`);
      assert.ok(maxLogit > 3 && maxLogit < 40, `task ${task}: max |attention logit| ${maxLogit}`);
      assert.ok(maxAttn > 0.03 && maxAttn < 0.9, `task ${task}: top attention probability in block 11 ${maxAttn}`);
    }
  });

  it('rejects seeds that are not integers in 0..2^32-1', () => {
    const c = resolveConfig({ preset: 'tiny' });
    assertUserError(() => randomWeights(c, -1), 'seed');
    assertUserError(() => randomWeights(c, 1.5), 'seed');
    assertUserError(() => randomWeights(c, MAX_SEED + 1), String(MAX_SEED));
  });
});
