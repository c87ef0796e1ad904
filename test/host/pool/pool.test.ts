// The run pool: images spread over worker processes give the same files, in the same order, as one process.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../../generator/config/index.ts';
import { readDesign } from '../../../generator/emit/design.ts';
import { emitDesign } from '../../../generator/emit/emit.ts';
import { packDesign } from '../../../generator/pack/pack.ts';
import { runImagesPooled, type LaneTiming } from '../../../host/pool/pool.ts';
import { runImages } from '../../../host/run.ts';
import { scratch, TINY } from '../../helpers/paths.ts';

describe('host/pool: run on every core', function () {
  this.timeout(600_000);
  const root = scratch('edgemoe-pool-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('tiny design, 5 images × 2 tasks on 2 lanes (this process and a worker process, images handed out one at a time to the lane that is open and free): the same outputs and results in the given order as one process; a bad image is still reported', async () => {
    const dir = join(root, 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    mkdirSync(join(root, 'imgs'));
    // Two different pictures, alternating, so a share mixed up with another would show in the outputs.
    const images = [0, 1, 2, 3, 4].map((i) => {
      const p = join(root, 'imgs', `im${i}.${i % 2 ? 'npy' : 'png'}`);
      copyFileSync(join(TINY, i % 2 ? 'image.npy' : 'image.png'), p);
      return p;
    });
    const bad = join(root, 'imgs', 'broken.png');
    copyFileSync(join(TINY, 'expected_task0.npy'), bad);
    const all = [...images.slice(0, 2), bad, ...images.slice(2)];
    const base = { design: dir, weights: join(TINY, 'weights.safetensors'), tasks: ['task1', 'task0'], backend: 'csim' as const };
    const one = await runImages({ ...base, out: join(root, 'one'), images: all });
    const progress: number[] = [];
    const selected: string[] = [];
    const two = await runImagesPooled({ ...base, out: join(root, 'two'), images: all }, { onSelect: (l) => selected.push(l), onProgress: (d) => progress.push(d) }, 2);
    assert.deepEqual(selected, [one.selection]);
    assert.equal(two.selection, one.selection);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const strip = (r: typeof one) => r.results.map((x) => ({ image: x.image, task: x.task, error: x.error, output: x.output?.replace(/\/(one|two)\//, '/X/') }));
    assert.deepEqual(strip(two), strip(one));
    assert.deepEqual(two.results.map((x) => `${x.image.split('/').pop()}:${x.task}`).slice(0, 6), ['im0.png:task1', 'im0.png:task0', 'im1.npy:task1', 'im1.npy:task0', 'broken.png:task1', 'broken.png:task0']);
    assert.match(two.results[4]!.error!, /broken\.png/);
    for (const x of one.results.filter((r) => r.output)) {
      assert.deepEqual(readFileSync(x.output!.replace('/one/', '/two/')), readFileSync(x.output!), x.output);
    }
  });

  // A worker lane takes images only once it is open, and a tiny image takes milliseconds: enough images keep this
  // process busy past a worker's start-up (≈ 0.5–2 s), so the worker runs some of them. Symlinks to the two pictures,
  // alternating, so an output mixed up with another image's shows.
  const many = async (weights: string, name: string) => {
    const src = join(root, name);
    mkdirSync(src);
    for (let n = 600; ; n *= 4) {
      const images = Array.from({ length: n }, (_, i) => {
        const p = join(src, `n${n}-${String(i).padStart(4, '0')}.${i % 2 ? 'npy' : 'png'}`);
        symlinkSync(join(root, 'imgs', i % 2 ? 'im1.npy' : 'im0.png'), p);
        return p;
      });
      const lanes: LaneTiming[] = [];
      const r = await runImagesPooled({ design: join(root, 'tiny'), weights, tasks: ['task0'], backend: 'csim', out: join(root, `${name}-out-${n}`), images }, { onLanes: (l) => lanes.push(...l) }, 2);
      assert.deepEqual(lanes.map((l) => l.lane), ['this process', 'worker 1']);
      assert.equal(lanes[0]!.images + lanes[1]!.images, n);
      // On a machine so busy that the worker was not open before the last image, once more with four times as many.
      if (lanes[1]!.images === 0 && n < 9600) continue;
      assert.ok(lanes[1]!.images > 0, JSON.stringify(lanes));
      assert.deepEqual(r.results.map((x) => x.image), images);
      const want = [readFileSync(join(root, 'one', 'im0.task0.npy')), readFileSync(join(root, 'one', 'im1.task0.npy'))];
      r.results.forEach((x, i) => assert.deepEqual(readFileSync(x.output!), want[i % 2], x.output));
      return;
    }
  };

  it('a packed weights.bin (the worker reads the file this process checked, with its hash): the same bytes as one process', async () => {
    packDesign(readDesign(join(root, 'tiny')), join(TINY, 'weights.safetensors'));
    await many(join(root, 'tiny', 'weights.bin'), 'packed');
  });

  it('a weights source (the worker packs it in memory itself): the same bytes as one process', async () => {
    await many(join(TINY, 'weights.safetensors'), 'source');
  });
});
