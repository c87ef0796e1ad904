import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { inputPipeline } from '../../generator/config/input.ts';
import { loadImage, loadImageBytes } from '../../generator/io/image.ts';
import { readNpy, writeNpy } from '../../generator/io/npy.ts';
import { readNpz } from '../../generator/io/npz.ts';
import { runReference } from '../../generator/reference/model.ts';
import { asF64 } from '../../generator/tensor.ts';
import { randomWeights } from '../../generator/weights/random.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { runCli } from '../helpers/cli.ts';
import { IMAGES, TINY, scratch } from '../helpers/paths.ts';
import { longIt } from '../helpers/long.ts';
import { PNG } from 'pngjs';

/** The top-left n×n pixels of a PNG, written to `out`. */
function cropPng(src: string, n: number, out: string): string {
  const png = PNG.sync.read(readFileSync(src));
  const c = new PNG({ width: n, height: n });
  for (let y = 0; y < n; y++) png.data.copy(c.data, y * n * 4, y * png.width * 4, (y * png.width + n) * 4);
  writeFileSync(out, PNG.sync.write(c));
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Exit 2 with one `edgemoe: error:` line set containing `fragments`, no stack trace, and an empty output dir. */
function assertCleanFailure(r: { exitCode: number; stderr: string }, dir: string, ...fragments: string[]): void {
  assert.equal(r.exitCode, 2, r.stderr);
  assert.match(r.stderr, /^edgemoe: error: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace printed');
  for (const f of fragments) assert.ok(r.stderr.includes(f), `stderr lacks '${f}':\n${r.stderr}`);
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
}

describe('commands/reference (CLI)', () => {
  it('tiny fixture: task by name, 0.pth weights, .npy image; output and trace match the fixture', async () => {
    const dir = scratch();
    const out = join(dir, 'out.npy');
    const trace = join(dir, 'trace.npz');
    const r = await runCli(['reference', '--preset', 'tiny', '--weights', join(TINY, '0.pth'), '--task', 'task1', '--trace', trace, '--out', out, join(TINY, 'image.npy')]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /task 1 \(task1\)/);
    assert.match(r.stdout, /float32 \[9, 32\] \(9 tokens incl\. cls, dim 32\)/);
    assert.match(r.stdout, /values +min -?\d.*max .*mean .*std /);
    assert.match(r.stdout, /trace .*33 float64 tensors/);
    assert.match(r.stdout, /time +forward \d+ ms/);
    const o = readNpy(out);
    assert.equal(o.dtype, 'f32');
    assert.deepEqual(o.shape, [9, 32]);
    // float32 rounding of values |x| ≤ 8.15 is at most 2^-21 ≈ 4.8e-7.
    assert.ok(maxAbsDiff(asF64(o), asF64(readNpy(join(TINY, 'expected_task1.npy')))) <= 4.8e-7);
    const got = readNpz(trace);
    const want = readNpz(join(TINY, 'trace_task1.npz'));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, t] of want) {
      assert.equal(got.get(k)!.dtype, t.dtype, k);
      if (t.dtype === 'i64') assert.deepEqual(got.get(k)!.data, t.data, k);
      else assert.ok(maxAbsDiff(asF64(got.get(k)!), asF64(t)) <= 1e-9, k);
    }
  });

  it('task by index, safetensors weights, PNG image; no trace unless asked', async () => {
    const dir = scratch();
    const out = join(dir, 'o.npy');
    const r = await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', out, join(TINY, 'image.png')]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(maxAbsDiff(asF64(readNpy(out)), asF64(readNpy(join(TINY, 'expected_task0.npy')))) <= 4.8e-7);
    assert.deepEqual(readdirSync(dir), ['o.npy']);
  });

  it('default preset: a 256x128 photograph with random weights gives [129, 192] equal to the in-process reference', async () => {
    const dir = scratch();
    // Two blocks (the default's MoE alternates from block 1): what is checked is the command's path, not the depth.
    const config = resolveConfig({ preset: 'm3vit-t-cityscapes', sets: ['model.depth=2'] });
    const w = randomWeights(config, 3);
    writeSafetensors(join(dir, 'w.safetensors'), w);
    const img = join(IMAGES, 'astronaut-256x128.png');
    const out = join(dir, 'o.npy');
    const r = await runCli(['reference', '-s', 'model.depth=2', '--weights', join(dir, 'w.safetensors'), '--task', 'depth', '--out', out, img]);
    assert.equal(r.exitCode, 0, r.stderr);
    const o = readNpy(out);
    assert.deepEqual(o.shape, [129, 192]);
    // Edge-MoE's input, unchanged: byte/256, no mean/std.
    const ref = Float32Array.from(runReference(config, w, Float64Array.from(loadImageBytes(img, config.model.image), (k) => k / 256), 1).out);
    assert.deepEqual(o.data, ref);
  });

  it('unknown task, wrong image size and mismatched weights exit 2 and write nothing', async () => {
    const dir = scratch();
    const base = ['reference', '--preset', 'tiny', '--trace', join(dir, 't.npz'), '--out', join(dir, 'o.npy')];
    const w = ['--weights', join(TINY, 'weights.safetensors')];
    const [task, size, weights] = await Promise.all([
      runCli([...base, ...w, '--task', 'semseg', join(TINY, 'image.png')]),
      runCli([...base, ...w, '--task', '1', join(IMAGES, 'coffee-256x128.png')]),
      runCli([...base, '--set', 'model.dim=48', '--set', 'model.heads=3', ...w, '--task', '0', join(TINY, 'image.png')]),
    ]);
    assertCleanFailure(task, dir, "unknown task 'semseg' (tasks: task0 (0), task1 (1))");
    assertCleanFailure(size, dir, 'coffee-256x128.png: image is [3,128,256]', 'expects [3,32,64]');
    assertCleanFailure(weights, dir, 'do not match config', 'wrong shape cls_token');
    assert.equal(existsSync(join(dir, 't.npz')), false);
  });

  // M³ViT's PASCAL-Context / NYUD-v2 pipeline: ToTensor (÷255) then ImageNet Normalize. One block keeps it quick (the
  // input pipeline is all this checks; MoE routing is tested elsewhere); the PNG goes through the command, the .npy arrays through the same loader and forward in process.
  // make test: PASCAL's pipeline on a 64×64 crop of the photograph (the same ÷255 and mean/std, 16 tokens); the long
  // set: both presets at their full size (1,025 and 1,201 tokens).
  const cases = [
    ['m3vit-s-pascal', 'coffee-512x512.png', 64, it],
    ['m3vit-s-pascal', 'coffee-512x512.png', 0, longIt],
    ['m3vit-s-nyud', 'astronaut-640x480.png', 0, longIt],
  ] as const;
  for (const [preset, photo, crop, test] of cases) {
    test(`${preset} (depth 1${crop ? `, a ${crop}×${crop} crop` : ''}): a PNG gives the output of the .npy (png/255 − mean)/std`, async function (this: Mocha.Context) {
      this.timeout(1_800_000); // three ViT-S forwards; minutes on a loaded machine
      const dir = scratch();
      const sets = ['model.depth=1', ...(crop ? [`model.image=[3,${crop},${crop}]`] : [])];
      const config = resolveConfig({ preset, sets });
      const w = randomWeights(config, 5);
      writeSafetensors(join(dir, 'w.safetensors'), w);
      const [C, H, W] = config.model.image;
      const img = crop ? cropPng(join(IMAGES, photo), crop, join(dir, 'crop.png')) : join(IMAGES, photo);
      const r = await runCli(['reference', '-p', preset, ...sets.flatMap((x) => ['-s', x]), '-w', join(dir, 'w.safetensors'), '-t', '0', '-o', join(dir, 'png.npy'), img]);
      assert.equal(r.exitCode, 0, r.stderr);
      const png = readNpy(join(dir, 'png.npy')).data as Float32Array;
      const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
      const bytes = loadImageBytes(img, [C, H, W]);
      const x = Float64Array.from(bytes, (k, i) => (k / 255 - mean[Math.floor(i / (H * W))]!) / std[Math.floor(i / (H * W))]!);
      const fromNpy = (name: string, dtype: 'f32' | 'f64', x: Float64Array) => {
        writeNpy(join(dir, name), { dtype, shape: [C, H, W], data: dtype === 'f32' ? Float32Array.from(x) : x });
        return Float32Array.from(runReference(config, w, loadImage(join(dir, name), inputPipeline(config.model)), 0).out);
      };
      assert.deepEqual(fromNpy('x64.npy', 'f64', x), png);
      // The float32 array differs from the exact input by float32 rounding (≤ 6e-8 relative); so do the outputs.
      const f32 = fromNpy('x32.npy', 'f32', x);
      const scale = png.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(maxAbsDiff(f32, png) <= 1e-5 * scale, `max |Δ| ${maxAbsDiff(f32, png)} vs max |out| ${scale}`);
    });
  }

  it('a trace that cannot be written does not cost the output: output written, exit 2 naming the trace', async () => {
    const dir = scratch();
    const out = join(dir, 'o.npy');
    const r = await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '0', '--trace', join(dir, 'no', 't.npz'), '-o', out, join(TINY, 'image.png')]);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /edgemoe: error: cannot write .*no\/t\.npz: a parent of it is not a directory|edgemoe: error: cannot write .*no\/t\.npz: no such file/);
    assert.match(r.stderr, /the output .*o\.npy was written, the trace was not/);
    assert.ok(maxAbsDiff(asF64(readNpy(out)), asF64(readNpy(join(TINY, 'expected_task0.npy')))) <= 4.8e-7);
    assert.deepEqual(readdirSync(dir), ['o.npy']);
  });

  it('--resize stretch fits a photograph of another size, as the reference on the resized pixels; without it, exit 2', async () => {
    const dir = scratch();
    const photo = join(IMAGES, 'coffee-256x128.png');
    const out = join(dir, 'o.npy');
    const bad = await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', out, photo]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /image is \[3,128,256\]/);
    const r = await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '0', '--resize', 'stretch', '-o', out, photo]);
    assert.equal(r.exitCode, 0, r.stderr);
    const cfg = resolveConfig({ preset: 'tiny' });
    const { loadWeights } = await import('../../generator/weights/load.ts');
    const want = runReference(cfg, loadWeights(join(TINY, 'weights.safetensors')).tensors, loadImage(photo, cfg.model.image, { resize: 'stretch' }), 0).out;
    const got = readNpy(out).data as Float32Array;
    assert.deepEqual([...got], [...Float32Array.from(want)]);
  });
});
