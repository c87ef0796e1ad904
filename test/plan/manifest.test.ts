// design.json from the plan: the per-image input/output strides the host and testbench read.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { MANIFEST_FORMAT, manifestSchema } from '../../generator/manifest.ts';
import { buildPlan, planToManifest } from '../../generator/plan/index.ts';
import { ioEntries } from '../../generator/plan/manifest.ts';

describe('plan: design.json input/output strides', () => {
  it('m3vit-t-cityscapes, 3 images: images word-aligned per image, x one token buffer per image, rows of dim/8 words', () => {
    const plan = buildPlan(resolveConfig({ preset: 'm3vit-t-cityscapes' }), { maxImages: 3 });
    const m = manifestSchema.parse(planToManifest(plan, 'h'));
    assert.equal(m.format, MANIFEST_FORMAT);
    // 3x128x256 pixel bytes = 98304 = 3072 words of 32 bytes exactly; [129][192] int32 = 24 words per token.
    assert.deepEqual(m.input, { region: 'images', shape: [3, 128, 256], stride: 98304, rowStride: 256, preprocess: { divisor: 256, mean: [0, 0, 0], std: [1, 1, 1] } });
    assert.deepEqual(m.output, { region: 'x', shape: [129, 192], stride: 129 * 24 * 32, rowStride: 24 * 32 });
    // The regions hold exactly maxImages items at those strides.
    assert.equal(plan.regions.images.bytes, 3 * m.input.stride);
    assert.equal(plan.regions.x.bytes, 3 * m.output.stride);
  });

  it('tiny with a ragged image (3x30x50 = 4500 bytes): the image stride is padded to a whole word (4512)', () => {
    const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: ['model.image=[3,30,50]', 'model.patch=10'] }), { maxImages: 2 });
    const { input, output } = ioEntries(plan);
    assert.equal(input.stride, 4512);
    assert.equal(input.rowStride, 50);
    assert.equal(output.rowStride, 4 * 32, 'dim 32 int32 activations → 4 words of 8');
    assert.equal(output.stride, plan.sizes.tokens * 128);
    assert.equal(plan.regions.images.bytes, 2 * input.stride);
  });
});
