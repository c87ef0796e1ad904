import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { manifestSchema } from '../../generator/manifest.ts';
import { REGION_ALIGN, blockOpId, buildPlan, planToManifest } from '../../generator/plan/index.ts';
import { numel } from '../../generator/tensor.ts';
import { expectedTensors } from '../../generator/weights/expected.ts';

const edge = () => buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }));

describe('plan: buildPlan', () => {
  it('sizes the m3vit-t-cityscapes DRAM regions as Edge-MoE (edge-moe.md §4, §6)', () => {
    const p = edge();
    const r = p.regions;
    // A token buffer is 129 × 192 × 4 B.
    for (const name of ['tmp1', 'tmp2', 'tmp3'] as const) assert.equal(r[name].bytes, 99_072);
    assert.equal(r.hidden.bytes, 396_288); // 129 × 768 × 4
    assert.equal(r.attn.bytes, 272_448); // 33 q-blocks × 129 keys × 2 words
    assert.equal(r.softmaxInfo.bytes, 4_128); // one word per token
    assert.equal(r.x.bytes, p.sizes.maxImages * 99_072);
    assert.equal(r.images.bytes, p.sizes.maxImages * 3 * 128 * 256);
    assert.equal(p.sizes.qBlocks, 33);
    assert.equal(p.sizes.linWeightTiles, 576);
  });

  it('packs the parameters into ≈35.98 MB: Edge-MoE plus the second task gate and word padding', () => {
    const p = edge();
    // Edge-MoE (one task's gates): 16-bit weights/biases, pos_embed int32 (edge-moe.md §6).
    const sixteen =
      12 * 4 * 192 * 192 + 12 * 4 * 192 + // attention W, b
      6 * 16 * (384 * 192 * 2 + 384 + 192) + // experts
      6 * (768 * 192 * 2 + 768 + 192) + // dense MLP
      12 * 2 * 2 * 192 + // LN γ/β
      192 * 768 + 192 + // patch W, b
      6 * 16 * 192; // gates, one task
    const edgeBytes = sixteen * 2 + 129 * 192 * 4;
    assert.ok(Math.abs(edgeBytes / 1e6 - 35.98) < 0.01, `Edge-MoE total ${edgeBytes}`);
    const secondTaskGates = 6 * 16 * 192 * 2;
    // Every tensor starts at a 32-byte word; any padding that adds is counted here.
    const padding = p.weights.reduce((a, w) => a + w.bytes - numel(w.shape) * w.elemBytes, 0);
    assert.equal(p.weightsRegion.bytes, edgeBytes + secondTaskGates + padding);
    assert.equal(padding, 0); // 192/384/768-element rows fill 32-byte words exactly
    assert.equal(p.weightsRegion.bytes, 36_016_512);
  });

  it('aligns regions to 4096 and never overlaps them inside a bundle', () => {
    for (const preset of ['m3vit-t-cityscapes', 'tiny', 'm3vit-s-pascal']) {
      const p = buildPlan(resolveConfig({ preset }));
      for (const b of p.bundles) {
        let end = 0;
        for (const r of b.regions) {
          assert.equal(r.offset % REGION_ALIGN, 0);
          assert.ok(r.offset >= end, `${preset} ${r.name} overlaps`);
          assert.equal(r.wordOffset * (p.sizes.axiBits / 8), r.offset);
          end = r.offset + r.bytes;
        }
        assert.ok(b.bytes >= end && b.bytes % REGION_ALIGN === 0);
      }
      let wend = 0;
      for (const w of p.weights) {
        assert.equal(w.offset, wend, `${w.name} not packed contiguously`);
        assert.equal(w.bytes, Math.ceil(numel(w.shape) / (32 / w.elemBytes)) * 32);
        wend += w.bytes;
      }
      assert.equal(wend, p.weightsRegion.bytes);
    }
  });

  it('schedules 1 + 12·depth ops with unique debug ids in order and the fixture trace names', () => {
    const p = edge();
    assert.equal(p.ops.length, 1 + 12 * 12);
    p.ops.forEach((o, i) => assert.equal(o.id, i + 1));
    assert.equal(new Set(p.ops.map((o) => o.name)).size, p.ops.length);
    const names = p.ops.filter((o) => o.block === 3).map((o) => o.trace);
    assert.deepEqual(names, ['block3.ln1', 'block3.q', 'block3.k', null, 'block3.v', 'block3.attn_ctx', 'block3.attn_out', 'block3.resid1', 'block3.ln2', null, 'block3.mlp_out', 'block3.out']);
    const dense = p.ops.filter((o) => o.block === 2).map((o) => o.kind);
    assert.deepEqual(dense.slice(9, 11), ['linear_gelu', 'linear']);
    assert.equal(p.ops.find((o) => o.name === 'block5.q')!.id, blockOpId(5, 2));
    assert.deepEqual(p.moeBlocks, [1, 3, 5, 7, 9, 11]);
  });

  it('lists every state-dict-derived tensor the packer needs', () => {
    const c = resolveConfig({ preset: 'tiny' });
    const p = buildPlan(c);
    const names = new Set(p.weights.map((w) => w.name));
    const sd = expectedTensors(c);
    // qkv is split into q/k/v; cls_token is folded; everything else keeps its state-dict name.
    for (const n of sd.keys()) {
      if (n.includes('attn.qkv') || n === 'cls_token') continue;
      assert.ok(names.has(n), `missing ${n}`);
    }
    for (const part of ['q', 'k', 'v']) assert.ok(names.has(`blocks.1.attn.${part}.weight`) && names.has(`blocks.1.attn.${part}.bias`));
    const gate = p.weights.find((w) => w.name === 'blocks.1.mlp.gate.1.w_gate')!;
    assert.deepEqual(gate.shape, [4, 32]);
    assert.match(gate.layout, /TRANSPOSED/);
    const tok = buildPlan(resolveConfig({ preset: 'tiny', sets: ['model.cls=token'] }));
    assert.ok(tok.weights.some((w) => w.name === 'cls_token'));
  });

  it('is deterministic and yields a schema-valid design.json', () => {
    const a = JSON.stringify(planToManifest(edge(), 'h'));
    const b = JSON.stringify(planToManifest(edge(), 'h'));
    assert.equal(a, b);
    const m = manifestSchema.parse(JSON.parse(a));
    assert.deepEqual(
      m.kernel.args.map((x) => x.name),
      ['inout1', 'inout2', 'inout3', 'inout4', 'weights', 'num_images', 'task_id', 'reload', 'debug_stop'],
    );
    assert.equal(m.debugSteps.length, 145);
    assert.equal(m.weights.tensors[0]!.name, 'patch_embed.proj.weight');
  });
});
