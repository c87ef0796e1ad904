import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import type { FixedType } from '../../generator/config/schema.ts';
import { quantize } from '../../generator/fixed.ts';
import { parseCppType } from '../../generator/pack/ctype.ts';
import { deriveTensor } from '../../generator/pack/derive.ts';
import { loadStateDict, packDesign, packHashesAhead, packImage, packStaleness, weightsSourceHash } from '../../generator/pack/pack.ts';
import { sha256 } from '../../generator/emit/hash.ts';
import { quantizeInto } from '../../generator/pack/quantize.ts';
import { asF64, type TensorMap } from '../../generator/tensor.ts';
import { writeSafetensors } from '../../generator/weights/safetensors.ts';
import { runCli } from '../helpers/cli.ts';
import { scratch, TINY } from '../helpers/paths.ts';
import { syntheticManifest } from './synthetic-manifest.ts';
import { loadPackedWeights } from '../../host/weights.ts';
import { isUserError } from '../../generator/errors.ts';

const config = resolveConfig({ preset: 'tiny' });
const sd = loadStateDict(join(TINY, 'weights.safetensors'));
const manifest = syntheticManifest(config);
const D = config.model.dim;

/** Raw integers of one packed tensor read back from the image (little-endian containers, sign-extended). */
function readBack(bytes: Uint8Array, name: string): number[] {
  const t = manifest.weights.tensors.find((x) => x.name === name)!;
  const view = new DataView(bytes.buffer, bytes.byteOffset + t.offset);
  const n = t.shape.reduce((a, b) => a * b, 1);
  const get = (i: number) =>
    t.elemBytes === 1 ? (t.signed ? view.getInt8(i) : view.getUint8(i)) : t.elemBytes === 2 ? (t.signed ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true)) : t.signed ? view.getInt32(4 * i, true) : view.getUint32(4 * i, true);
  return Array.from({ length: n }, (_, i) => get(i));
}

const f = (name: string) => asF64(sd.get(name)!);

describe('pack', () => {
  const image = packImage(config, manifest, sd);

  it('every tensor decodes back to the bit-exact quantized values of its derivation', () => {
    for (const t of manifest.weights.tensors) {
      const type = parseCppType(t.ctype);
      const want = Array.from(deriveTensor(config, sd, t.name, t.shape), (v) => Number(quantize(v, type)));
      assert.deepEqual(readBack(image.bytes, t.name), want, t.name);
    }
    assert.equal(image.bytes.length, manifest.bundles[0]!.bytes);
  });

  it('splits qkv along the output dim into q, k and v', () => {
    const qkv = f('blocks.1.attn.qkv.weight');
    const w = parseCppType(config.precision.linearWeight.W === 16 ? 'ap_fixed<16,2>' : '');
    for (const [j, part] of ['q', 'k', 'v'].entries()) {
      const got = readBack(image.bytes, `blocks.1.attn.${part}.weight`);
      // Row r of the part is row j·D + r of qkv.
      for (const [r, c] of [[0, 0], [D - 1, 3], [5, D - 1]] as const) assert.equal(got[r * D + c], Number(quantize(qkv[(j * D + r) * D + c]!, w)), `${part}[${r},${c}]`);
    }
    const b = f('blocks.0.attn.qkv.bias');
    assert.deepEqual(Array.from(deriveTensor(config, sd, 'blocks.0.attn.v.bias', [D])), Array.from(b.subarray(2 * D, 3 * D)));
  });

  it('transposes gates to [E, D]', () => {
    const E = config.model.moe.experts;
    const g = f('blocks.1.mlp.gate.1.w_gate'); // [D, E]
    const t = deriveTensor(config, sd, 'blocks.1.mlp.gate.1.w_gate', [E, D]);
    for (let e = 0; e < E; e++) for (let d = 0; d < D; d++) assert.equal(t[e * D + d], g[d * E + e]);
    assert.equal(deriveTensor(config, sd, 'blocks.1.mlp.gate.0.w_gate_T', [E, D])[D], f('blocks.1.mlp.gate.0.w_gate')[0 * E + 1]);
  });

  it('folds cls_token into pos_embed row 0 (only row 0) when cls is folded', () => {
    const N = 9;
    const pos = f('pos_embed'), cls = f('cls_token');
    const got = deriveTensor(config, sd, 'pos_embed', [N, D]);
    for (let d = 0; d < D; d++) assert.equal(got[d], pos[d]! + cls[d]!);
    for (let i = D; i < N * D; i++) assert.equal(got[i], pos[i]);
    const token = resolveConfig({ preset: 'tiny', sets: ['model.cls=token'] });
    assert.deepEqual(Array.from(deriveTensor(token, sd, 'pos_embed', [N, D])), Array.from(pos));
  });

  for (const divisor of [256, 255]) {
    it(`folds byte/${divisor} and ImageNet mean/std into the patch embedding (conv of hardware pixels = conv of model inputs)`, () => {
      const cfg = resolveConfig({ preset: 'tiny', sets: ['model.normalize=imagenet', `model.pixelDivisor=${divisor}`] });
      const [C, H, W] = cfg.model.image;
      const P = cfg.model.patch;
      const bytes = Array.from({ length: C * H * W }, (_, i) => (i * 37) % 256);
      const hw = Float64Array.from(bytes, (k) => k / 256); // what the hardware holds
      const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
      const x = Float64Array.from(bytes, (k, i) => (k / divisor - mean[Math.floor(i / (H * W))]!) / std[Math.floor(i / (H * W))]!); // what the model sees
      const w = f('patch_embed.proj.weight'), b = f('patch_embed.proj.bias');
      const wf = deriveTensor(cfg, sd, 'patch_embed.proj.weight', [D, C, P, P]);
      const bf = deriveTensor(cfg, sd, 'patch_embed.proj.bias', [D]);
      // Patch (0,1), every output dim.
      for (let d = 0; d < D; d++) {
        let a = b[d]!, z = bf[d]!;
        for (let c = 0; c < C; c++)
          for (let y = 0; y < P; y++)
            for (let xx = 0; xx < P; xx++) {
              const wi = ((d * C + c) * P + y) * P + xx, pi = c * H * W + y * W + P + xx;
              a += w[wi]! * x[pi]!;
              z += wf[wi]! * hw[pi]!;
            }
        assert.ok(Math.abs(a - z) < 1e-12, `dim ${d}: ${a} vs ${z}`);
      }
    });
  }

  it('folds byte/255 alone (no mean/std) as a 256/255 weight scale, bias unchanged', () => {
    const cfg = resolveConfig({ preset: 'tiny', sets: ['model.pixelDivisor=255'] });
    const [C] = cfg.model.image;
    const P = cfg.model.patch;
    const w = f('patch_embed.proj.weight'), b = f('patch_embed.proj.bias');
    const wf = deriveTensor(cfg, sd, 'patch_embed.proj.weight', [D, C, P, P]);
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(wf[i]! - (w[i]! * 256) / 255) < 1e-15);
    assert.deepEqual(Array.from(deriveTensor(cfg, sd, 'patch_embed.proj.bias', [D])), Array.from(b));
  });

  it('counts out-of-range values (wrapped with AP_WRAP, saturated with AP_SAT) exactly', () => {
    const t: FixedType = { signed: true, W: 8, I: 2, q: 'AP_TRN', o: 'AP_WRAP', n: 0 }; // range [-2, 2 - 2^-6]
    const v = [0, 1.99, 2 - 2 ** -6, 2 - 2 ** -7, 2, -2, -2 - 2 ** -7, 5.5, -3, 1e9];
    const out = new Int8Array(v.length);
    const s = quantizeInto(v, t, out);
    assert.equal(s.outOfRange, 5); // 2, -2-2^-7 (floors below −2), 5.5, −3, 1e9
    assert.equal(s.firstOutOfRange, 4);
    assert.deepEqual(Array.from(out), v.map((x) => Number(quantize(x, t))));
    const sat = { ...t, q: 'AP_RND' as const, o: 'AP_SAT' as const };
    const o2 = new Int8Array(v.length);
    const s2 = quantizeInto(v, sat, o2);
    // With rounding, 2 − 2^-7 rounds up to 2 (out of range); −2 − 2^-7 rounds to −2 (in range).
    assert.equal(s2.outOfRange, 5);
    assert.deepEqual(Array.from(o2), v.map((x) => Number(quantize(x, sat))));
  });

  it('a packed image cut short or changed after packing is stale (csim repacks it) and refused by the host', () => {
    const dir = scratch();
    const design = { dir, manifest, config };
    const w = join(TINY, 'weights.safetensors');
    packDesign(design, w);
    assert.equal(packStaleness(design, w), '');
    const bin = join(dir, 'weights.bin');
    const good = readFileSync(bin);
    writeFileSync(bin, good.subarray(0, 1000));
    assert.equal(packStaleness(design, w), `weights.bin is 1000 bytes, weights.bin.meta.json says ${good.length} (the weights region holds ${good.length})`);
    const flipped = Buffer.from(good);
    flipped[100]! ^= 0xff;
    writeFileSync(bin, flipped);
    assert.equal(packStaleness(design, w), 'weights.bin changed after packing (its sha256 differs from weights.bin.meta.json)');
    assert.throws(() => loadPackedWeights(design, bin), (e: unknown) => isUserError(e) && /weights .*weights\.bin changed after it was packed \(its sha256 differs from .*weights\.bin\.meta\.json\); re-run `edgemoe pack`$/.test((e as Error).message));
    writeFileSync(bin, good);
    assert.equal(loadPackedWeights(design, bin).bytes.length, good.length);
  });

  it('packHashesAhead (a worker thread) gives the hashes packStaleness computes itself; none for a missing image; a stale image is still found with them', async () => {
    const dir = scratch();
    const design = { dir, manifest, config };
    const w = join(TINY, 'weights.safetensors');
    assert.deepEqual(await packHashesAhead(design, w), { source: weightsSourceHash(w) });
    packDesign(design, w);
    const bin = join(dir, 'weights.bin');
    const ahead = await packHashesAhead(design, w);
    assert.deepEqual(ahead, { source: weightsSourceHash(w), image: sha256(readFileSync(bin)) });
    assert.equal(packStaleness(design, w, ahead), '');
    const flipped = Buffer.from(readFileSync(bin));
    flipped[100]! ^= 0xff;
    writeFileSync(bin, flipped);
    assert.equal(packStaleness(design, w, await packHashesAhead(design, w)), 'weights.bin changed after packing (its sha256 differs from weights.bin.meta.json)');
    // A sharded source dir is hashed by packStaleness itself.
    assert.deepEqual(await packHashesAhead(design, TINY), { image: sha256(flipped) });
  });

  it('packs into a device (-o /dev/null) without replacing it or writing a sidecar beside it', () => {
    const dir = scratch();
    const design = { dir, manifest, config };
    const r = packDesign(design, join(TINY, 'weights.safetensors'), '/dev/null');
    assert.equal(r.file, '/dev/null');
    assert.ok(statSync('/dev/null').isCharacterDevice());
    assert.equal(existsSync('/dev/null.meta.json'), false);
  });

  it('reports a wrapped tensor through the CLI and detects stale packs', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'design.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const big: TensorMap = new Map(sd);
    const w = Float32Array.from(f('blocks.0.mlp.fc1.weight'));
    w[3] = 2.5; // ap_fixed<16,2> holds [-2, 2)
    w[7] = -9;
    big.set('blocks.0.mlp.fc1.weight', { dtype: 'f32', shape: [128, 32], data: w });
    const wpath = join(dir, 'big.safetensors');
    writeSafetensors(wpath, big);
    const r = await runCli(['pack', '--design', dir, '--weights', wpath]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /WARNING: 2 weight values/);
    assert.match(r.stderr, /blocks\.0\.mlp\.fc1\.weight: 2 of 4096/);
    assert.match(r.stdout, /packed \d+ tensors/);
    assert.ok(existsSync(join(dir, 'weights.bin')) && existsSync(join(dir, 'weights.bin.meta.json')));
    const design = { dir, manifest, config };
    assert.equal(packStaleness(design, wpath), '');
    assert.match(packStaleness(design, join(TINY, 'weights.safetensors')), /other weights/);
    packDesign(design, join(TINY, 'weights.safetensors'));
    assert.equal(packStaleness(design, join(TINY, 'weights.safetensors')), '');
    const moved = { ...manifest, weights: { ...manifest.weights, tensors: manifest.weights.tensors.slice(1) } };
    assert.match(packStaleness({ dir, manifest: moved, config }, join(TINY, 'weights.safetensors')), /different layout/);
    assert.equal(readFileSync(join(dir, 'weights.bin')).length, manifest.bundles[0]!.bytes);
  });

  it('rejects weights that do not match the config and designs that do not exist (exit 2)', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'design.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'd', 'config.json'), JSON.stringify(resolveConfig({ preset: 'tiny', sets: ['model.dim=64'] })));
    const r = await runCli(['pack', '--design', join(dir, 'd'), '--weights', join(TINY, 'weights.safetensors')]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /edgemoe: error: .*do not match config 'tiny'/);
    const r2 = await runCli(['pack', '--design', join(dir, 'nope'), '--weights', join(TINY, 'weights.safetensors')]);
    assert.equal(r2.exitCode, 2);
    assert.match(r2.stderr, /does not exist/);
    assert.ok(!existsSync(join(dir, 'd', 'weights.bin')));
  });
});
