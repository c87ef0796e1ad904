// hardware.patchEmbed = 'unified': the patch embedding runs on the unified linear unit. Its arithmetic is the own
// array's (each pixel·weight product truncated to acc_t, summed in acc_t from the bias, taken to act_t, pos_embed
// added in act_t; wrapping sums do not depend on the order), and the patch weights keep precision.patchWeight's type
// inside the linear weight class (plan/precision.ts baseType), so the csim output is byte-identical to 'own'. Given the
// linear class's own type instead (ap_fixed<16,2>: two fraction bits fewer than ap_fixed<16,0>) it differs only by that
// quantisation and stays within the float reference's bounds. Every op ticks exactly as the estimator predicts, and
// the one-time load is gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim, type CsimResult } from '../../generator/csim/run.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { patchEmbedUnifiedTrips } from '../../generator/kernels/patch-embed.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';

const UNIFIED = 'hardware.patchEmbed=unified';
/** The patch weights at the linear weight class's own type (ap_fixed<16,2>) instead of precision.patchWeight's. */
const PATCH_I2 = 'precision.tensors={"patch_embed.proj.weight":{"I":2}}';

describe("csim with the patch embedding on the unified linear unit (hardware.patchEmbed = 'unified')", function () {
  this.timeout(900_000);
  const weights = join(TINY, 'weights.safetensors');
  const image = join(TINY, 'image.png');

  const run = async (name: string, sets: string[], task = 0): Promise<{ r: CsimResult; bytes: Buffer }> => {
    const dir = join(scratch(), `pe-${name}`);
    emitDesign(resolveConfig({ preset: 'tiny', sets }), dir);
    const out = join(dir, 'out.npy');
    const r = await runCsim({ design: dir, weights, task, image, out, cycles: true });
    return { r, bytes: readFileSync(out) };
  };
  const counted = (x: { r: CsimResult }) => {
    for (const row of x.r.cycles!.rows) assert.equal(row.counted, row.predicted, `${row.name}: counted ${row.counted}, estimated ${row.predicted}`);
  };

  it('tiny: byte-identical to the own array; every op ticks as estimated; no one-time load', async () => {
    const own = await run('own', []);
    const uni = await run('uni', [UNIFIED]);
    assert.ok(own.bytes.equals(uni.bytes), 'the unified output .npy differs from the own array');
    counted(own);
    counted(uni);
    const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: [UNIFIED] }));
    assert.equal(plan.weights.find((w) => w.name === 'patch_embed.proj.weight')!.ctype, 'ap_fixed<16,0>');
    assert.equal(plan.types.linearWeight.cpp, 'ap_fixed<18,2>', 'the union of the linear weights and the patch weights');
    const s = plan.sizes;
    const t = plan.types;
    const embed = uni.r.cycles!.rows.find((row) => row.name === 'embed')!;
    const want = patchEmbedUnifiedTrips({ ...s, wLanes: t.linearWeight.lanes, bLanes: t.bias.lanes, sLanes: 0, wPorts: 1 });
    // weights [32][768] at 16 lanes, 2 bias words, 8 patches × 2 out tiles × 48 in tiles, 9 tokens × 4 words
    assert.equal(want, (32 * 768) / 16 + 2 + 8 * 2 * 48 + 9 * 4);
    assert.equal(embed.counted, want);
    assert.equal(plan.reloadTrips, 0);
    assert.equal(uni.r.cycles!.rows.find((row) => row.id === 0)?.counted ?? 0, 0);
    assert.ok(!plan.buffers.some((b) => b.name.startsWith('patch_')), 'no patch_w / patch_b / patch_acc buffers');
  });

  it('tiny, other reader geometries (tile 8×4 at 128-bit AXI: 2 tiles per pixel group; 64-bit AXI: 2 groups per tile; 2 weight ports): byte-identical to own', async () => {
    for (const [name, sets] of [
      ['t84', ['hardware.linearTile.in=8', 'hardware.linearTile.out=4', 'hardware.axiBits=128']],
      ['a64', ['hardware.axiBits=64']],
      ['p2', ['hardware.weightPorts=2']],
    ] as Array<[string, string[]]>) {
      const own = await run(`own-${name}`, sets, 1);
      const uni = await run(`uni-${name}`, [...sets, UNIFIED], 1);
      assert.ok(own.bytes.equals(uni.bytes), `${name}: the unified output differs from the own array`);
      counted(uni);
    }
  });

  it('tiny with the linear class type ap_fixed<16,2> for the patch weights: differs from own by that quantisation only, within the float bounds', async () => {
    const own = await run('own-t1', [], 1);
    const uni = await run('uni-t1', [UNIFIED, PATCH_I2], 1);
    assert.ok(!own.bytes.equals(uni.bytes), 'two fraction bits fewer per patch weight must change some output');
    counted(uni);
    assert.ok(uni.r.final.relMse <= 1e-3, `MSE/var ${uni.r.final.relMse}`);
    assert.ok(uni.r.final.cosine >= 0.999, `cosine ${uni.r.final.cosine}`);
  });

  it('m3vit-t-cityscapes (seeded weights, astronaut 256×128): within the bounds of the own array, every op as estimated', async () => {
    const root = scratch();
    const config = resolveConfig({ sets: [UNIFIED] });
    const dir = join(root, 'd');
    emitDesign(config, dir);
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(config, 1));
    const r = await runCsim({ design: dir, weights: w, task: 0, image: join(IMAGES, 'astronaut-256x128.png'), cycles: true });
    assert.ok(r.final.cosine >= 0.999, `cosine ${r.final.cosine}`);
    assert.ok(r.final.relMse <= 1e-3, `MSE/var ${r.final.relMse}`);
    assert.deepEqual(r.shape, [129, 192]);
    const embed = r.cycles!.rows.find((row) => row.name === 'embed')!;
    assert.equal(embed.counted, embed.predicted);
  });
});
