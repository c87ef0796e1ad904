// Per-tensor / per-activation precision: pattern matching, resolution levels, the on-chip union types and shifts,
// and every rejected override named by its pattern.
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../generator/config/index.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { applyOverrides, globRegExp, tensorAliases } from '../../generator/plan/precision.ts';

const fx = (W: number, I: number) => ({ signed: true, W, I, q: 'AP_TRN' as const, o: 'AP_WRAP' as const, n: 0 });

function violations(sets: string[]): string[] {
  try {
    resolveConfig({ preset: 'tiny', sets });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.violations.map((v) => `${v.path}: ${v.rule}`);
  }
  return [];
}

describe('plan: per-tensor precision', () => {
  it('patterns: * spans dots, ? one character, the rest literal; q/k/v parts answer to attn.qkv', () => {
    assert.ok(globRegExp('blocks.*.attn.qkv.weight').test('blocks.10.attn.qkv.weight'));
    assert.ok(globRegExp('blocks.9.mlp.experts.*').test('blocks.9.mlp.experts.htoh4.weight'));
    assert.ok(!globRegExp('blocks.1.*').test('blocks.10.norm1.weight'));
    assert.ok(globRegExp('blocks.*.norm?.*').test('blocks.0.norm2.bias'));
    assert.ok(!globRegExp('blocks.0.norm1.weight').test('blocks.0xnorm1.weight'));
    assert.deepEqual(tensorAliases('blocks.3.attn.k.bias'), ['blocks.3.attn.k.bias', 'blocks.3.attn.qkv.bias']);
    assert.deepEqual(tensorAliases('pos_embed'), ['pos_embed']);
  });

  it('levels: the class type, then every matching pattern in order (later wins field by field)', () => {
    const r = applyOverrides(fx(16, 2), { 'blocks.*.attn.*': { I: 1 }, 'blocks.0.*': { q: 'AP_RND' }, 'blocks.1.*': { I: 5 } }, ['blocks.0.attn.q.weight']);
    assert.deepEqual(r.type, { ...fx(16, 1), q: 'AP_RND' });
    assert.deepEqual(r.used, ['blocks.*.attn.*', 'blocks.0.*']);
  });

  it('no overrides: every tensor has its class type, shift 0 (Edge-MoE exactly)', () => {
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    assert.equal(plan.types.linearWeight.cpp, 'ap_fixed<16,2>');
    for (const w of plan.weights) {
      assert.equal(w.ctype, plan.types[w.cls].cpp, w.name);
      assert.equal(w.shift, 0, w.name);
    }
  });

  it("hardware.patchEmbed 'unified': the patch weights join the linear class at precision.patchWeight's type when the widths match (bit-exact to 'own')", () => {
    const tensor = (preset: string, sets: string[]) => {
      const plan = buildPlan(resolveConfig({ preset, sets: ['hardware.patchEmbed=unified', ...sets] }));
      const w = plan.weights.find((x) => x.name === 'patch_embed.proj.weight')!;
      return { cls: w.cls, ctype: w.ctype, shift: w.shift, ports: w.ports, wlin: plan.types.linearWeight.cpp, patch: plan.types.patchWeight.cpp };
    };
    // Edge-MoE's types: ap_fixed<16,0> patch weights beside ap_fixed<16,2> linear weights → union ap_fixed<18,2>.
    assert.deepEqual(tensor('m3vit-t-cityscapes', []), { cls: 'linearWeight', ctype: 'ap_fixed<16,0>', shift: 0, ports: undefined, wlin: 'ap_fixed<18,2>', patch: 'ap_fixed<16,0>' });
    // An explicit override wins (the linear class's own type: no widening; the other linear tensors shift by 0 too).
    assert.deepEqual(tensor('m3vit-t-cityscapes', ['precision.tensors={"patch_embed.proj.weight":{"I":2}}', 'hardware.weightPorts=2']), { cls: 'linearWeight', ctype: 'ap_fixed<16,2>', shift: 0, ports: 2, wlin: 'ap_fixed<16,2>', patch: 'ap_fixed<16,0>' });
    // 8-bit per-channel linear weights: the patch matrix is one more scaled 8-bit matrix (a scale table of 192 rows).
    const w8 = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-w8', sets: ['hardware.patchEmbed=unified'] })).weights.find((x) => x.name === 'patch_embed.proj.weight')!;
    assert.equal(w8.elemBytes, 1);
    assert.equal(w8.scale?.rows, 192);
  });

  it('the accurate preset: 16-bit matrices under one I = 2 with power-of-two row scales (on chip ap_fixed<18,2>), per-tensor biases shifted into their union', () => {
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes-accurate' }));
    const w = (n: string) => plan.weights.find((x) => x.name === n)!;
    for (const n of ['blocks.0.attn.q.weight', 'blocks.0.mlp.fc2.weight', 'blocks.1.mlp.experts.h4toh.weight', 'blocks.1.mlp.gate.0.w_gate']) {
      assert.equal(w(n).ctype, 'ap_fixed<16,2,AP_RND_CONV,AP_SAT,0>', n);
      assert.equal(w(n).elemBytes, 2, n);
      assert.equal(w(n).shift, 2, `${n}: I − Imin (0) + scaleShift (2)`);
      assert.equal(w(n).scale?.scaleShift, 2, n);
    }
    assert.deepEqual(w('blocks.0.mlp.fc2.weight').scale, { rows: 192, wordOffset: (192 * 768) / 16, words: 12, scaleBits: 0, scaleShift: 2 });
    // 16 stored bits + 2 shift bits, no per-tensor spread: the same 18-bit RAMB18 port as one bank before.
    assert.equal(plan.types.linearWeight.cpp, 'ap_fixed<18,2>');
    assert.equal(plan.types.linearWeight.containerBits, 16);
    assert.deepEqual(plan.types.linearWeight.scale, { scaleBits: 0, scaleShift: 2, lanes: 16 });
    assert.equal(w('patch_embed.proj.weight').ctype, 'ap_fixed<18,0,AP_RND_CONV,AP_SAT,0>');
    assert.equal(plan.types.patchWeight.containerBits, 32);
    assert.equal(w('blocks.0.attn.q.bias').ctype, 'ap_fixed<24,7,AP_RND_CONV,AP_SAT,0>');
    assert.equal(w('blocks.0.attn.q.bias').shift, 7 - 5);
    const params = renderKernelSources(plan).get('src/params.h')!;
    assert.match(params, /static const int WLIN_SCALED = 1;/);
    assert.match(params, /static const int WLIN_W = 16;/);
    assert.match(params, new RegExp(`static const int WS_MLP_FC2_WEIGHT\\[DEPTH\\] = \\{ ${2 + 256 * ((192 * 768) / 16)}, `));
  });

  it('the w8 preset: 8-bit containers, a row-scale table after every linear matrix, rows on chip in ap_fixed<18,2>', () => {
    const config = resolveConfig({ preset: 'm3vit-t-cityscapes-w8' });
    const plan = buildPlan(config);
    // Its own types (README "Precision"), pinned: 16-bit rounded, saturated activations in 16-bit containers, the
    // 32-bit accumulator, 24-bit biases, GPTQ rounding of the rows by pack.
    assert.equal(plan.types.activation.cpp, 'ap_fixed<16,5,AP_RND,AP_SAT,0>');
    assert.equal(plan.types.activation.containerBits, 16);
    assert.equal(plan.sizes.actLanes, 16);
    assert.equal(plan.types.accumulator.cpp, 'ap_fixed<32,10>');
    assert.equal(config.precision.attnBias.W, 24);
    assert.equal(config.precision.bias.W, 24);
    assert.equal(config.precision.linearWeight.gptq, true);
    const t = plan.types.linearWeight;
    assert.equal(t.containerBits, 8);
    assert.equal(t.lanes, 32);
    assert.deepEqual(t.scale, { scaleBits: 5, scaleShift: 4, lanes: 16 });
    // 8 stored + 5 mantissa + 4 shift bits + the spread of the tensors' I (1..2).
    assert.equal(t.cpp, 'ap_fixed<18,2>');
    const fc2 = plan.weights.find((x) => x.name === 'blocks.0.mlp.fc2.weight')!;
    assert.equal(fc2.ctype, 'ap_fixed<8,2,AP_RND_CONV,AP_SAT,0>');
    assert.equal(fc2.shift, 1 + 4);
    // 192 rows of 16-bit entries = 12 words, after the 192·768/32 words of the matrix.
    assert.deepEqual(fc2.scale, { rows: 192, wordOffset: (192 * 768) / 32, words: 12, scaleBits: 5, scaleShift: 4 });
    assert.equal(fc2.words, (192 * 768) / 32 + 12);
    const gate = plan.weights.find((x) => x.name === 'blocks.1.mlp.gate.1.w_gate')!;
    assert.equal(gate.scale!.rows, 16, 'one scale per expert row of the transposed gate');
    for (const w of plan.weights) assert.equal(w.scale !== undefined, w.cls === 'linearWeight', w.name);
    const params = renderKernelSources(plan).get('src/params.h')!;
    assert.match(params, /static const int WLIN_SCALED = 1;/);
    assert.match(params, new RegExp(`static const int WS_MLP_FC2_WEIGHT\\[DEPTH\\] = \\{ ${5 + 256 * ((192 * 768) / 32)}, `));
  });

  it('rejects per-channel fields outside linearWeight, out of range, or without granularity "channel"', () => {
    const v = violations(['precision.bias.granularity=channel', 'precision.linearWeight.scaleBits=9', 'precision.linearWeight.scaleShift=2']);
    const has = (re: RegExp) => assert.ok(v.some((x) => re.test(x)), `${re} in\n${v.join('\n')}`);
    has(/^precision\.bias\.granularity: per-channel scales exist for linearWeight only/);
    has(/^precision\.linearWeight\.scaleBits: scaleBits .* must be in 0\.\.7/);
    has(/^precision\.linearWeight\.granularity: scaleBits \/ scaleShift need granularity "channel"/);
    assert.deepEqual(violations(['precision.linearWeight.granularity=channel', 'precision.linearWeight.scaleBits=7', 'precision.linearWeight.scaleShift=15']), []);
  });

  it('rejects a pattern that matches nothing, a width change inside a class, a typed activation-class tensor and a per-op activation type', () => {
    const v = violations([
      'precision.tensors={"blocks.7.*":{"I":1},"blocks.*.attn.qkv.weight":{"W":8},"pos_embed":{"I":4},"blocks.0.norm1.weight":{"n":99}}',
      'precision.activations={"block1.mlp_out":{"I":12},"block5.*":{"I":11}}',
    ]);
    const has = (re: RegExp) => assert.ok(v.some((x) => re.test(x)), `${re} in\n${v.join('\n')}`);
    has(/^precision\.tensors\."blocks\.7\.\*": pattern matches no packed tensor/);
    has(/^precision\.tensors\."blocks\.\*\.attn\.qkv\.weight": blocks\.0\.attn\.q\.weight: W 8 differs from precision\.linearWeight\.W \(16\)/);
    has(/^precision\.tensors\."pos_embed": pos_embed is stored as activation/);
    has(/^precision\.tensors\."blocks\.0\.norm1\.weight": blocks\.0\.norm1\.weight: n \(saturation bits\) must be in 0\.\.W/);
    has(/^precision\.activations\."block1\.mlp_out": op block1\.mlp_out: the kernel realises one activation type/);
    has(/^precision\.activations\."block5\.\*": pattern matches no op of the plan/);
  });

  it('an activation override equal to precision.activation is accepted and recorded per op', () => {
    const c = resolveConfig({ preset: 'tiny', sets: ['precision.activations={"block1.*":{"I":10}}'] });
    const plan = buildPlan(c);
    assert.ok(plan.ops.every((o) => o.outType === 'ap_fixed<32,10>'));
  });
});
