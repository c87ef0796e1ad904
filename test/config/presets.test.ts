import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, DEFAULT_PRESET, PRECISION_CLASSES, resolveConfig } from '../../generator/config/index.ts';
import { cppType } from '../../generator/fixed.ts';
import { modelStats, moeBlockIndices } from '../../generator/model/stats.ts';
import { TINY } from '../helpers/paths.ts';

/** Tensor name → shape, from the fixture's safetensors header (u64 LE length, then JSON). */
function safetensorsShapes(file: string): Map<string, number[]> {
  const buf = readFileSync(file);
  const len = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { shape?: number[] }>;
  const out = new Map<string, number[]>();
  for (const [k, v] of Object.entries(header)) if (k !== '__metadata__') out.set(k, v.shape!);
  return out;
}

describe('config/presets', () => {
  it('has a described, resolvable default', () => {
    assert.ok(PRESETS[DEFAULT_PRESET]);
    for (const [name, p] of Object.entries(PRESETS)) {
      assert.ok(p.description.length > 10, name);
      assert.equal(resolveConfig({ preset: name }).name, name);
    }
  });

  it('default preset is Edge-MoE exactly (edge-moe.md §2, §4, §6)', () => {
    const c = resolveConfig();
    assert.equal(c.name, 'm3vit-t-cityscapes');
    const m = c.model;
    assert.deepEqual(m.image, [3, 128, 256]);
    assert.deepEqual([m.patch, m.dim, m.depth, m.heads, m.mlpRatio, m.qkvBias, m.lnEps], [16, 192, 12, 3, 4, true, 1e-6]);
    assert.deepEqual(m.moe, { blocks: 'odd', experts: 16, topK: 2, expertHidden: 384 });
    assert.deepEqual(moeBlockIndices(m), [1, 3, 5, 7, 9, 11]);
    assert.deepEqual(m.tasks, ['semseg', 'depth']);
    assert.equal(m.cls, 'folded'); // cls_token pre-folded into pos_embed[0]
    assert.deepEqual([m.pixelDivisor, m.normalize], [256, 'none']); // Edge-MoE's arrays: byte/256, no mean/std
    const types = Object.fromEntries(PRECISION_CLASSES.map((k) => [k, cppType(c.precision[k])]));
    assert.deepEqual(types, {
      activation: 'ap_fixed<32,10>',
      accumulator: 'ap_fixed<32,10>', // Edge-MoE accumulates in fm_t
      linearWeight: 'ap_fixed<16,2>',
      attnBias: 'ap_fixed<16,7>',
      bias: 'ap_fixed<16,5>',
      patchWeight: 'ap_fixed<16,0>',
      pixel: 'ap_ufixed<8,0>',
    });
    const hw = c.hardware;
    assert.deepEqual([hw.platform, hw.part, hw.clockMHz, hw.axiBits, hw.attnParallel], ['zcu102', 'xczu9eg-ffvb1156-2-e', 300, 256, 4]);
    assert.deepEqual(hw.linearTile, { in: 16, out: 16 });
    assert.deepEqual(hw.bundles, {
      inout1: ['tmp1', 'attn', 'images'],
      inout2: ['tmp2', 'x'],
      inout3: ['tmp3'],
      inout4: ['hidden', 'softmaxInfo'],
      weights: ['weights'],
    });
  });

  it('M3ViT ViT-S presets follow m3vit.md §1-§2 (12 heads, E16 top-4, hidden 384, ÷255 and ImageNet mean/std, rounded parameters)', () => {
    for (const [name, image, tasks] of [
      ['m3vit-s-pascal', [3, 512, 512], ['semseg', 'human_parts', 'sal', 'normals', 'edge']],
      ['m3vit-s-nyud', [3, 480, 640], ['semseg', 'depth']],
    ] as const) {
      const m = resolveConfig({ preset: name }).model;
      assert.deepEqual(m.image, image);
      assert.deepEqual([m.dim, m.depth, m.heads, m.mlpRatio], [384, 12, 12, 4]);
      assert.deepEqual(m.moe, { blocks: 'odd', experts: 16, topK: 4, expertHidden: 384 });
      assert.deepEqual(m.tasks, tasks);
      assert.deepEqual([m.pixelDivisor, m.normalize], [255, 'imagenet']); // ToTensor, then Normalize (m3vit.md §6)
      // Every stored parameter rounded and saturated at pack time; the kernel's own types stay Edge-MoE's.
      const p = resolveConfig({ preset: name }).precision;
      const types = Object.fromEntries(PRECISION_CLASSES.map((k) => [k, cppType(p[k])]));
      assert.deepEqual(types, {
        activation: 'ap_fixed<32,10>',
        accumulator: 'ap_fixed<32,10>',
        linearWeight: 'ap_fixed<16,2,AP_RND,AP_SAT,0>',
        attnBias: 'ap_fixed<16,7,AP_RND,AP_SAT,0>',
        bias: 'ap_fixed<16,5,AP_RND,AP_SAT,0>',
        patchWeight: 'ap_fixed<16,3,AP_RND,AP_SAT,0>',
        pixel: 'ap_ufixed<8,0>',
      });
    }
  });

  it('the accurate preset scales 16-bit matrix rows (sh ≤ 2 under I 2) and stores 18-bit patch weights, rounded to nearest', () => {
    const types = (preset: string) => {
      const p = resolveConfig({ preset }).precision;
      return Object.fromEntries(PRECISION_CLASSES.map((k) => [k, cppType(p[k])]));
    };
    const a = resolveConfig({ preset: 'm3vit-t-cityscapes-accurate' }).precision;
    assert.deepEqual(types('m3vit-t-cityscapes-accurate'), {
      activation: 'ap_fixed<32,10>',
      accumulator: 'ap_fixed<32,10>',
      linearWeight: 'ap_fixed<16,2>', // each matrix's pattern rounds and saturates; the class type is the rows' upper bound
      attnBias: 'ap_fixed<24,7>',
      bias: 'ap_fixed<24,5>',
      patchWeight: 'ap_fixed<18,0>',
      pixel: 'ap_ufixed<8,0>',
    });
    assert.deepEqual([a.linearWeight.granularity, a.linearWeight.scaleBits, a.linearWeight.scaleShift], ['channel', 0, 2]);
    // Every matrix pattern: I 2 (the class's), rounded to nearest, saturated; the biases keep their per-tensor I.
    for (const k of ['blocks.*.attn.qkv.weight', 'blocks.*.attn.proj.weight', 'blocks.*.mlp.fc1.weight', 'blocks.*.mlp.fc2.weight', 'blocks.*.mlp.experts.htoh4.weight', 'blocks.*.mlp.experts.h4toh.weight', 'blocks.*.mlp.gate.*'])
      assert.deepEqual(a.tensors?.[k], { I: 2, q: 'AP_RND_CONV', o: 'AP_SAT' }, k);
    assert.deepEqual(a.tensors?.['blocks.*.attn.qkv.bias'], { I: 7, q: 'AP_RND_CONV', o: 'AP_SAT' });
  });

  it('tiny preset is exactly the m3vit-tiny-test fixture model (shapes from its safetensors header)', () => {
    const c = resolveConfig({ preset: 'tiny' });
    const m = c.model;
    const shapes = safetensorsShapes(join(TINY, 'weights.safetensors'));
    const D = m.dim;
    const s = modelStats(c);
    assert.deepEqual(shapes.get('patch_embed.proj.weight'), [D, m.image[0], m.patch, m.patch]);
    assert.deepEqual(shapes.get('pos_embed'), [1, s.tokens, D]);
    assert.deepEqual(shapes.get('cls_token'), [1, 1, D]);
    const depth = new Set([...shapes.keys()].filter((k) => k.startsWith('blocks.')).map((k) => k.split('.')[1])).size;
    assert.equal(depth, m.depth);
    for (let i = 0; i < m.depth; i++) {
      assert.deepEqual(shapes.get(`blocks.${i}.attn.qkv.weight`), [3 * D, D]);
      assert.equal(shapes.has(`blocks.${i}.attn.qkv.bias`), m.qkvBias);
      if (s.moeBlocks.includes(i)) {
        assert.deepEqual(shapes.get(`blocks.${i}.mlp.experts.htoh4.weight`), [m.moe.experts, m.moe.expertHidden, D]);
        const gates = [...shapes.keys()].filter((k) => k.startsWith(`blocks.${i}.mlp.gate.`));
        assert.equal(gates.length, m.tasks.length);
        for (let t = 0; t < m.tasks.length; t++) assert.deepEqual(shapes.get(`blocks.${i}.mlp.gate.${t}.w_gate`), [D, m.moe.experts]);
      } else {
        assert.deepEqual(shapes.get(`blocks.${i}.mlp.fc1.weight`), [s.mlpHidden, D]);
      }
    }
    // Every fixture value is a parameter the stats count, and nothing more (README: 59 008 values).
    const values = [...shapes.values()].reduce((a, sh) => a + sh.reduce((x, y) => x * y, 1), 0);
    assert.equal(values, 59008);
    assert.equal(s.params.total, values);
    // Heads from the fixture README (not derivable from shapes): 2 heads of 16, top-2, ε 1e-6, N = 9.
    assert.deepEqual([m.heads, m.moe.topK, m.lnEps, s.tokens, m.normalize], [2, 2, 1e-6, 9, 'none']);
  });
});
