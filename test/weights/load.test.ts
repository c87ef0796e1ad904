import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWeights } from '../../generator/weights/load.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { checkWeights } from '../../generator/weights/check.ts';
import { IMAGES, TINY, scratch } from '../helpers/paths.ts';
import { assertUserError } from './assert-user-error.ts';

const bytesOf = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

describe('weights/load', () => {
  it('0.pth, sharded/ and weights.safetensors load to bit-identical tensors (all 30)', () => {
    const st = loadWeights(join(TINY, 'weights.safetensors')).tensors;
    const pth = loadWeights(join(TINY, '0.pth')).tensors;
    const sh = loadWeights(join(TINY, 'sharded')).tensors;
    assert.equal(st.size, 30);
    for (const other of [pth, sh]) {
      assert.deepEqual([...other.keys()].sort(), [...st.keys()].sort());
      for (const [k, t] of st) {
        const u = other.get(k)!;
        assert.equal(u.dtype, 'f32', k);
        assert.deepEqual(u.shape, t.shape, k);
        assert.ok(bytesOf(u.data).equals(bytesOf(t.data)), `${k} differs`);
      }
    }
    checkWeights(resolveConfig({ preset: 'tiny' }), sh);
  });

  it('dispatches .pt/.tar and unknown extensions by content', () => {
    const dir = scratch();
    for (const name of ['m.pt', 'm.pth.tar', 'm.weights']) {
      copyFileSync(join(TINY, '0.pth'), join(dir, name));
      assert.equal(loadWeights(join(dir, name)).tensors.size, 30, name);
    }
    copyFileSync(join(TINY, 'weights.safetensors'), join(dir, 'st.bin2'));
    assert.equal(loadWeights(join(dir, 'st.bin2')).tensors.size, 30);
  });

  it('strips module.backbone. from safetensors names too', () => {
    // Re-use the fixture bytes with a renamed header entry would change offsets; build via the writer instead.
    return import('../../generator/weights/safetensors.ts').then(({ writeSafetensors, readSafetensors }) => {
      const t = readSafetensors(join(TINY, 'weights.safetensors'));
      const p = join(scratch(), 'pref.safetensors');
      writeSafetensors(p, new Map([...t].map(([k, v]) => [`module.backbone.${k}`, v])));
      const { tensors, notes } = loadWeights(p);
      assert.deepEqual([...tensors.keys()].sort(), [...t.keys()].sort());
      assert.deepEqual(notes, ["stripped prefix 'module.backbone.' from 30 keys"]);
    });
  });

  it('reports a missing path and an unreadable file clearly', () => {
    assertUserError(() => loadWeights('/nonexistent/w.pth'), 'cannot read weights /nonexistent/w.pth: no such file');
    const p = join(scratch(), 'junk.pth');
    writeFileSync(p, 'junk');
    assertUserError(() => loadWeights(p), p, 'not a zip archive');
  });

  it('says what a wrong file is (PNG, JPEG, .npy, .npz, JSON, a packed image) and what was expected', () => {
    const dir = scratch();
    const expected = 'not backbone weights: expected a .safetensors file, a PyTorch checkpoint';
    const cases: Array<[string, Uint8Array | string, string]> = [
      ['cat.safetensors', readFileSync(join(IMAGES, 'coffee-256x128.png')), 'a PNG image'],
      ['photo.pth', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'a JPEG image'],
      ['out', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76, 0]), 'a NumPy .npy array'],
      ['w.npz', readFileSync(join(TINY, 'trace_task0.npz')), 'a NumPy .npz archive'],
      ['config.json', '{\n  "extends": "tiny"\n}\n', 'a JSON/text file'],
    ];
    for (const [name, data, what] of cases) {
      const p = join(dir, name);
      writeFileSync(p, data);
      assertUserError(() => loadWeights(p), `weights ${p} is ${what}, ${expected}`);
    }
    // A packed image (`edgemoe pack` output) is known by its .meta.json sidecar, whatever its bytes.
    const bin = join(dir, 'weights.bin');
    writeFileSync(bin, new Uint8Array(64));
    writeFileSync(`${bin}.meta.json`, '{}');
    assertUserError(() => loadWeights(bin), `weights ${bin} is a packed weights image from \`edgemoe pack\` (weights.bin.meta.json is beside it), not backbone weights`, 'give the .safetensors/.pth it was packed from (only `edgemoe run` takes a packed image)');
    // The real safetensors fixture is not mistaken for text.
    assert.equal(loadWeights(join(TINY, 'weights.safetensors')).tensors.size, 30);
  });
});
