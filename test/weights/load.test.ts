import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWeights } from '../../generator/weights/load.ts';
import { resolveConfig } from '../../generator/config/index.ts';
import { checkWeights } from '../../generator/weights/check.ts';
import { TINY, scratch } from '../helpers/paths.ts';
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
    assertUserError(() => loadWeights('/nonexistent/w.pth'), '/nonexistent/w.pth', 'ENOENT');
    const p = join(scratch(), 'junk.pth');
    writeFileSync(p, 'junk');
    assertUserError(() => loadWeights(p), p, 'not a zip archive');
  });
});
