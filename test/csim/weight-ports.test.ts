// hardware.weightPorts: the linear weight stream split over 2 or 4 m_axi ports changes only the data movement, so the
// csim output is byte-identical to one port, and every op still ticks exactly as the estimator predicts (the port
// loader takes a word of every port per cycle: a weight load of W words ticks W / ports times).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim, type CsimResult } from '../../generator/csim/run.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { scratch, TINY } from '../helpers/paths.ts';

/** Three bundles plus the weights one: ZCU102's six ports then leave three free for weights1..weights3. */
const MERGED = 'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}';
/** 8-bit linear weights with per-channel scales (the scale table stays with part 0 in the weights region). */
const W8 = ['precision.linearWeight.W=8', 'precision.linearWeight.I=1', 'precision.linearWeight.granularity=channel', 'precision.linearWeight.scaleBits=3', 'precision.linearWeight.scaleShift=4'];

describe('csim with several weight ports (hardware.weightPorts)', function () {
  this.timeout(600_000);
  const weights = join(TINY, 'weights.safetensors');
  const image = join(TINY, 'image.png');

  const run = async (name: string, sets: string[], task: number): Promise<{ r: CsimResult; bytes: Buffer }> => {
    const dir = join(scratch(), `wports-${name}`);
    emitDesign(resolveConfig({ preset: 'tiny', sets }), dir);
    const out = join(dir, 'out.npy');
    const r = await runCsim({ design: dir, weights, task, image, out, cycles: true });
    return { r, bytes: readFileSync(out) };
  };

  const sameAndCounted = (one: { r: CsimResult; bytes: Buffer }, many: { r: CsimResult; bytes: Buffer }, ports: number) => {
    assert.ok(one.bytes.equals(many.bytes), `the ${ports}-port output .npy differs from the one-port output`);
    for (const x of [one, many]) {
      const c = x.r.cycles!;
      for (const row of c.rows) assert.equal(row.counted, row.predicted, `${row.name}: counted ${row.counted}, estimated ${row.predicted}`);
    }
    // The weight loads tick 1/ports as often: Q's own load (DIM·DIM weights) is the difference on block0.q.
    const q = (x: { r: CsimResult }) => x.r.cycles!.rows.find((row) => row.name === 'block0.q')!.counted;
    return { q1: q(one), qn: q(many) };
  };

  it('tiny, 2 ports: output byte-equal to 1 port, every op ticks as estimated, Q loads in half the iterations', async () => {
    const one = await run('1', [], 0);
    const two = await run('2', ['hardware.weightPorts=2'], 0);
    const { q1, qn } = sameAndCounted(one, two, 2);
    const s = buildPlan(resolveConfig({ preset: 'tiny' })).sizes;
    const wLanes = 256 / 16;
    // Q: its own load and K's prefetch, DIM·DIM / lanes words each.
    assert.equal(q1 - qn, 2 * (s.dim * s.dim) / wLanes / 2);
  });

  it('tiny, 4 ports with 8-bit per-channel-scaled weights: output byte-equal to 1 port, every op ticks as estimated', async () => {
    const one = await run('w8-1', [MERGED, ...W8], 1);
    const four = await run('w8-4', [MERGED, ...W8, 'hardware.weightPorts=4'], 1);
    const { q1, qn } = sameAndCounted(one, four, 4);
    assert.ok(qn < q1, `block0.q: ${qn} iterations with 4 ports, ${q1} with 1`);
  });
});
