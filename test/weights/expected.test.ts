import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { expectedTensors } from '../../generator/weights/expected.ts';
import { moeBlockIndices } from '../../generator/model/stats.ts';
import { readSafetensors } from '../../generator/weights/safetensors.ts';
import { numel } from '../../generator/tensor.ts';
import { TINY } from '../helpers/paths.ts';

describe('weights/expected', () => {
  it('matches the tiny fixture exactly (names and shapes of all 30 tensors)', () => {
    const exp = expectedTensors(resolveConfig({ preset: 'tiny' }));
    const got = readSafetensors(join(TINY, 'weights.safetensors'));
    assert.deepEqual([...exp.keys()].sort(), [...got.keys()].sort());
    for (const [k, s] of exp) assert.deepEqual(got.get(k)!.shape, s, k);
  });

  it('gives the spec §4 ViT-S PASCAL shapes', () => {
    const exp = expectedTensors(resolveConfig({ preset: 'm3vit-s-pascal' }));
    assert.deepEqual(exp.get('pos_embed'), [1, 1025, 384]);
    assert.deepEqual(exp.get('blocks.0.attn.qkv.weight'), [1152, 384]);
    assert.deepEqual(exp.get('blocks.10.mlp.fc1.weight'), [1536, 384]);
    assert.deepEqual(exp.get('blocks.11.mlp.experts.h4toh.weight'), [16, 384, 384]);
    assert.deepEqual(exp.get('blocks.11.mlp.gate.4.w_gate'), [384, 16]);
    assert.equal(exp.has('blocks.11.mlp.gate.5.w_gate'), false);
    assert.equal(exp.has('blocks.11.mlp.fc1.weight'), false);
    assert.equal(exp.has('blocks.10.mlp.gate.0.w_gate'), false);
  });

  it('counts the default preset (Edge-MoE ViT-T) parameters', () => {
    const exp = expectedTensors(resolveConfig());
    let total = 0;
    for (const s of exp.values()) total += numel(s);
    // By hand: embed 192·129 + 192 + 192·768 + 192; per block LN 4·192, attn 3·192·192 + 3·192 + 192·192 + 192;
    // dense 2·192·768 + 768 + 192; MoE 16·(2·192·384 + 384 + 192) + 2·192·16.
    const D = 192;
    const embed = D * 129 + D + D * 768 + D;
    const common = 4 * D + 4 * D * D + 4 * D;
    const dense = 2 * D * 768 + 768 + D;
    const moe = 16 * (2 * D * 384 + 384 + D) + 2 * D * 16;
    assert.equal(total, embed + 12 * common + 6 * dense + 6 * moe);
    assert.equal(total, 17_983_680);
  });

  it('follows model.moe.blocks and qkvBias', () => {
    const c = resolveConfig({ preset: 'tiny', sets: ['model.moe.blocks="even"', 'model.qkvBias=false'] });
    assert.deepEqual(moeBlockIndices(c.model), [0]);
    const exp = expectedTensors(c);
    assert.ok(exp.has('blocks.0.mlp.experts.htoh4.weight'));
    assert.ok(exp.has('blocks.1.mlp.fc1.weight'));
    assert.equal(exp.has('blocks.0.attn.qkv.bias'), false);
    const l = resolveConfig({ preset: 'tiny', sets: ['model.moe.blocks=[1,0]'] });
    assert.deepEqual(moeBlockIndices(l.model), [0, 1]);
    assert.ok(expectedTensors(l).has('blocks.0.mlp.gate.1.w_gate'));
  });
});
