// Per-tensor weight types in the kernel: the loaders' sign-extend-and-shift into the class's union type must give
// exactly the values the packer quantized. Weights on a grid both layouts hold exactly → byte-identical csim outputs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { PRESETS } from '../../generator/config/presets.ts';
import { runCsim } from '../../generator/csim/run.ts';
import { topKAgreement } from '../../generator/reference/fidelity.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import type { TensorMap } from '../../generator/tensor.ts';
import { loadWeights } from '../../generator/weights/load.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { scratch, TINY } from '../helpers/paths.ts';

const LINEAR = /(qkv|proj|fc\d|htoh4|h4toh)\.weight$|w_gate$/;
const BIAS_OR_NORM = /(qkv|proj|fc\d|htoh4|h4toh)\.bias$|norm\d\.(weight|bias)$/;

/** Tiny's weights moved onto grids both designs below represent exactly (linear 2^-13 within ±0.99, biases 2^-9 within ±3.9). */
function gridWeights(): TensorMap {
  const out: TensorMap = new Map();
  for (const [name, t] of loadWeights(join(TINY, 'weights.safetensors')).tensors) {
    const grid = LINEAR.test(name) ? [2 ** 13, 0.99] : BIAS_OR_NORM.test(name) ? [2 ** 9, 3.9] : null;
    if (!grid) {
      out.set(name, t);
      continue;
    }
    const [s, lim] = grid as [number, number];
    const data = Float32Array.from(t.data as Float32Array, (v) => Math.max(-lim, Math.min(lim, Math.round(v * s) / s)));
    out.set(name, { ...t, data });
  }
  return out;
}

describe('csim: per-tensor weight types (shifted loads)', function () {
  this.timeout(900_000);
  const dir = scratch();
  after(() => rmSync(dir, { recursive: true, force: true }));

  // sha256 of tiny's csim output .npy (fixture weights and image), recorded with the generator before per-tensor
  // precision existed: with no overrides every shift is 0 and the union is the class type, so nothing may change.
  const GOLDEN_OUT = ['6b4e8072bc974464b9cf65d140f91262b3770a5363119bc2a0b5062c0535ec69', 'd1f3e091e5474403ad553ef7458472ba91c0c3e8d0d65f004228c3e85c3ca7ce'];
  it('no overrides: the csim output is byte-identical to before per-tensor precision (golden sha256, tasks 0 and 1)', async () => {
    emitDesign(resolveConfig({ preset: 'tiny' }), join(dir, 'edge'));
    for (const task of [0, 1]) {
      const out = join(dir, `edge${task}.npy`);
      await runCsim({ design: join(dir, 'edge'), weights: join(TINY, 'weights.safetensors'), task, image: join(TINY, 'image.png'), out });
      assert.equal(createHash('sha256').update(readFileSync(out)).digest('hex'), GOLDEN_OUT[task], `task ${task}`);
    }
  });

  it('class types vs per-tensor types holding the same values: identical outputs, and the shifts are really used', async () => {
    const weights = join(dir, 'grid.safetensors');
    writeSafetensors(weights, gridWeights());
    const a = resolveConfig({ preset: 'tiny', sets: ['precision.linearWeight.I=3'] });
    const b = resolveConfig({
      preset: 'tiny',
      sets: [
        'precision.linearWeight.I=3',
        'precision.tensors={"blocks.1.*.weight":{"I":1},"blocks.0.attn.qkv.weight":{"I":2},"blocks.0.attn.qkv.bias":{"I":3},"blocks.1.norm?.*":{"I":3},"blocks.1.mlp.gate.*":{"I":1}}',
      ],
    });
    const plan = buildPlan(b);
    const shift = (n: string) => plan.weights.find((w) => w.name === n)!.shift;
    assert.deepEqual([shift('blocks.0.attn.q.weight'), shift('blocks.0.attn.proj.weight'), shift('blocks.1.mlp.experts.h4toh.weight')], [1, 2, 0]);
    assert.ok(shift('blocks.0.attn.q.bias') === 0 && shift('blocks.0.attn.proj.bias') === 4, 'attn biases: I 3 vs 7');
    assert.ok(shift('blocks.0.norm1.weight') > 0 && shift('blocks.1.mlp.gate.1.w_gate') === 0, 'norm and gate shifts');
    const outs: Buffer[] = [];
    for (const [name, c] of [['a', a], ['b', b]] as const) {
      emitDesign(c, join(dir, name));
      const out = join(dir, `${name}.npy`);
      const r = await runCsim({ design: join(dir, name), weights, task: 1, image: join(TINY, 'image.png'), out });
      assert.ok(r.final.relMse < 1e-4, `${name}: MSE/var ${r.final.relMse}`);
      outs.push(readFileSync(out));
    }
    assert.ok(outs[0]!.equals(outs[1]!), 'per-tensor types change the output although every value is the same');
  });

  it('per-channel scales (8-bit, m/8 · 2^-sh rows): the loaders apply them (below per-tensor 8-bit error), cycles as estimated', async () => {
    const w8 = ['precision.linearWeight.W=8', 'precision.linearWeight.I=1', 'precision.linearWeight.q=AP_RND_CONV', 'precision.linearWeight.o=AP_SAT'];
    const err: number[] = [];
    for (const [name, sets] of [['tensor8', w8], ['channel8', [...w8, 'precision.linearWeight.granularity=channel', 'precision.linearWeight.scaleBits=3']]] as const) {
      emitDesign(resolveConfig({ preset: 'tiny', sets: [...sets] }), join(dir, name));
      const r = await runCsim({ design: join(dir, name), weights: join(TINY, 'weights.safetensors'), task: 0, image: join(TINY, 'image.png'), cycles: true });
      for (const row of r.cycles!.rows) if (row.predicted !== null) assert.equal(row.counted, row.predicted, `${name} op ${row.name}: counted vs estimated iterations`);
      err.push(r.final.relMse);
    }
    // Measured: 5.2e-4 per tensor, 1.7e-4 per channel. A loader that ignored the row scales would put every row off by
    // its scale (up to 2^4), far above both.
    assert.ok(err[1]! < 0.5 * err[0]! && err[1]! < 3e-4, `MSE/var per tensor ${err[0]}, per channel ${err[1]}`);
  });

  it('activations with round-to-nearest and saturation compile (gelu_approx takes any act_t modes) and stay accurate', async () => {
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['precision.activation.q=AP_RND', 'precision.activation.o=AP_SAT'] }), join(dir, 'rnd'));
    const r = await runCsim({ design: join(dir, 'rnd'), weights: join(TINY, 'weights.safetensors'), task: 1, image: join(TINY, 'image.png') });
    assert.ok(r.final.relMse < 1e-4, `MSE/var ${r.final.relMse}`);
  });

  it("the presets' precision on tiny (fixture weights, both tasks): accurate ≤ ¼ of the default's MSE, w8 MSE/var ≤ 1e-3", async () => {
    const withPrecision = (preset: string) => {
      const c = resolveConfig({ preset: 'tiny' });
      c.precision = PRESETS[preset]!.config().precision;
      c.name = `tiny-${preset}`;
      return c;
    };
    const mse: Record<string, number[]> = {};
    const rel: Record<string, number[]> = {};
    for (const preset of ['m3vit-t-cityscapes', 'm3vit-t-cityscapes-accurate', 'm3vit-t-cityscapes-w8']) {
      emitDesign(withPrecision(preset), join(dir, preset));
      for (const task of [0, 1]) {
        // w8 (16-bit activation containers) with --trace: its per-op dumps and routing record decode from 16-bit lanes.
        const w8 = preset === 'm3vit-t-cityscapes-w8';
        const r = await runCsim({ design: join(dir, preset), weights: join(TINY, 'weights.safetensors'), task, image: join(TINY, 'image.png'), trace: w8 });
        if (w8) {
          const k = topKAgreement(r.routing)!;
          assert.deepEqual([k.agree, k.total], [9, 9], `task ${task}: every token's top-2 as the reference's`);
          const worst = Math.max(...r.ops.filter((o) => !o.trace.endsWith('topk_p')).map((o) => o.relMse));
          assert.ok(r.ops.length > 0 && worst < 1e-3, `task ${task}: per-op MSE/var from the 16-bit dumps, worst ${worst}`);
        }
        (mse[preset] ??= []).push(r.final.mse);
        (rel[preset] ??= []).push(r.final.relMse);
      }
    }
    const d = mse['m3vit-t-cityscapes']!;
    mse['m3vit-t-cityscapes-accurate']!.forEach((m, t) => assert.ok(m <= d[t]! / 4, `task ${t}: accurate MSE ${m}, default ${d[t]}`));
    rel['m3vit-t-cityscapes-w8']!.forEach((r, t) => assert.ok(r <= 1e-3, `task ${t}: w8 MSE/var ${r}`));
  });
});
