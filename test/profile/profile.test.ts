// The numerical profile on the tiny model: ranges against the reference and the packer, warnings, --propose and HTML.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { loadImage } from '../../generator/io/image.ts';
import { deriveTensor } from '../../generator/pack/derive.ts';
import { packImage } from '../../generator/pack/pack.ts';
import { buildPlan, planToManifest } from '../../generator/plan/index.ts';
import { neededIntBits, ValueStats } from '../../generator/profile/histogram.ts';
import { profileHtml } from '../../generator/profile/html.ts';
import { profileModel } from '../../generator/profile/profile.ts';
import { proposeConfig } from '../../generator/profile/propose.ts';
import { rangeWarnings } from '../../generator/profile/report.ts';
import { runReference } from '../../generator/reference/model.ts';
import { asF64 } from '../../generator/tensor.ts';
import { loadWeights } from '../../generator/weights/load.ts';
import { scratch, TINY } from '../helpers/paths.ts';

describe('profile', function () {
  this.timeout(120_000);
  const sd = loadWeights(join(TINY, 'weights.safetensors')).tensors;
  const image = { name: 'image.png', values: loadImage(join(TINY, 'image.png'), [3, 32, 64]) };

  it('ValueStats: exact extremes, |v| quantiles within one histogram bin (1/8 octave); integer bits for ±max', () => {
    const v = Array.from({ length: 1000 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1) / 1000);
    const s = new ValueStats().add(v);
    assert.equal(s.maxAbs, 1);
    assert.equal(s.min, -1);
    for (const q of [0.25, 0.5, 0.75]) assert.ok(s.absQuantile(q) >= q && s.absQuantile(q) <= q * 2 ** (1 / 8) + 1e-12, `q${q}: ${s.absQuantile(q)}`);
    assert.deepEqual([0.2461, 0.25, 0.26, 1, 1.04, 50.9].map(neededIntBits), [-1, -1, 0, 1, 2, 7]);
  });

  it('ValueStats: parts merged in order equal the same adds in one summary bit for bit, also through JSON', () => {
    const chunks = [0, 1, 2].map((k) => Array.from({ length: 777 }, (_, i) => Math.sin(i * 0.37 + k) * 10 ** (k - 1) + (i % 13 === 0 ? 0 : 1e-3)));
    const one = new ValueStats();
    for (const c of chunks) one.add(c);
    const merged = new ValueStats();
    for (const c of chunks) merged.merge(ValueStats.fromJson(JSON.parse(JSON.stringify(new ValueStats().add(c).toJson()))));
    assert.deepEqual(merged.toJson(), one.toJson());
    assert.ok(one.zeros > 0 && one.n === 3 * 777);
    for (const q of [0.01, 0.5, 0.999]) assert.equal(merged.absQuantile(q), one.absQuantile(q));
    const empty = ValueStats.fromJson(JSON.parse(JSON.stringify(new ValueStats().toJson())));
    assert.equal(empty.min, Infinity);
    assert.equal(empty.max, -Infinity);
  });

  it('tiny: weight ranges and out-of-range counts as pack finds them, activation ranges as the reference trace, gate gaps per token', () => {
    const config = resolveConfig({ preset: 'tiny', sets: ['precision.tensors={"blocks.0.attn.qkv.weight":{"I":-1}}'] });
    const plan = buildPlan(config);
    const p = profileModel(config, plan, sd, [image], [0, 1]);
    const packed = packImage(config, planToManifest(plan, 'x'), sd);
    assert.equal(p.weights.length, plan.weights.length);
    p.weights.forEach((w, i) => {
      const v = deriveTensor(config, sd, w.name, plan.weights[i]!.shape);
      assert.equal(w.maxAbs, Math.max(...Array.from(v, Math.abs)), w.name);
      assert.equal(w.outOfRange, packed.tensors[i]!.outOfRange, w.name);
    });
    const q = p.weights.find((w) => w.name === 'blocks.0.attn.q.weight')!;
    assert.ok(q.outOfRange > 0 && q.ctype === 'ap_fixed<16,-1>', `${q.ctype}: ${q.outOfRange}`);
    assert.match(rangeWarnings(p), /^WARNING: weight blocks\.0\.attn\.q\.weight: observed -?[\d.e-]+ \.\. [\d.e-]+ does not fit ap_fixed<16,-1> \(range -0\.2500 \.\. [\d.]+; needs I ≥ 1\): \d+ of 1024 values would wrap/m);
    const ref = runReference(config, sd, image.values, 1, { trace: true }).trace!;
    const ln = p.activations.find((a) => a.name === 'block1.ln2')!;
    const ref0 = asF64(runReference(config, sd, image.values, 0, { trace: true }).trace!.get('block1.ln2')!);
    const ref1 = asF64(ref.get('block1.ln2')!);
    assert.equal(ln.maxAbs, Math.max(...Array.from(ref0, Math.abs), ...Array.from(ref1, Math.abs)));
    assert.equal(ln.values, ref0.length * 2);
    assert.equal(p.gates.length, 1);
    assert.equal(p.gates[0]!.tokens, 9 * 2);
    assert.ok(p.gates[0]!.min <= p.gates[0]!.median && p.gates[0]!.min >= 0);
  });

  it('--propose: a config extending the input, per-tensor integer bits = need + headroom, rounded and saturated; it validates', () => {
    const config = resolveConfig({ preset: 'tiny' });
    const plan = buildPlan(config);
    const p = profileModel(config, plan, sd, [image], [0]);
    const prop = proposeConfig(config, plan, p, { extendsFrom: 'tiny', name: 'tiny-auto', headroom: 1, widths: { linearWeight: 8 } }) as {
      precision: { linearWeight: { W: number }; tensors: Record<string, { I: number; q: string; o: string }> };
    };
    assert.equal(prop.precision.linearWeight.W, 8);
    const q = p.weights.find((w) => w.name === 'blocks.0.attn.q.weight')!;
    assert.deepEqual(prop.precision.tensors['blocks.0.attn.q.weight'], { I: q.neededI + 1, q: 'AP_RND_CONV', o: 'AP_SAT' });
    assert.equal(prop.precision.tensors.pos_embed, undefined, 'activation-class tensors keep their one type');
    const dir = scratch();
    try {
      writeFileSync(join(dir, 'auto.json'), JSON.stringify(prop));
      const auto = resolveConfig({ file: join(dir, 'auto.json') });
      const ap = buildPlan(auto);
      assert.equal(ap.weights.find((w) => w.name === 'blocks.0.attn.q.weight')!.ctype, `ap_fixed<8,${q.neededI + 1},AP_RND_CONV,AP_SAT,0>`);
      assert.equal(ap.types.linearWeight.containerBits, 8);
      assert.equal(rangeWarnings(profileModel(auto, ap, sd, [image], [0])), '', 'the proposal fits what it was derived from');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--html: one self-contained page with the two numerical-profile charts (SVG), no network reference', async () => {
    const config = resolveConfig({ preset: 'tiny' });
    const plan = buildPlan(config);
    const p = profileModel(config, plan, sd, [image], [0]);
    const html = await profileHtml(p);
    assert.equal((html.match(/<svg/g) ?? []).length, 2);
    assert.ok(!/(src|href)="https?:/.test(html), 'no external resource');
    assert.ok(html.includes('blocks.1.mlp.experts.htoh4.weight') && html.includes('block1.mlp_out'));
    // One box per tensor: the chart draws a text label per row.
    assert.ok((html.match(/>blocks\.0\.attn\.q\.weight</g) ?? []).length >= 2, 'label in the chart and the table');
  });
});
