import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { loadImage } from '../../generator/io/image.ts';
import { runReference, runReferenceYielding } from '../../generator/reference/model.ts';
import { Workspace } from '../../generator/reference/workspace.ts';
import { readSafetensors } from '../../generator/weights/safetensors.ts';
import { TINY } from '../helpers/paths.ts';

describe('reference/workspace', () => {
  it('gives an array back after recycle, keeps what it is told to, and zeroes on request', () => {
    const ws = new Workspace(true);
    const a = ws.take(100);
    const b = ws.take(100);
    a.fill(7);
    b.fill(8);
    ws.recycle([b]);
    const c = ws.take(100);
    assert.equal(c.buffer, a.buffer, 'a was given back');
    assert.notEqual(ws.take(100).buffer, b.buffer, 'b is still taken');
    assert.ok(b.every((v) => v === 8));
    ws.recycle([]);
    const z = ws.take(100, true);
    assert.equal(z.length, 100);
    assert.ok(z.every((v) => v === 0));
    // Another size of the same capacity shares its buffers, as a view of the size asked for.
    ws.recycle([]);
    assert.equal(ws.take(90).length, 90);
  });

  it('without reuse, every take is a new zeroed array', () => {
    const ws = new Workspace(false);
    const a = ws.take(10);
    a.fill(1);
    ws.recycle([]);
    const b = ws.take(10);
    assert.notEqual(b.buffer, a.buffer);
    assert.ok(b.every((v) => v === 0));
  });

  describe('forwards that reuse arrays', () => {
    const config = resolveConfig({ preset: 'tiny', sets: [] });
    const weights = readSafetensors(join(TINY, 'weights.safetensors'));
    const image = loadImage(join(TINY, 'image.png'), config.model.image);
    const traced = (task: number) => runReference(config, weights, image, task, { trace: true }).out;

    it('give what a forward with fresh arrays (a traced one) gives, and keep their output after the next forward', () => {
      const a = runReference(config, weights, image, 0).out;
      const copy = Float64Array.from(a);
      const b = runReference(config, weights, image, 1).out;
      assert.deepEqual(a, copy, 'the second forward did not write into the first one\'s output');
      assert.deepEqual(a, traced(0));
      assert.deepEqual(b, traced(1));
    });

    it('two at once (interleaved block by block) give what each gives alone', async () => {
      const [a, b] = await Promise.all([runReferenceYielding(config, weights, image, 0), runReferenceYielding(config, weights, image, 1)]);
      assert.deepEqual(a.out, traced(0));
      assert.deepEqual(b.out, traced(1));
    });
  });
});
