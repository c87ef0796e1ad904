import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { isUserError } from '../../generator/errors.ts';
import { loadImage } from '../../generator/io/image.ts';
import { readNpy } from '../../generator/io/npy.ts';
import { readNpz } from '../../generator/io/npz.ts';
import { runReference } from '../../generator/reference/model.ts';
import { setLinearKernel } from '../../generator/reference/ops.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { asF64, type TensorMap } from '../../generator/tensor.ts';
import { readSafetensors } from '../../generator/weights/safetensors.ts';
import { FIXTURES, TINY } from '../helpers/paths.ts';

// The fixture's float64 files were made by three implementations agreeing within 7e-15; 1e-9 leaves room for
// summation-order differences only (values are O(10), so a real bug shows up orders of magnitude above it).
const TOL = 1e-9;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('reference/model (float64 M3ViT backbone)', () => {
  const config = resolveConfig({ preset: 'tiny', sets: [] });
  const weights = readSafetensors(join(TINY, 'weights.safetensors'));
  const image = loadImage(join(TINY, 'image.png'), config.model.image);

  for (const task of [0, 1]) {
    it(`task ${task}: output equals expected_task${task}.npy and every trace entry equals trace_task${task}.npz`, () => {
      const r = runReference(config, weights, image, task, { trace: true });
      const expected = readNpy(join(TINY, `expected_task${task}.npy`));
      assert.ok(maxAbsDiff(r.out, asF64(expected)) <= TOL);
      const ref = readNpz(join(TINY, `trace_task${task}.npz`));
      assert.deepEqual([...r.trace!.keys()].sort(), [...ref.keys()].sort(), 'same trace keys');
      for (const [key, want] of ref) {
        const got = r.trace!.get(key)!;
        assert.deepEqual(got.shape, want.shape, `${key} shape`);
        assert.equal(got.dtype, want.dtype, `${key} dtype`);
        if (key.endsWith('topk_idx')) assert.deepEqual(got.data, want.data, `${key}`);
        else assert.ok(maxAbsDiff(asF64(got), asF64(want)) <= TOL, `${key}: max |diff| ${maxAbsDiff(asF64(got), asF64(want))}`);
      }
      // Without a trace the output is the same and no trace is built.
      const plain = runReference(config, weights, image, task);
      assert.equal(plain.trace, undefined);
      assert.deepEqual(plain.out, r.out);
    });
  }

  // The SIMD matrix product changed only the summation order: the output stays within 1e-12 of the one the plain
  // loops gave before it (stored in reference-float64-v1 by that code), and of the plain loops run now.
  for (const task of [0, 1]) {
    it(`task ${task}: output within 1e-12 of the stored pre-SIMD reference output`, () => {
      const old = asF64(readNpy(join(FIXTURES, 'reference-float64-v1', `tiny_task${task}.npy`)));
      const diff = maxAbsDiff(runReference(config, weights, image, task).out, old);
      assert.ok(diff <= 1e-12, `max |diff| ${diff}`);
    });
  }
  it('m3vit-t-cityscapes (2 blocks, seeded random weights): SIMD and plain kernels within 1e-12', () => {
    const cfg = resolveConfig({ preset: 'm3vit-t-cityscapes', sets: ['model.depth=2'] });
    const w = randomWeights(cfg, 1);
    const [C, H, W] = cfg.model.image;
    const img = Float64Array.from({ length: C * H * W }, (_, i) => ((i * 7) % 256) / 255);
    const simd = runReference(cfg, w, img, 0).out;
    const before = setLinearKernel('plain');
    try {
      const plain = runReference(cfg, w, img, 0).out;
      const diff = maxAbsDiff(simd, plain);
      assert.ok(diff <= 1e-12, `max |diff| ${diff}`);
      assert.ok(plain.some((v) => v !== 0));
    } finally {
      setLinearKernel(before);
    }
  });

  it('README spot values and sums', () => {
    const t0 = runReference(config, weights, image, 0).out;
    const t1 = runReference(config, weights, image, 1).out;
    [0.226494383, -1.465261752, 4.456771846, -1.323105778].forEach((v, i) => assert.ok(Math.abs(t0[i]! - v) < 1e-8));
    [2.190824316, -0.123857805, 2.170021674, -1.149298751].forEach((v, i) => assert.ok(Math.abs(t1[i]! - v) < 1e-8));
    assert.ok(Math.abs(t0.reduce((a, b) => a + b, 0) - 57.1755222) < 1e-7);
    assert.ok(Math.abs(t1.reduce((a, b) => a + b, 0) - 62.48483808) < 1e-7);
  });

  it('a pre-folded pos_embed (no cls_token tensor) gives the same output', () => {
    const folded: TensorMap = new Map(weights);
    const cls = asF64(weights.get('cls_token')!);
    const pos = Float64Array.from(asF64(weights.get('pos_embed')!));
    for (let d = 0; d < 32; d++) pos[d]! += cls[d]!;
    folded.delete('cls_token');
    folded.set('pos_embed', { dtype: 'f64', shape: [1, 9, 32], data: pos });
    assert.ok(maxAbsDiff(runReference(config, folded, image, 1).out, runReference(config, weights, image, 1).out) <= 1e-12);
  });

  it('gate ties go to the lower expert index and the top-k probabilities are not renormalised', () => {
    // All-zero gates: every expert has probability 1/4, so top-2 must be experts 0 and 1 with p = 0.25 each.
    const tied: TensorMap = new Map(weights);
    tied.set('blocks.1.mlp.gate.0.w_gate', { dtype: 'f64', shape: [32, 4], data: new Float64Array(128) });
    const r = runReference(config, tied, image, 0, { trace: true });
    assert.deepEqual(Array.from(r.trace!.get('block1.topk_idx')!.data as BigInt64Array), Array.from({ length: 18 }, (_, i) => BigInt(i % 2)));
    assert.ok((r.trace!.get('block1.topk_p')!.data as Float64Array).every((p) => p === 0.25));
    // mlp_out = 0.25·(y0 + y1), not 0.5·(y0 + y1).
    const y = r.trace!.get('block1.expert_out')!.data as Float64Array;
    const mo = r.trace!.get('block1.mlp_out')!.data as Float64Array;
    for (let n = 0; n < 9; n++) for (let d = 0; d < 32; d++) assert.ok(Math.abs(mo[n * 32 + d]! - 0.25 * (y[n * 64 + d]! + y[n * 64 + 32 + d]!)) < 1e-12);
  });

  it('takes the preprocessed input as it is: pixelDivisor and normalize act in loadImage, not in the forward', () => {
    const norm = resolveConfig({ preset: 'tiny', sets: ['model.normalize=imagenet', 'model.pixelDivisor=255'] });
    assert.deepEqual(runReference(norm, weights, image, 0).out, runReference(config, weights, image, 0).out);
  });

  it('bad task, image size or weights are UserErrors naming the problem', () => {
    const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => isUserError(e) && re.test((e as Error).message));
    bad(() => runReference(config, weights, image, 2), /task 2 is out of range: the config has 2 tasks \(0=task0, 1=task1\)/);
    bad(() => runReference(config, weights, image.subarray(1), 0), /image has 6143 values, the config expects 3x32x64 = 6144/);
    const missing: TensorMap = new Map(weights);
    missing.delete('blocks.1.mlp.experts.h4toh.bias');
    bad(() => runReference(config, missing, image, 0), /missing tensor 'blocks\.1\.mlp\.experts\.h4toh\.bias' \(expected shape \[4,32\]\)/);
    const wrong: TensorMap = new Map(weights);
    wrong.set('blocks.0.attn.qkv.weight', { dtype: 'f32', shape: [32, 96], data: new Float32Array(3072) });
    bad(() => runReference(config, wrong, image, 0), /tensor 'blocks\.0\.attn\.qkv\.weight' has shape \[32,96\], expected \[96,32\]/);
  });
});

describe('reference progress', () => {
  it('reports each finished block (but the last) to onBlock, in order', async () => {
    const { resolveConfig } = await import('../../generator/config/index.ts');
    const { randomWeights } = await import('../../generator/weights/random.ts');
    const { runReference } = await import('../../generator/reference/model.ts');
    const cfg = resolveConfig({ preset: 'tiny' });
    const seen: string[] = [];
    const img = new Float64Array(cfg.model.image[0] * cfg.model.image[1] * cfg.model.image[2]).fill(0.5);
    runReference(cfg, randomWeights(cfg, 1), img, 0, { onBlock: (d, n) => seen.push(`${d}/${n}`) });
    assert.deepEqual(seen, Array.from({ length: cfg.model.depth - 1 }, (_, i) => `${i + 1}/${cfg.model.depth}`));
  });
});

describe('runReferenceYielding', () => {
  const config = resolveConfig({ preset: 'tiny', sets: [] });
  const weights = readSafetensors(join(TINY, 'weights.safetensors'));
  const image = loadImage(join(TINY, 'image.png'), config.model.image);

  it('gives the same output and trace as runReference', async () => {
    const { runReferenceYielding } = await import('../../generator/reference/model.ts');
    const a = runReference(config, weights, image, 1, { trace: true });
    const b = await runReferenceYielding(config, weights, image, 1, { trace: true });
    assert.deepEqual(b.out, a.out);
    assert.deepEqual([...b.trace!.keys()], [...a.trace!.keys()]);
    for (const [k, t] of a.trace!) assert.deepEqual(b.trace!.get(k)!.data, t.data, k);
  });

  it('lets the event loop run between blocks (an immediate queued before it runs before block 2 starts)', async () => {
    const { runReferenceYielding } = await import('../../generator/reference/model.ts');
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const r = runReferenceYielding(config, weights, image, 0, { onBlock: (d) => order.push(`block ${d}`) }).then(() => order.push('done'));
    order.push('started');
    await r;
    // Run straight through, every block would come before 'started'; it pauses after the first block instead.
    const depth = config.model.depth;
    assert.deepEqual(order, ['started', 'other work', ...Array.from({ length: depth - 1 }, (_, i) => `block ${i + 1}`), 'done']);
  });
});
