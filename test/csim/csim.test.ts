// End to end: generated designs C-simulated with g++ against the float64 reference / the PyTorch fixture.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { runCsim } from '../../generator/csim/run.ts';
import { compareArrays } from '../../generator/reference/compare.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { readNpy } from '../../generator/io/npy.ts';
import { readNpz } from '../../generator/io/npz.ts';
import { compareRouting, referenceRouting } from '../../generator/csim/routing.ts';
import { formatRouting } from '../../generator/csim/report.ts';
import { buildPlan, routeLayout } from '../../generator/plan/index.ts';
import { asF64 } from '../../generator/tensor.ts';
import { loadWeights } from '../../generator/weights/load.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { runCli } from '../helpers/cli.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';

describe('edgemoe csim', function () {
  this.timeout(600_000);

  describe('tiny design vs the m3vit-tiny-test fixture', () => {
    const dir = join(scratch(), 'tiny');
    const weights = join(TINY, 'weights.safetensors');
    before(() => {
      emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    });

    // Tolerance. Edge-MoE's types truncate everywhere: weights ap_fixed<16,2> (step 2^-14 ≈ 6e-5 against weights of
    // std 0.2: ≈3e-4 relative per weight), activations ap_fixed<32,10> (step 2^-22), plus the GELU table and the
    // single-pass softmax. The design target for the 12-block model is MSE/var ≤ 1e-3; tiny has 2 blocks, so its error
    // budget is ~6× smaller: we require MSE/var ≤ 1e-4 and cosine ≥ 0.9999 (measured ≈1e-5 and 0.999995), and max abs
    // ≤ 0.1 (the fixture's |residual stream| ≤ 8.15, so 1.2 % of its range).
    for (const task of [0, 1]) {
      it(`task ${task}: output matches expected_task${task}.npy (MSE/var ≤ 1e-4, cosine ≥ 0.9999); per-op trace covers every op`, async () => {
        const out = join(dir, `out${task}.npy`);
        const r = await runCsim({ design: dir, weights, task, image: join(TINY, 'image.png'), trace: true, out });
        const expected = asF64(readNpy(join(TINY, `expected_task${task}.npy`)));
        const e = compareArrays(r.output, expected);
        assert.ok(e.relMse <= 1e-4, `MSE/var ${e.relMse}`);
        assert.ok(e.cosine >= 0.9999, `cosine ${e.cosine}`);
        assert.ok(e.maxAbs <= 0.1, `max abs ${e.maxAbs}`);
        assert.ok(r.passed && r.final.relMse <= 1e-4, `vs our reference: ${r.final.relMse}`);
        // Every op with a comparable reference tensor was dumped and compared, plus the gate's logits and top-k probabilities.
        assert.equal(r.ops.length, 24);
        assert.deepEqual(r.ops.slice(0, 3).map((o) => o.trace), ['embed', 'block0.ln1', 'block0.q']);
        assert.deepEqual(r.ops.filter((o) => o.op === 'block1.gate').map((o) => o.trace), ['block1.gate_logits', 'block1.topk_p']);
        for (const o of r.ops) assert.ok(o.cosine > 0.999, `${o.op}: cosine ${o.cosine}`);
        // Routing: the kernel picks the fixture's experts for every token. A probability moves by at most
        // 2·max|Δlogit| (dp_i = p_i(dl_i − Σ_j p_j dl_j)), plus the single-pass softmax's < 2 LSB of act_t.
        assert.equal(r.routing.length, 1);
        const fx = readNpz(join(TINY, `trace_task${task}.npz`));
        const vsFixture = compareRouting(r.routing[0]!.kernel, referenceRouting(fx, 1), routeLayout(buildPlan(resolveConfig({ preset: 'tiny' })).sizes), { block: 1, id: 23, name: 'block1.gate' });
        assert.equal(vsFixture.differ.length, 0);
        assert.equal(r.routing[0]!.differ.length, 0);
        const dLogit = r.ops.find((o) => o.trace === 'block1.gate_logits')!.maxAbs;
        assert.ok(vsFixture.topkPMaxAbs <= 2 * dLogit + 2 ** -21, `topk_p max abs ${vsFixture.topkPMaxAbs} vs max |Δlogit| ${dLogit}`);
        const npy = readNpy(out);
        assert.deepEqual(npy.shape, [9, 32]);
        assert.equal(npy.dtype, 'f32');
      });
    }

    it('the two tasks route differently and give different outputs', async () => {
      const a = await runCsim({ design: dir, weights, task: 'task0', image: join(TINY, 'image.npy') });
      const b = await runCsim({ design: dir, weights, task: 'task1', image: join(TINY, 'image.npy') });
      assert.ok(compareArrays(a.output, b.output).maxAbs > 0.5);
    });

    it('CLI: prints the error table and phases, exits 1 above the tolerance, 2 on bad input', async () => {
      const ok = await runCli(['csim', '--design', dir, '--weights', weights, '--task', '0', '--trace', join(TINY, 'image.png')]);
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.match(ok.stdout, /id +op +trace +MSE +MSE\/var +max abs +cosine/);
      assert.match(ok.stdout, /block1\.out +block1\.out/);
      assert.match(ok.stdout, /^largest MSE\/var: block\d\.\w+ \(op \d+\) \S+, cosine 0\.9/m);
      assert.match(ok.stdout, /^23  block1\.gate +block1\.topk_p /m);
      assert.match(ok.stdout, /^routing block1\.gate \(op 23\): 0 of 9 tokens pick other experts than the reference, nearest reference tie p2−p3 = \S+; topk_p max abs \S+ over 9 agreeing tokens$/m);
      assert.match(ok.stdout, /output vs float reference: MSE \S+ +MSE\/var \S+ +max abs \S+ +cosine 0\.99/);
      assert.match(ok.stdout, /^fidelity: MSE \S+  MSE\/var \S+  cosine 0\.99\d+  bias -?\S+  max abs \S+  top-k agreement 9\/9 \(100\.00 %\), 0 flips at reference margin > 0\.001$/m);
      assert.match(ok.stdout, /phases: compile [\d.]+ s, (pack [\d.]+ s, )?csim [\d.]+ s, reference [\d.]+ s/);
      assert.match(ok.stdout, /^PASS/m);
      const counted = await runCli(['csim', '--design', dir, '--weights', weights, '-t', '0', '--cycles', '--overflow-stats', join(TINY, 'image.png')]);
      assert.equal(counted.exitCode, 0, counted.stderr);
      // --cycles: a table instead of the testbench's raw lines; on tiny every op ticks exactly as estimated.
      assert.doesNotMatch(counted.stdout, /^cycles \d+ \d+$/m);
      assert.match(counted.stdout, /^id +op +counted +estimate +counted − estimate +ms @ 300 MHz$/m);
      assert.match(counted.stdout, /^0 +one-time load \(reload=1\) +1,538 +1,538 +0 +0\.00513$/m);
      assert.match(counted.stdout, /^1 +embed +804 +804 +0 /m);
      assert.match(counted.stdout, /^24 +block1\.mlp_out +([\d,]+) +\1 +0 /m);
      const rows = [...counted.stdout.matchAll(/^(\d+) +(\S+(?: \S+)*?) +([\d,]+) +([\d,]+) +(\S+) +[\d.e-]+$/gm)];
      assert.deepEqual(rows.map((m) => Number(m[1])), Array.from({ length: 26 }, (_, i) => i), 'op 0 (the load) and ops 1..25');
      for (const m of rows) assert.equal(m[5], '0', `op ${m[1]} ${m[2]}: counted ${m[3]}, estimate ${m[4]}`);
      const perImage = /^ +per image \(25 ops\) +([\d,]+) +\1 +0 +([\d.]+)$/m.exec(counted.stdout);
      assert.ok(perImage, counted.stdout);
      const sum = rows.slice(1).reduce((a, m) => a + Number(m[3]!.replace(/,/g, '')), 0);
      assert.equal(Number(perImage[1]!.replace(/,/g, '')), sum);
      assert.equal(perImage[2], (sum / 3e5).toPrecision(3));
      assert.match(counted.stdout, new RegExp(`^ +total with the one-time load +${(sum + 1538).toLocaleString('en-US')} `, 'm'));
      assert.match(counted.stdout, /float reference's routing.*; every op matches the estimate$/m);
      assert.match(counted.stdout, /^overflow total=\d+$/m);
      const strict = await runCli(['csim', '--design', dir, '--weights', weights, '-t', '0', '--tolerance', '1e-12', join(TINY, 'image.png')]);
      assert.equal(strict.exitCode, 1);
      assert.match(strict.stdout, /FAIL: MSE\/var \S+ > tolerance 1\.000e-12/);
      const wrongSize = await runCli(['csim', '--design', dir, '--weights', weights, '-t', '0', join(IMAGES, 'astronaut-256x128.png')]);
      assert.equal(wrongSize.exitCode, 2);
      assert.match(wrongSize.stderr, /edgemoe: error: .*astronaut-256x128\.png: image is \[3,128,256\]/);
      const partial = join(dir, '..', 'partial.safetensors');
      const sd = loadWeights(weights).tensors;
      sd.delete('blocks.1.mlp.gate.1.w_gate');
      writeSafetensors(partial, sd);
      const badWeights = await runCli(['csim', '--design', dir, '--weights', partial, '-t', '0', join(TINY, 'image.png')]);
      assert.equal(badWeights.exitCode, 2);
      assert.match(badWeights.stderr, /do not match config 'tiny'[\s\S]*missing blocks\.1\.mlp\.gate\.1\.w_gate/);
      assert.doesNotMatch(badWeights.stderr, /compile/);
      const badTask = await runCli(['csim', '--design', dir, '--weights', weights, '--task', 'depth', join(TINY, 'image.png')]);
      assert.equal(badTask.exitCode, 2);
      assert.match(badTask.stderr, /^edgemoe: error: unknown task 'depth' \(tasks: task0 \(0\), task1 \(1\)\)$/m);
    });

    it('a gate made to tie in fixed point but not in float: the routing line counts the token and its tiny margin', async () => {
      // Token T's 2nd and 3rd experts (lo < hi) get gate columns that quantize (wlin_t, ap_fixed<16,2> truncated:
      // step 2^-14) to the same q, q + 2^-15 for lo and q + 2^-15 ± 2^-16·sign(u_T) for hi. The kernel sees equal
      // logits and keeps the lower index (lo); the float reference sees logit_hi − logit_lo = 2^-16·Σ|u_T| > 0 and
      // takes hi. So token T must be reported, with a reference margin p_hi − p_lo of that order (≪ 1e-3).
      const T = 4;
      const fx = readNpz(join(TINY, 'trace_task0.npz'));
      const u = asF64(fx.get('block1.ln2')!).subarray(T * 32, T * 32 + 32);
      const probs = asF64(fx.get('block1.gate_probs')!).subarray(T * 4, T * 4 + 4);
      const order = [0, 1, 2, 3].sort((a, b) => probs[b]! - probs[a]!);
      const [lo, hi] = [Math.min(order[1]!, order[2]!), Math.max(order[1]!, order[2]!)];
      const sd = loadWeights(weights).tensors;
      const g = sd.get('blocks.1.mlp.gate.0.w_gate')!;
      const w = Float32Array.from(asF64(g));
      for (let d = 0; d < 32; d++) {
        const q = Math.floor(w[d * 4 + order[1]!]! * 2 ** 14) / 2 ** 14;
        w[d * 4 + lo] = q + 2 ** -15;
        w[d * 4 + hi] = q + 2 ** -15 + Math.sign(u[d]!) * 2 ** -16;
      }
      sd.set('blocks.1.mlp.gate.0.w_gate', { dtype: 'f32', shape: g.shape, data: w });
      const tied = join(dir, '..', 'tied.safetensors');
      writeSafetensors(tied, sd);
      const r = await runCsim({ design: dir, weights: tied, task: 0, image: join(TINY, 'image.png'), trace: true });
      const rr = r.routing[0]!;
      const d = rr.differ.find((x) => x.token === T);
      assert.ok(d, `token ${T} not reported: ${formatRouting(r.routing)}`);
      assert.ok(d.csim.includes(lo) && !d.csim.includes(hi), `csim {${d.csim}}`);
      assert.ok(d.reference.includes(hi) && !d.reference.includes(lo), `reference {${d.reference}}`);
      assert.ok(d.margin > 0 && d.margin < 1e-3, `margin ${d.margin}`);
      assert.match(formatRouting(r.routing), new RegExp(`^routing block1\\.gate \\(op 23\\): ${rr.differ.length} of 9 tokens pick other experts[^\\n]*\\n(  token \\d: .*\\n)*  token ${T}: csim `));
    });

    it('repacks when weights.bin was packed from other weights', async () => {
      const other = join(dir, '..', 'other.safetensors');
      writeFileSync(other, readFileSync(weights));
      await runCsim({ design: dir, weights, task: 0, image: join(TINY, 'image.png') });
      const r1 = await runCsim({ design: dir, weights, task: 0, image: join(TINY, 'image.png') });
      assert.equal(r1.packed, '', 'an up-to-date pack is reused');
      // Same tensors, different file: the sidecar names another source, so csim repacks (and says why).
      const bytes = readFileSync(weights);
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(other, bytes);
      const r2 = await runCsim({ design: dir, weights: other, task: 0, image: join(TINY, 'image.png') });
      assert.match(r2.packed, /packed from other weights/);
      assert.ok(existsSync(join(dir, 'weights.bin.meta.json')));
    });
  });

  it('ImageNet normalisation folded into the patch embedding: matches the reference once the types hold the folded weights', async () => {
    const root = scratch();
    const weights = join(TINY, 'weights.safetensors');
    // Edge-MoE's ap_fixed<16,0> patch weights (±0.5) cannot hold w/std (std ≈ 0.225): pack warns, csim fails.
    const narrow = join(root, 'narrow');
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['model.normalize=imagenet'] }), narrow);
    const bad = await runCsim({ design: narrow, weights, task: 0, image: join(TINY, 'image.png') });
    assert.match(bad.packWarning, /patch_embed\.proj\.weight: \d+ of 24576/);
    assert.ok(!bad.passed);
    // Widened patch weights and biases (|b − Σw·mean/std| grows too): within the tiny tolerance again.
    const wide = join(root, 'wide');
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['model.normalize=imagenet', 'precision.patchWeight.I=2', 'precision.bias.I=7'] }), wide);
    const ok = await runCsim({ design: wide, weights, task: 0, image: join(TINY, 'image.png') });
    assert.equal(ok.packWarning, '');
    assert.ok(ok.final.relMse <= 1e-4 && ok.final.cosine >= 0.9999, `MSE/var ${ok.final.relMse}, cosine ${ok.final.cosine}`);
  });

  it('cls kept as its own token (model.cls=token): cls_token packed separately, same result as folded', async () => {
    const dir = join(scratch(), 'tok');
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['model.cls=token'] }), dir);
    const r = await runCsim({ design: dir, weights: join(TINY, 'weights.safetensors'), task: 1, image: join(TINY, 'image.png') });
    const e = compareArrays(r.output, asF64(readNpy(join(TINY, 'expected_task1.npy'))));
    assert.ok(e.relMse <= 1e-4 && e.cosine >= 0.9999, `MSE/var ${e.relMse}, cosine ${e.cosine}`);
  });

  it('m3vit-t-cityscapes, seeded random weights: cosine ≥ 0.999 and MSE/var ≤ 1e-3 vs the float64 reference', async () => {
    const root = scratch();
    const dir = join(root, 'd');
    const config = resolveConfig({});
    emitDesign(config, dir);
    const w = join(root, 'w.safetensors');
    writeSafetensors(w, randomWeights(config, 1));
    const r = await runCsim({ design: dir, weights: w, task: 0, image: join(IMAGES, 'astronaut-256x128.png') });
    assert.ok(r.final.cosine >= 0.999, `cosine ${r.final.cosine}`);
    assert.ok(r.final.relMse <= 1e-3, `MSE/var ${r.final.relMse}`);
    assert.deepEqual(r.shape, [129, 192]);
  });
});
