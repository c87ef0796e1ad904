import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { isUserError } from '../../generator/errors.ts';
import { Accelerator } from '../../host/accelerator.ts';
import type { Backend } from '../../host/backend.ts';
import { CsimBackend } from '../../host/csim/backend.ts';
import { loadDesign, type HostDesign } from '../../host/design.ts';
import { loadPackedWeights } from '../../host/weights.ts';
import { scratch } from '../helpers/paths.ts';
import { buildToyLibrary, TOY, toyExpected, toyWeights, writeToyDesign } from './fixtures/toy-design.ts';

const DIM = TOY.C * TOY.W;
const gainsA = [1 << 8, 3 << 8];
const biasA = Array.from({ length: DIM }, (_, i) => (i - 5) << 12);
const gainsB = [5 << 8, -(2 << 8)];
const biasB = Array.from({ length: DIM }, (_, i) => i * 977 - 3000);

const pixels = (seed: number) => Uint8Array.from({ length: TOY.C * TOY.H * TOY.W }, (_, i) => (i * 37 + seed * 101) & 0xff);
const weightsOf = (g: number[], b: number[]) => {
  const bytes = toyWeights(g, b);
  return { bytes, hash: String(g.concat(b)), origin: 'test' };
};

/** A csim backend that records what the accelerator asks of it. */
class Recording implements Backend {
  readonly name = 'csim';
  readonly description = 'recording csim';
  log: string[] = [];
  constructor(private readonly inner: CsimBackend) {}
  write(buffer: number, offset: number, bytes: Uint8Array) {
    this.log.push(`write ${buffer}@${offset}+${bytes.length}`);
    this.inner.write(buffer, offset, bytes);
  }
  read(buffer: number, offset: number, dst: Uint8Array) {
    this.inner.read(buffer, offset, dst);
  }
  setScalar(i: number, v: number) {
    this.log.push(`scalar ${i}=${v}`);
    this.inner.setScalar(i, v);
  }
  run() {
    this.log.push('run');
    this.inner.run();
  }
  close() {}
}

describe('host/accelerator (csim backend, toy bridge)', () => {
  let design: HostDesign;
  let lib: string;
  before(async () => {
    const dir = writeToyDesign(join(scratch(), 'toy'));
    design = loadDesign(dir);
    lib = await buildToyLibrary(dir);
  });

  it('runs a batch for each task and decodes raw / 2^frac', async () => {
    const acc = await Accelerator.open(design, { backend: 'csim', csimLibrary: lib });
    assert.equal(acc.backendName, 'csim');
    assert.equal(acc.loadWeights(weightsOf(gainsA, biasA)), true);
    const imgs = [pixels(1), pixels(2)];
    for (const task of ['semseg', 'depth', 1, '0'] as const) {
      const r = acc.infer(imgs, task);
      const t = acc.taskIndex(task);
      assert.deepEqual(r.outputs, imgs.map((im) => toyExpected(im, gainsA, biasA, t)));
      assert.ok(r.ms >= 0);
    }
    acc.close();
  });

  it('writes weights once per hash, sets reload only on the first run after a change, and changes only the task when switching', async () => {
    const rec = new Recording(new CsimBackend(design, lib));
    const acc = Accelerator.fromBackend(design, rec);
    // scalar order in the toy kernel: num_images, task, reload, debug_stop
    acc.loadWeights(weightsOf(gainsA, biasA));
    acc.infer([pixels(3)], 'semseg');
    assert.deepEqual(rec.log, ['write 1@0+56', 'write 0@0+24', 'scalar 0=1', 'scalar 1=0', 'scalar 2=1', 'scalar 3=0', 'run']);
    rec.log = [];
    assert.equal(acc.loadWeights(weightsOf(gainsA, biasA)), false);
    const r = acc.infer([pixels(3)], 'depth');
    assert.deepEqual(rec.log, ['write 0@0+24', 'scalar 0=1', 'scalar 1=1', 'scalar 2=0', 'scalar 3=0', 'run']);
    assert.deepEqual(r.outputs[0], toyExpected(pixels(3), gainsA, biasA, 1));
    // New weights: written once, and the next run (only) reloads them; the toy kernel would keep the old ones otherwise.
    rec.log = [];
    assert.equal(acc.loadWeights(weightsOf(gainsB, biasB)), true);
    assert.deepEqual(acc.infer([pixels(4)], 'depth').outputs[0], toyExpected(pixels(4), gainsB, biasB, 1));
    assert.deepEqual(acc.infer([pixels(4)], 'semseg').outputs[0], toyExpected(pixels(4), gainsB, biasB, 0));
    assert.deepEqual(rec.log.filter((l) => l.startsWith('write 1') || l.startsWith('scalar 2')), ['write 1@0+56', 'scalar 2=1', 'scalar 2=0']);
  });

  it('two accelerators on one csim library (shared on-chip state) each keep their own weights', async () => {
    const a = await Accelerator.open(design, { backend: 'csim', csimLibrary: lib });
    const b = await Accelerator.open(design, { backend: 'csim', csimLibrary: lib });
    a.loadWeights(weightsOf(gainsA, biasA));
    b.loadWeights(weightsOf(gainsB, biasB));
    for (let k = 0; k < 2; k++) {
      assert.deepEqual(a.infer([pixels(5)], 0).outputs[0], toyExpected(pixels(5), gainsA, biasA, 0));
      assert.deepEqual(b.infer([pixels(5)], 0).outputs[0], toyExpected(pixels(5), gainsB, biasB, 0));
    }
    a.close();
    b.close();
  });

  it('rejects bad calls with UserErrors naming the problem', async () => {
    const acc = await Accelerator.open(design, { backend: 'csim', csimLibrary: lib });
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(isUserError(e), String(e));
        return (e as Error).message;
      }
      return 'no error';
    };
    assert.match(msg(() => acc.infer([pixels(1)], 'semseg')), /no weights loaded/);
    acc.loadWeights(weightsOf(gainsA, biasA));
    assert.match(msg(() => acc.infer([pixels(1)], 'normals')), /^unknown task 'normals' \(tasks: semseg \(0\), depth \(1\)\)$/);
    assert.match(msg(() => acc.infer([pixels(1)], 2)), /^unknown task '2' \(tasks: semseg \(0\), depth \(1\)\)$/);
    assert.match(msg(() => acc.infer([pixels(1), pixels(2), pixels(3)], 0)), /a kernel call takes 1\.\.2 images, got 3/);
    assert.match(msg(() => acc.infer([new Uint8Array(5)], 0)), /image 0: 5 bytes, the design takes 24 \(3x2x4\)/);
  });

  it('refuses a debug stop on a design whose activations are on chip (design.json onChip: the stop leaves no DRAM output)', async () => {
    const onchip: HostDesign = { ...design, manifest: { ...design.manifest, format: 'edgemoe-design/5', onChip: ['tmp1'] } };
    const acc = await Accelerator.open(onchip, { backend: 'csim', csimLibrary: lib });
    acc.loadWeights(weightsOf(gainsA, biasA));
    assert.throws(() => acc.infer([pixels(1)], 0, { debugStop: 1 }), (e: unknown) => isUserError(e) && /keeps its activations on chip/.test((e as Error).message));
    assert.deepEqual(acc.infer([pixels(1)], 0).outputs, [toyExpected(pixels(1), gainsA, biasA, 0)]);
    acc.close();
  });

  it('reports a kernel failure from the bridge as a UserError', async () => {
    const acc = await Accelerator.open(design, { backend: 'csim', csimLibrary: lib });
    const rec = new CsimBackend(design, lib);
    rec.setScalar(0, 1);
    rec.setScalar(1, 9); // task out of range inside the kernel
    assert.throws(() => rec.run(), /csim kernel failed \(code 1\): task out of range/);
    acc.close();
  });

  it('loads a packed weights file and refuses one of the wrong size', () => {
    const w = loadPackedWeights(design, join(design.dir, 'weights.bin'));
    assert.equal(w.bytes.length, 56);
    const short = join(scratch(), 'short.bin');
    writeFileSync(short, new Uint8Array(40));
    assert.throws(() => loadPackedWeights(design, short), /40 bytes, but design 'toy' has a 56-byte weights region/);
    assert.throws(() => loadPackedWeights(design, join(design.dir, 'design.json')), /this is a JSON\/text file, not weights/);
    assert.throws(() => loadPackedWeights(design, join(design.dir, 'nope.bin')), /cannot read weights .*nope\.bin: no such file/);
  });

  it('auto without an xclbin uses csim and says why; xrt without an xclbin is a UserError', async () => {
    const acc = await Accelerator.open(design, { backend: 'auto', csimLibrary: lib });
    assert.equal(acc.backendName, 'csim');
    assert.match(acc.selection, /^backend: csim \(.*libtoy-[0-9a-f]{12}\.so\) — auto: no --xclbin given, using C simulation$/);
    await assert.rejects(Accelerator.open(design, { backend: 'xrt' }), /--backend xrt needs --xclbin FILE/);
  });
});
