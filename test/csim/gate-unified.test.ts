// hardware.gate = 'unified': the MoE gate's logits run on the unified linear unit and a routing process does the
// softmax, top-k and queue appends over all tokens. The logits are the own array's bit for bit (each product
// truncated to acc_t, summed in a wrapping acc_t from a zero bias, taken to act_t once), and the routing runs the own
// gate's softmax / top-k arithmetic in the same expert order per token, so the csim output is byte-identical to 'own'
// for every task; every op ticks exactly as the estimator predicts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim, type CsimResult } from '../../generator/csim/run.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { moeGateUnifiedTrips } from '../../generator/kernels/moe.ts';
import { moeSizes } from '../../generator/estimate/op-model.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { longIt } from '../helpers/long.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';

const UNIFIED = 'hardware.gate=unified';
/** tiny's 4 experts fill whole output tiles and activation words at 128-bit AXI with a 4-wide output tile. */
const TINY_GEOMETRY = ['hardware.axiBits=128', 'hardware.linearTile.out=4'];
/** The w8 preset at the 64×16 tile, P 26, 128-bit AXI and 4 weight ports (three bundles beside the weight ports). */
const W8_POINT = [
  'hardware.linearTile.in=64',
  'hardware.linearTile.out=16',
  'hardware.attnParallel=26',
  'hardware.axiBits=128',
  'hardware.weightPorts=4',
  'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}',
];

describe("csim with the MoE gate on the unified linear unit (hardware.gate = 'unified')", function () {
  this.timeout(1_800_000);

  /** Emits a design once; each run C-simulates one task on it (packed on the first run only). */
  const design = (preset: string, name: string, sets: string[]) => {
    const dir = join(scratch(), `gate-${name}`);
    emitDesign(resolveConfig({ preset, sets }), dir);
    return dir;
  };
  const run = async (dir: string, weights: string, image: string, task: number): Promise<{ r: CsimResult; bytes: Buffer }> => {
    const out = join(dir, `out-${task}.npy`);
    const r = await runCsim({ design: dir, weights, task, image, out, cycles: true });
    return { r, bytes: readFileSync(out) };
  };
  const counted = (x: { r: CsimResult }) => {
    for (const row of x.r.cycles!.rows) assert.equal(row.counted, row.predicted, `${row.name}: counted ${row.counted}, estimated ${row.predicted}`);
  };
  /** own vs unified on both tasks: byte-identical outputs, every op of the unified design as estimated. */
  const compare = async (preset: string, name: string, sets: string[], weights: string, image: string) => {
    const own = design(preset, `${name}-own`, sets);
    const uni = design(preset, `${name}-uni`, [...sets, UNIFIED]);
    for (const task of [0, 1]) {
      const o = await run(own, weights, image, task);
      const u = await run(uni, weights, image, task);
      assert.ok(o.bytes.equals(u.bytes), `${name}, task ${task}: the unified gate's output differs from the own gate's`);
      counted(u);
    }
  };

  it('tiny (the fixture checkpoint): byte-identical to the own gate on both tasks; the gate op ticks bias + logits + routing', async () => {
    await compare('tiny', 'tiny', TINY_GEOMETRY, join(TINY, 'weights.safetensors'), join(TINY, 'image.png'));
    const plan = buildPlan(resolveConfig({ preset: 'tiny', sets: [...TINY_GEOMETRY, UNIFIED] }));
    const gate = plan.ops.find((o) => o.kind === 'moe_gate')!;
    // 1 zero-bias word, 9 tokens × 1 out tile × 2 in tiles, 9 tokens × 1 logit word stored, 4 experts × 9 tokens of
    // softmax, 9 × 2 appends, 4 metaqueue entries.
    assert.equal(moeGateUnifiedTrips(moeSizes(plan)), 1 + 9 * 2 + 9 + 4 * 9 + 9 * 2 + 4);
    assert.equal(gate.trips, moeGateUnifiedTrips(moeSizes(plan)));
    assert.ok(!plan.buffers.some((b) => b.name === 'gate_w'), 'no gate_w: the gate loads into the linear weight buffer');
    assert.ok(plan.weights.filter((w) => /mlp\.gate\./.test(w.name)).every((w) => w.cls === 'linearWeight'));
  });

  it('tiny with 2 weight ports and 8-bit per-channel-scaled weights (the gate rows and scales through the port loader): byte-identical to own', async () => {
    const sets = [
      ...TINY_GEOMETRY,
      'hardware.weightPorts=2',
      'precision.linearWeight.W=8',
      'precision.linearWeight.I=1',
      'precision.linearWeight.granularity=channel',
      'precision.linearWeight.scaleBits=3',
      'precision.linearWeight.scaleShift=4',
    ];
    await compare('tiny', 'tiny-p2', sets, join(TINY, 'weights.safetensors'), join(TINY, 'image.png'));
  });

  it('tiny with the activations on chip (logits through the on-chip hidden array) and with fused attention: byte-identical to own', async () => {
    for (const [name, extra] of [
      ['onchip', 'hardware.activations=onchip'],
      ['fused', 'hardware.attention=fused'],
    ] as Array<[string, string]>) {
      await compare('tiny', `tiny-${name}`, [...TINY_GEOMETRY, extra], join(TINY, 'weights.safetensors'), join(TINY, 'image.png'));
    }
  });

  const vitT = (preset: string) => {
    const root = scratch();
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(resolveConfig({ preset }), 1));
    return w;
  };
  const astronaut = join(IMAGES, 'astronaut-256x128.png');

  longIt('m3vit-t-cityscapes (32-bit, seeded weights, astronaut): byte-identical to the own gate on both tasks', async () => {
    await compare('m3vit-t-cityscapes', 'vit32', [], vitT('m3vit-t-cityscapes'), astronaut);
  });

  longIt('m3vit-t-cityscapes-w8 at 64×16, P 26, 4 weight ports (seeded weights, astronaut): byte-identical to the own gate on both tasks', async () => {
    await compare('m3vit-t-cityscapes-w8', 'w8', W8_POINT, vitT('m3vit-t-cityscapes-w8'), astronaut);
  });
});
