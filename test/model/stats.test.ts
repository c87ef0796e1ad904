import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { modelStats, moeBlockIndices, tokenCount } from '../../generator/model/stats.ts';

describe('model/stats', () => {
  it('m3vit-t-cityscapes: 129 tokens and the perf-anchors.md §4 MAC count', () => {
    const s = modelStats(resolveConfig({ preset: 'm3vit-t-cityscapes' }));
    assert.equal(s.tokens, 129);
    assert.deepEqual(s.grid, [8, 16]);
    assert.equal(s.macs.total, 782_719_488);
    assert.equal(s.macs.patchEmbed, 18_874_368);
    assert.equal(s.macs.weightAct, 706_037_760);
    assert.equal(s.macs.actAct, 76_681_728);
    const l0 = s.macs.perLayer[0]!;
    const l1 = s.macs.perLayer[1]!;
    assert.deepEqual([l0.qkv, l0.qk, l0.av, l0.proj], [14_266_368, 3_195_072, 3_195_072, 4_755_456]);
    assert.equal(l0.qkv + l0.qk + l0.av + l0.proj, 25_411_968);
    assert.equal(l0.mlp, 38_043_648);
    assert.deepEqual([l1.mlp, l1.gate, l1.experts, l1.gate + l1.experts], [0, 396_288, 38_043_648, 38_439_936]);
    assert.equal(l0.total, 63_455_616);
    assert.equal(l1.total, 63_851_904);
    const k = s.macs.byKind;
    assert.equal(k.patchEmbed + k.qkv + k.qk + k.av + k.proj + k.mlp + k.gate + k.experts, s.macs.total);
    assert.equal(k.qk + k.av, s.macs.actAct);
  });

  it('m3vit-t-cityscapes parameters: 14.16 M expert weights (perf-anchors §4), 35.98 MB incl. int32 pos_embed (edge-moe §6)', () => {
    const c = resolveConfig();
    const s = modelStats(c);
    const m = c.model;
    const expertBiases = s.moeBlocks.length * m.moe.experts * (m.moe.expertHidden + m.dim);
    assert.equal(s.params.experts - expertBiases, 14_155_776);
    assert.equal(Math.round((s.params.experts - expertBiases) / 1e4) / 100, 14.16);
    // Edge-MoE stores one task's gates and the cls row folded into pos_embed; pos_embed is int32, the rest int16.
    const storedParams = s.params.total - (m.tasks.length - 1) * s.moeBlocks.length * m.dim * m.moe.experts - m.dim;
    const posEmbed = s.tokens * m.dim;
    const bytes = (storedParams - posEmbed) * 2 + posEmbed * 4;
    assert.equal((bytes / 1e6).toFixed(2), '35.98');
    assert.equal(s.params.activePerToken, s.params.total - 2 * 6 * 16 * 192 / 2 - 6 * 14 * (384 * 192 * 2 + 384 + 192));
  });

  it('ViT-S presets match m3vit.md §4-§5 (43.5 M / 22 M params; 31.8 G and 39.2 G MACs)', () => {
    const pascal = modelStats(resolveConfig({ preset: 'm3vit-s-pascal' }));
    assert.equal(pascal.tokens, 1025);
    assert.equal((pascal.params.total / 1e6).toFixed(1), '43.5');
    assert.equal(Math.round(pascal.params.activePerToken / 1e6), 22);
    assert.equal((pascal.macs.total / 1e9).toFixed(1), '31.8');
    const nyud = modelStats(resolveConfig({ preset: 'm3vit-s-nyud' }));
    assert.equal(nyud.tokens, 1201);
    assert.equal((nyud.macs.total / 1e9).toFixed(1), '39.2');
  });

  it('counts the tiny fixture model', () => {
    const c = resolveConfig({ preset: 'tiny' });
    const s = modelStats(c);
    assert.equal(s.tokens, 9);
    assert.equal(s.headDim, 16);
    assert.deepEqual(s.moeBlocks, [1]);
    assert.deepEqual(s.denseBlocks, [0]);
    // 8 patches · 768 · 32; per layer 9·32·96 + 2·(2·9·9·16) + 9·32·32; dense 9·2·32·128; MoE 9·32·4 + 9·2·2·32·64.
    assert.equal(s.macs.patchEmbed, 196_608);
    assert.equal(s.macs.total, 196_608 + 2 * (27_648 + 5_184 + 9_216) + 73_728 + 1_152 + 73_728);
  });

  it('reads MoE block layouts: odd, even and explicit lists', () => {
    const base = resolveConfig({ preset: 'tiny', sets: ['model.depth=5'] }).model;
    assert.deepEqual(moeBlockIndices(base), [1, 3]);
    assert.deepEqual(moeBlockIndices({ ...base, moe: { ...base.moe, blocks: 'even' } }), [0, 2, 4]);
    assert.deepEqual(moeBlockIndices({ ...base, moe: { ...base.moe, blocks: [4, 0] } }), [0, 4]);
    assert.equal(tokenCount(base), 9);
  });
});
