// hardware.attention = 'fused': Q·Kᵀ/softmax and softmax·V in one DATAFLOW region (attention_fused), the scores and
// softmax statistics in on-chip FIFOs instead of the attn / softmaxInfo regions, V computed first into hidden. The
// arithmetic is the split design's, so the csim output is byte-identical to 'split' (tiny; ViT-T with seeded weights
// on a photograph, both tasks; the 16-bit-activation w8 preset); every op ticks as the estimator predicts, and the
// per-op trace compares V and the attention context exactly as the split design does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim, type CsimResult } from '../../generator/csim/run.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';
import { longIt } from '../helpers/long.ts';

const FUSED = 'hardware.attention=fused';

describe("csim with fused attention (hardware.attention = 'fused')", function () {
  this.timeout(900_000);

  const run = async (o: { preset?: string; sets: string[]; weights: string; image: string; task: number; trace?: boolean; name: string }): Promise<{ r: CsimResult; bytes: Buffer }> => {
    const dir = join(scratch(), `attn-${o.name}`);
    emitDesign(resolveConfig({ ...(o.preset ? { preset: o.preset } : {}), sets: o.sets }), dir);
    const out = join(dir, 'out.npy');
    const r = await runCsim({ design: dir, weights: o.weights, task: o.task, image: o.image, out, cycles: true, ...(o.trace ? { trace: true } : {}) });
    return { r, bytes: readFileSync(out) };
  };
  const counted = (x: { r: CsimResult }, what: string) => {
    for (const row of x.r.cycles!.rows) assert.equal(row.counted, row.predicted, `${what} ${row.name}: counted ${row.counted}, estimated ${row.predicted}`);
  };

  it('tiny, both tasks, with --trace: byte-identical to split; V and attn_ctx traced with the split errors; every op ticks as estimated', async () => {
    const weights = join(TINY, 'weights.safetensors');
    const image = join(TINY, 'image.png');
    for (const task of [0, 1]) {
      const split = await run({ preset: 'tiny', sets: [], weights, image, task, trace: true, name: `tiny-split-${task}` });
      const fused = await run({ preset: 'tiny', sets: [FUSED], weights, image, task, trace: true, name: `tiny-fused-${task}` });
      assert.ok(split.bytes.equals(fused.bytes), `task ${task}: the fused output .npy differs from split`);
      counted(split, 'split');
      counted(fused, 'fused');
      // The same traced ops (the split design's qk_softmax has no comparable tensor), with identical errors.
      const key = (r: CsimResult) => r.ops.map((o) => ({ id: o.id, op: o.op, trace: o.trace, mse: o.mse, maxAbs: o.maxAbs }));
      assert.deepEqual(key(fused.r), key(split.r));
      assert.ok(fused.r.ops.some((o) => o.op === 'block0.v') && fused.r.ops.some((o) => o.op === 'block1.attn_ctx'));
      // One attention op per block (at STEP attnV's id) ticking both compute loops, and no qk_softmax op.
      const rows = fused.r.cycles!.rows;
      assert.ok(!rows.some((row) => row.name.endsWith('.qk_softmax')));
      const qk = split.r.cycles!.rows.find((row) => row.name === 'block0.qk_softmax')!;
      const av = split.r.cycles!.rows.find((row) => row.name === 'block0.attn_ctx')!;
      const ctx = rows.find((row) => row.name === 'block0.attn_ctx')!;
      assert.equal(ctx.id, av.id);
      assert.equal(ctx.counted, qk.counted + av.counted);
    }
  });

  longIt('m3vit-t-cityscapes (seeded weights, astronaut 256×128), both tasks: byte-identical to split, every op as estimated', async () => {
    const root = scratch();
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(resolveConfig({}), 1));
    const image = join(IMAGES, 'astronaut-256x128.png');
    for (const task of [0, 1]) {
      const split = await run({ sets: [], weights: w, image, task, name: `vitt-split-${task}` });
      const fused = await run({ sets: [FUSED], weights: w, image, task, name: `vitt-fused-${task}` });
      assert.ok(split.bytes.equals(fused.bytes), `task ${task}: the fused output differs from split`);
      counted(fused, 'fused');
      assert.deepEqual(fused.r.shape, [129, 192]);
    }
  });

  longIt('m3vit-t-cityscapes-w8 (16-bit activations, 8-bit weights, 128-bit AXI, P 26; round-to-nearest packing instead of GPTQ for speed): byte-identical to split', async () => {
    const root = scratch();
    const sets = ['precision.linearWeight.gptq=false', 'hardware.axiBits=128', 'hardware.attnParallel=26', 'hardware.linearTile.in=64', 'hardware.linearTile.out=16'];
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(resolveConfig({ preset: 'm3vit-t-cityscapes-w8' }), 2));
    const image = join(IMAGES, 'coffee-256x128.png');
    // --trace: the MoE ops are predicted with the kernel's own routing (the 16-bit gate breaks near-ties unlike the reference).
    const split = await run({ preset: 'm3vit-t-cityscapes-w8', sets, weights: w, image, task: 1, name: 'w8-split' });
    const fused = await run({ preset: 'm3vit-t-cityscapes-w8', sets: [...sets, FUSED], weights: w, image, task: 1, trace: true, name: 'w8-fused' });
    assert.ok(split.bytes.equals(fused.bytes), 'the fused output differs from split');
    counted(fused, 'fused');
  });
});
