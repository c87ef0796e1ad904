// hardware.activations = 'onchip': the token buffers, hidden, the attention scores, softmaxInfo and the working x are
// on-chip arrays; only data movement changes (the same readers and writers on arrays, the residual add as one
// read-add-write process, an output writer per image), so the csim output is byte-identical to the DRAM design of the
// same precision (tiny at three geometries, ViT-T with 16-bit activations and 4 weight ports; the host on the csim bridge
// with two images per call), and every op ticks exactly as the estimator predicts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim, type CsimResult } from '../../generator/csim/run.ts';
import { readDesign } from '../../generator/emit/design.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { MANIFEST_FORMAT_ONCHIP } from '../../generator/manifest.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { loadImageBytes } from '../../generator/io/image.ts';
import { packDesign } from '../../generator/pack/pack.ts';
import { Accelerator } from '../../host/accelerator.ts';
import { loadDesign } from '../../host/design.ts';
import { loadPackedWeights } from '../../host/weights.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';
import { longIt } from '../helpers/long.ts';

const ONCHIP = 'hardware.activations=onchip';
/** Three bundles plus the weights one, so the DRAM design has three free ZCU102 ports for weights1..weights3. */
const MERGED = 'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}';
/** explore's act16 profile (ap_fixed<16,5> rounded, saturating) on the best ViT-T knobs with 4 weight ports. */
const VIT_T = [
  'hardware.linearTile.in=64',
  'hardware.linearTile.out=16',
  'hardware.attnParallel=26',
  'hardware.axiBits=128',
  'hardware.weightPorts=4',
  'precision.activation.W=16',
  'precision.activation.I=5',
  'precision.activation.q=AP_RND_CONV',
  'precision.activation.o=AP_SAT',
];

describe("csim with the activations on chip (hardware.activations = 'onchip')", function () {
  this.timeout(900_000);

  const run = async (dir: string, weights: string, image: string, task: number): Promise<{ r: CsimResult; bytes: Buffer }> => {
    const out = join(dir, 'out.npy');
    const r = await runCsim({ design: dir, weights, task, image, out, cycles: true });
    return { r, bytes: readFileSync(out) };
  };
  const counted = (x: { r: CsimResult }) => {
    for (const row of x.r.cycles!.rows) assert.equal(row.counted, row.predicted, `${row.name}: counted ${row.counted}, estimated ${row.predicted}`);
  };

  it('tiny: byte-identical to DRAM on both tasks; every op ticks as estimated; design.json lists only DRAM regions', async () => {
    const weights = join(TINY, 'weights.safetensors');
    const image = join(TINY, 'image.png');
    const dram = join(scratch(), 'dram');
    const oc = join(scratch(), 'oc');
    emitDesign(resolveConfig({ preset: 'tiny' }), dram);
    emitDesign(resolveConfig({ preset: 'tiny', sets: [ONCHIP] }), oc);
    for (const task of [0, 1]) {
      const a = await run(dram, weights, image, task);
      const b = await run(oc, weights, image, task);
      assert.ok(a.bytes.equals(b.bytes), `task ${task}: the on-chip output .npy differs from the DRAM one`);
      counted(b);
    }
    const m = readDesign(oc).manifest;
    assert.equal(m.format, MANIFEST_FORMAT_ONCHIP);
    assert.deepEqual(m.onChip, ['tmp1', 'tmp2', 'tmp3', 'hidden', 'attn', 'softmaxInfo']);
    // tiny's bundles: inout1 keeps images, inout2 keeps x (the output); inout3 and inout4 held on-chip regions only.
    assert.deepEqual(
      m.bundles.map((b) => [b.name, b.regions.map((r) => r.name)]),
      [['inout1', ['images']], ['inout2', ['x']], ['weights', ['weights']]],
    );
    assert.deepEqual(m.kernel.args.filter((a) => a.kind === 'buffer').map((a) => a.name), ['inout1', 'inout2', 'weights']);
    assert.equal(m.output.region, 'x');
  });

  it("tiny with fused attention as well: byte-identical to the DRAM split design on both tasks, every op as estimated; the empty attn / softmaxInfo regions get no array", async () => {
    const weights = join(TINY, 'weights.safetensors');
    const image = join(TINY, 'image.png');
    const dram = join(scratch(), 'dram-split');
    const oc = join(scratch(), 'oc-fused');
    emitDesign(resolveConfig({ preset: 'tiny' }), dram);
    emitDesign(resolveConfig({ preset: 'tiny', sets: [ONCHIP, 'hardware.attention=fused'] }), oc);
    for (const task of [0, 1]) {
      const a = await run(dram, weights, image, task);
      const b = await run(oc, weights, image, task);
      assert.ok(a.bytes.equals(b.bytes), `task ${task}: the on-chip fused output .npy differs from the DRAM split one`);
      counted(b);
    }
    const kernel = readFileSync(join(oc, 'src', 'kernel.cpp'), 'utf8');
    assert.doesNotMatch(kernel, /act_attn|act_softmax_info/);
    assert.match(kernel, /static word_t act_tmp1\[/);
  });

  longIt('tiny, other geometries (512-bit AXI: II 2 compute loops; tile 8×4, P 3, 128-bit AXI): byte-identical to DRAM, every op as estimated', async () => {
    const weights = join(TINY, 'weights.safetensors');
    const image = join(TINY, 'image.png');
    for (const [name, sets] of [
      ['a512', ['hardware.axiBits=512']],
      ['t84', ['hardware.linearTile.in=8', 'hardware.linearTile.out=4', 'hardware.attnParallel=3', 'hardware.axiBits=128']],
    ] as Array<[string, string[]]>) {
      const dram = join(scratch(), `${name}-dram`);
      const oc = join(scratch(), `${name}-oc`);
      emitDesign(resolveConfig({ preset: 'tiny', sets }), dram);
      emitDesign(resolveConfig({ preset: 'tiny', sets: [...sets, ONCHIP] }), oc);
      const a = await run(dram, weights, image, 1);
      const b = await run(oc, weights, image, 1);
      assert.ok(a.bytes.equals(b.bytes), `${name}: the on-chip output differs from the DRAM one`);
      counted(b);
    }
  });

  it("the host on the csim bridge: a two-image call gives the DRAM design's outputs (the on-chip x is reused per image, each written to its slot)", async () => {
    const weights = join(TINY, 'weights.safetensors');
    const outs: Float32Array[][] = [];
    const a = loadImageBytes(join(TINY, 'image.png'), [3, 32, 64]);
    const b = Uint8Array.from(a, (v, i) => (v * 7 + i) & 0xff);
    for (const [name, sets] of [['host-dram', []], ['host-oc', [ONCHIP]]] as Array<[string, string[]]>) {
      const dir = join(scratch(), name);
      emitDesign(resolveConfig({ preset: 'tiny', sets }), dir);
      packDesign(readDesign(dir), weights);
      const design = loadDesign(dir);
      assert.ok(design.manifest.maxImages >= 2);
      const acc = await Accelerator.open(design, { backend: 'csim' });
      acc.loadWeights(loadPackedWeights(design, join(dir, 'weights.bin')));
      outs.push(acc.infer([a, b], 1).outputs);
      assert.deepEqual(acc.infer([b], 1).outputs[0], outs[outs.length - 1]![1], `${name}: image b alone differs from its slot in the pair`);
      acc.close();
    }
    assert.deepEqual(outs[1], outs[0]);
  });

  longIt('m3vit-t-cityscapes, act16, tile 64×16, P 26, 128-bit AXI, 4 weight ports (seeded weights, astronaut 256×128): byte-identical to DRAM, within bounds, every op as estimated', async () => {
    const root = scratch();
    const dram = join(root, 'dram');
    const oc = join(root, 'oc');
    const config = resolveConfig({ sets: [...VIT_T, MERGED] });
    emitDesign(config, dram);
    emitDesign(resolveConfig({ sets: [...VIT_T, ONCHIP] }), oc);
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(config, 1));
    const image = join(IMAGES, 'astronaut-256x128.png');
    const a = await run(dram, w, image, 0);
    const b = await run(oc, w, image, 0);
    assert.ok(a.bytes.equals(b.bytes), 'the on-chip output .npy differs from the DRAM one');
    counted(b);
    assert.ok(b.r.final.relMse <= 1e-3, `MSE/var ${b.r.final.relMse}`);
    assert.ok(b.r.final.cosine >= 0.999, `cosine ${b.r.final.cosine}`);
  });
});
