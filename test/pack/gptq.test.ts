// GPTQ rounding (pack --calibrate) on a small synthetic layer: less output error than round-to-nearest on the
// calibration inputs, every stored value still a raw integer of the row's grid; and a calibrated pack is deterministic.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import type { FixedType } from '../../generator/config/schema.ts';
import { inputPipeline } from '../../generator/config/input.ts';
import { loadImage } from '../../generator/io/image.ts';
import { collectHessians } from '../../generator/pack/calibrate.ts';
import { CALIBRATION_DIR, calibrationSet } from '../../generator/pack/calibration-set.ts';
import { cholesky, gptqFactor, gptqRow } from '../../generator/pack/gptq.ts';
import { channelScaleOf, channelScaleValue, loadStateDict, packImage } from '../../generator/pack/pack.ts';
import { quantizeInto } from '../../generator/pack/quantize.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { planToManifest } from '../../generator/plan/manifest.ts';
import { Xoshiro128 } from '../../generator/weights/random.ts';
import { runCli } from '../helpers/cli.ts';
import { scratch, TINY } from '../helpers/paths.ts';

const W8 = ['precision.linearWeight.W=8', 'precision.linearWeight.I=1', 'precision.linearWeight.q=AP_RND_CONV', 'precision.linearWeight.o=AP_SAT', 'precision.linearWeight.granularity=channel', 'precision.linearWeight.scaleBits=3'];
const type: FixedType = { signed: true, W: 8, I: 1, q: 'AP_RND_CONV', o: 'AP_SAT', n: 0 };

describe('pack: GPTQ rounding', () => {
  it('cholesky factors a symmetric positive definite matrix (L·Lᵀ = A within 1e-12)', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const l = cholesky(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
        assert.ok(Math.abs(s - a[i * 3 + j]!) < 1e-12, `(${i},${j}): ${s} vs ${a[i * 3 + j]}`);
      }
    assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite/);
  });

  it('a synthetic layer: ‖XWᵀ − XŴᵀ‖ below round-to-nearest on the calibration X, every value on its row grid', () => {
    const rng = new Xoshiro128(7);
    const rows = 24, cols = 32, samples = 256, latent = 8;
    // Correlated inputs (X = Z·A + small noise), as a layer's inputs are: where GPTQ's feedback has something to use.
    const A = Float64Array.from({ length: latent * cols }, () => rng.normal());
    const X = new Float64Array(samples * cols);
    for (let s = 0; s < samples; s++) {
      const z = Array.from({ length: latent }, () => rng.normal());
      for (let c = 0; c < cols; c++) {
        let v = 0.1 * rng.normal();
        for (let l = 0; l < latent; l++) v += z[l]! * A[l * cols + c]!;
        X[s * cols + c] = v;
      }
    }
    const W = Float64Array.from({ length: rows * cols }, () => 0.05 * rng.normal());
    const H = new Float64Array(cols * cols);
    for (let s = 0; s < samples; s++) for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) H[i * cols + j]! += X[s * cols + i]! * X[s * cols + j]!;
    const u = gptqFactor(H, cols);
    const step = 2 ** -(type.W - type.I);
    const near = new Float64Array(rows * cols), gptq = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const src = W.subarray(r * cols, (r + 1) * cols);
      const { sh, m } = channelScaleOf(Math.max(...Array.from(src, Math.abs)), type, 3, 4);
      const sc = channelScaleValue(sh, m, 3);
      const row = Float64Array.from(src, (v) => v / sc);
      const rawN = new Int8Array(cols), rawG = new Int8Array(cols);
      quantizeInto(row, type, rawN);
      const st = gptqRow(Float64Array.from(row), type, u, rawG);
      assert.equal(st.outOfRange, 0, `row ${r}: nothing saturated`);
      for (let j = 0; j < cols; j++) {
        // Int8 container of an ap_fixed<8,1>: every raw is an integer in [−128, 127]; its value raw·2^-7·s is on the grid.
        assert.ok(Number.isInteger(rawG[j]) && rawG[j]! >= -128 && rawG[j]! <= 127);
        near[r * cols + j] = rawN[j]! * step * sc;
        gptq[r * cols + j] = rawG[j]! * step * sc;
        // GPTQ moves a value by more than ½ LSB only through feedback, never off the grid: at most a few LSB here.
        assert.ok(Math.abs(gptq[r * cols + j]! - src[j]!) <= 4 * step * sc, `[${r},${j}] moved ${(gptq[r * cols + j]! - src[j]!) / (step * sc)} LSB`);
      }
    }
    const outErr = (Wq: Float64Array) => {
      let e = 0;
      for (let s = 0; s < samples; s++)
        for (let r = 0; r < rows; r++) {
          let d = 0;
          for (let c = 0; c < cols; c++) d += X[s * cols + c]! * (W[r * cols + c]! - Wq[r * cols + c]!);
          e += d * d;
        }
      return Math.sqrt(e);
    };
    const [eN, eG] = [outErr(near), outErr(gptq)];
    assert.ok(eG < 0.8 * eN, `output error: GPTQ ${eG}, nearest ${eN}`);
  });

  it('a calibrated pack of the tiny model is deterministic and differs from plain rounding only in the channel weights', () => {
    const config = resolveConfig({ preset: 'tiny', sets: W8 });
    const manifest = planToManifest(buildPlan(config), 'test');
    const sd = loadStateDict(join(TINY, 'weights.safetensors'));
    const image = loadImage(join(TINY, 'image.png'), inputPipeline(config.model));
    const pack = () => packImage(config, manifest, sd, collectHessians(config, sd, [image]));
    const [a, b] = [pack(), pack()];
    assert.deepEqual(a.bytes, b.bytes, 'same bytes twice');
    const plain = packImage(config, manifest, sd);
    let changed = 0;
    for (const t of manifest.weights.tensors) {
      const same = Buffer.compare(a.bytes.subarray(t.offset, t.offset + t.bytes), plain.bytes.subarray(t.offset, t.offset + t.bytes)) === 0;
      if (!t.scale) assert.ok(same, `${t.name} (no row scales) is packed as without calibration`);
      else if (!same) changed++;
    }
    assert.ok(changed > 0, 'calibration changed some channel weights');
  });

  it('edgemoe pack --calibrate writes the same image twice, records its images, and is refused without row scales', async () => {
    const weights = join(TINY, 'weights.safetensors');
    const calib = join(TINY, 'image.png');
    const dir = scratch();
    /** A design dir of the tiny model with `sets` (design.json and config.json, as `gen` writes them). */
    const design = (name: string, sets: string[]) => {
      const d = join(dir, name);
      const config = resolveConfig({ preset: 'tiny', sets });
      mkdirSync(d);
      writeFileSync(join(d, 'design.json'), JSON.stringify(planToManifest(buildPlan(config), 'test')));
      writeFileSync(join(d, 'config.json'), JSON.stringify(config));
      return d;
    };
    const runs: Buffer[] = [];
    for (const k of [0, 1]) {
      const d = design(`w8-${k}`, W8);
      const r = await runCli(['pack', '-q', '--design', d, '--weights', weights, '--calibrate', calib]);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /GPTQ-rounded on 1 images/);
      runs.push(readFileSync(join(d, 'weights.bin')));
      assert.deepEqual(JSON.parse(readFileSync(join(d, 'weights.bin.meta.json'), 'utf8')).calibration, ['image.png']);
    }
    assert.ok(runs[0]!.equals(runs[1]!), 'identical images');
    const plain = design('plain', []);
    const r = await runCli(['pack', '--design', plain, '--weights', weights, '--calibrate', calib]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /--calibrate: .*no per-channel weights/);
    assert.ok(!existsSync(join(plain, 'weights.bin')));
    const d = design('missing', W8);
    const m = await runCli(['pack', '--design', d, '--weights', weights, '--calibrate', join(dir, 'nope.png')]);
    assert.equal(m.exitCode, 2);
    assert.match(m.stderr, /--calibrate .*nope\.png/);
    assert.ok(!existsSync(join(d, 'weights.bin')));
    // A wrong-size --calibrate image without --resize is still refused (the shipped set is 256×128, tiny is 64×32).
    const big = join(CALIBRATION_DIR, 'chelsea-256x128.png');
    const s = await runCli(['pack', '--design', d, '--weights', weights, '--calibrate', big]);
    assert.equal(s.exitCode, 2);
    assert.match(s.stderr, /chelsea-256x128\.png: image is .*256x128 pixels.* expects .*64x32 pixels/);
    assert.ok(!existsSync(join(d, 'weights.bin')));
  });

  it('precision.linearWeight.gptq: pack calibrates on the shipped set by default, the same bytes twice; --no-calibrate and --calibrate override it', async () => {
    const weights = join(TINY, 'weights.safetensors');
    const dir = scratch();
    const design = (name: string, sets: string[]) => {
      const d = join(dir, name);
      const config = resolveConfig({ preset: 'tiny', sets });
      mkdirSync(d);
      writeFileSync(join(d, 'design.json'), JSON.stringify(planToManifest(buildPlan(config), 'test')));
      writeFileSync(join(d, 'config.json'), JSON.stringify(config));
      return d;
    };
    const shipped = calibrationSet().map((f) => f.split('/').pop());
    assert.ok(shipped.length >= 4 && !shipped.some((f) => /astronaut|coffee/.test(f!)), `independent of the demo images: ${shipped}`);
    const packed = async (name: string, sets: string[], args: string[]) => {
      const d = design(name, sets);
      const r = await runCli(['pack', '-q', '--design', d, '--weights', weights, ...args]);
      assert.equal(r.exitCode, 0, r.stderr);
      return { bytes: readFileSync(join(d, 'weights.bin')), meta: JSON.parse(readFileSync(join(d, 'weights.bin.meta.json'), 'utf8')) as { calibration?: string[] }, stdout: r.stdout };
    };
    const G = [...W8, 'precision.linearWeight.gptq=true'];
    const [a, b] = [await packed('g0', G, []), await packed('g1', G, [])];
    assert.ok(a.bytes.equals(b.bytes), 'same bytes twice');
    assert.deepEqual(a.meta.calibration, shipped);
    assert.match(a.stdout, new RegExp(`GPTQ-rounded on ${shipped.length} images`));
    const near = await packed('near', G, ['--no-calibrate']);
    assert.equal(near.meta.calibration, undefined);
    assert.ok(!near.bytes.equals(a.bytes), '--no-calibrate rounds to nearest');
    const plainW8 = await packed('plain-w8', W8, []);
    assert.ok(plainW8.bytes.equals(near.bytes), 'without gptq: nearest, as before');
    const explicit = await packed('explicit', W8, ['--calibrate']);
    assert.ok(explicit.bytes.equals(a.bytes), '--calibrate without images = the shipped set');
  });

  it('precision.linearWeight.gptq needs granularity "channel" and exists for linearWeight only', () => {
    const bad = (sets: string[], re: RegExp) => assert.throws(() => resolveConfig({ preset: 'tiny', sets }), (e: Error) => re.test(e.message), sets.join(' '));
    bad(['precision.linearWeight.gptq=true'], /precision\.linearWeight\.gptq: GPTQ rounding needs granularity "channel"/);
    bad(['precision.bias.gptq=true'], /precision\.bias\.gptq: per-channel scales exist for linearWeight only/);
  });
});
