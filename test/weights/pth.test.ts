import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { openPth, PthArchive, PthTensor } from '../../generator/weights/pth.ts';
import { TINY, scratch } from '../helpers/paths.ts';
import { buildPth, f32Bytes, f32Tensor, pickle, type PyValue } from './pth-builder.ts';
import { assertUserError } from './assert-user-error.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('weights/pth', () => {
  it('unpickles the fixture 0.pth: epoch, OrderedDict with _metadata BUILD, 30 lazy tensors', () => {
    const a = openPth(join(TINY, '0.pth'));
    assert.equal(a.root, '0');
    const top = a.object as Map<string, unknown>;
    assert.equal(top.get('epoch'), 3);
    const sd = top.get('state_dict') as Map<string, PthTensor>;
    assert.equal(sd.size, 30);
    const t = sd.get('module.backbone.blocks.1.mlp.experts.htoh4.weight')!;
    assert.ok(t instanceof PthTensor);
    assert.deepEqual(t.shape, [4, 64, 32]);
    assert.deepEqual(t.stride, [2048, 32, 1]);
    const m = t.materialize('x');
    assert.equal(m.dtype, 'f32');
    assert.equal(m.data.length, 4 * 64 * 32);
  });

  it('honours storage offsets and non-contiguous strides (C-order result)', () => {
    const storage = f32Bytes(range(24));
    const obj: PyValue = new Map<string, PyValue>([
      // A[i][j] = 2 + i + 3j: a transposed view starting at element 2.
      ['a', { tensor: { storage: { cls: 'FloatStorage', key: '0', numel: 24 }, offset: 2, size: [3, 4], stride: [1, 3] } }],
      // B[i][j] = 5 + 8i + j: rows picked with a gap.
      ['b', { tensor: { storage: { cls: 'FloatStorage', key: '0', numel: 24 }, offset: 5, size: [2, 2], stride: [8, 1] } }],
      // A contiguous slice at an offset into the same storage, and a broadcast (stride 0) view.
      ['c', { tensor: { storage: { cls: 'FloatStorage', key: '0', numel: 24 }, offset: 20, size: [4], stride: [1] } }],
      ['d', { tensor: { storage: { cls: 'FloatStorage', key: '0', numel: 24 }, offset: 7, size: [2, 3], stride: [0, 1] } }],
    ]);
    const dir = scratch();
    const p = join(dir, 'v.pth');
    writeFileSync(p, buildPth('v', obj, { '0': storage }));
    const top = openPth(p).object as Map<string, PthTensor>;
    const get = (k: string) => top.get(k)!.materialize(k);
    assert.deepEqual([...get('a').data], [2, 5, 8, 11, 3, 6, 9, 12, 4, 7, 10, 13]);
    assert.deepEqual(get('a').shape, [3, 4]);
    assert.deepEqual([...get('b').data], [5, 6, 13, 14]);
    assert.deepEqual([...get('c').data], [20, 21, 22, 23]);
    assert.deepEqual([...get('d').data], [7, 8, 9, 7, 8, 9]);
    // Materialised tensors are copies: writing one does not change another view of the same storage.
    (get('a').data as Float32Array)[0] = 99;
    assert.equal(get('a').data[0], 2);
  });

  it('maps storage classes to dtypes (Double, Long, Int, Half, BFloat16, Byte)', () => {
    const st = (cls: string, key: string, n: number) => ({ tensor: { storage: { cls, key, numel: n }, offset: 0, size: [n], stride: [1] } });
    const obj: PyValue = new Map<string, PyValue>([
      ['f64', st('DoubleStorage', 'd', 2)],
      ['i64', st('LongStorage', 'l', 2)],
      ['i32', st('IntStorage', 'i', 1)],
      ['f16', st('HalfStorage', 'h', 2)],
      ['bf16', st('BFloat16Storage', 'b', 1)],
      ['u8', st('ByteStorage', 'u', 3)],
    ]);
    const p = join(scratch(), 'd.pth');
    writeFileSync(
      p,
      buildPth('d', obj, {
        d: new Uint8Array(Float64Array.from([Math.PI, -0.5]).buffer),
        l: new Uint8Array(BigInt64Array.from([-3n, 2n ** 40n]).buffer),
        i: new Uint8Array(Int32Array.from([-7]).buffer),
        h: new Uint8Array([0x00, 0x3c, 0x00, 0xc2]), // 1, -3
        b: new Uint8Array([0x49, 0x40]), // bf16 0x4049 = 3.140625
        u: new Uint8Array([0, 7, 255]),
      }),
    );
    const top = openPth(p).object as Map<string, PthTensor>;
    const get = (k: string) => top.get(k)!.materialize(k);
    assert.deepEqual(get('f64'), { dtype: 'f64', shape: [2], data: Float64Array.from([Math.PI, -0.5]) });
    assert.deepEqual(get('i64'), { dtype: 'i64', shape: [2], data: BigInt64Array.from([-3n, 2n ** 40n]) });
    assert.deepEqual(get('i32').data, Int32Array.from([-7]));
    assert.deepEqual(get('f16'), { dtype: 'f32', shape: [2], data: Float32Array.from([1, -3]) });
    assert.deepEqual([...get('bf16').data], [3.140625]);
    assert.deepEqual(get('u8').data, Uint8Array.from([0, 7, 255]));
  });

  it('finds the root folder from data.pkl, whatever the file is called now', () => {
    const p = join(scratch(), 'renamed.pth');
    writeFileSync(p, buildPth('archive', new Map([['w', f32Tensor('0', [2])]]), { '0': f32Bytes([1, 2]) }));
    const a = openPth(p);
    assert.equal(a.root, 'archive');
    assert.deepEqual([...(a.object as Map<string, PthTensor>).get('w')!.materialize('w').data], [1, 2]);
  });

  describe('rejects corrupt checkpoints with a UserError naming file and tensor', () => {
    it('not a zip', () => {
      const p = join(scratch(), 'text.pth');
      writeFileSync(p, 'hello, this is not a checkpoint');
      assertUserError(() => openPth(p), p, 'not a zip archive');
    });
    it('the legacy (pre-1.6) format', () => {
      assertUserError(() => new PthArchive('old.pth', pickle(new Map([['a', 1]]))), 'old.pth', 'legacy');
    });
    it('a truncated zip', () => {
      const p = join(scratch(), 'cut.pth');
      const full = readFileSync(join(TINY, '0.pth'));
      writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
      assertUserError(() => openPth(p), p, 'corrupt zip');
    });
    it('100 bytes flipped inside tensor data (the zip CRC-32 fails; unzip -t says the same)', () => {
      const full = Buffer.from(readFileSync(join(TINY, '0.pth')));
      const entries = unzipSync(full);
      const name = Object.keys(entries).filter((n) => /\/data\/\d+$/.test(n)).sort((x, y) => entries[y]!.length - entries[x]!.length)[0]!;
      const at = full.indexOf(Buffer.from(entries[name]!.subarray(0, 64)));
      assert.ok(at > 0 && entries[name]!.length >= 200);
      for (let i = 0; i < 100; i++) full[at + 50 + i]! ^= 0x5a;
      const p = join(scratch(), 'flipped.pth');
      writeFileSync(p, full);
      assertUserError(() => openPth(p), p, `entry ${name} fails its CRC-32 check`);
      assert.equal(openPth(join(TINY, '0.pth')).root.length > 0, true); // the intact file still opens
    });
    it('a zip without data.pkl', () => {
      const entries = unzipSync(readFileSync(join(TINY, '0.pth')));
      delete entries['0/data.pkl'];
      assertUserError(() => new PthArchive('nopkl.pth', zipSync(entries, { level: 0 })), 'nopkl.pth', 'no <root>/data.pkl');
    });
    it('a garbage data.pkl', () => {
      const bytes = buildPth('g', null, {}, { pkl: new Uint8Array([0x80, 0x02, 0xff, 0x00]) });
      assertUserError(() => new PthArchive('g.pth', bytes), 'g.pth', 'could not be unpickled');
    });
    it('a storage shorter than the tensor needs', () => {
      const entries = unzipSync(readFileSync(join(TINY, '0.pth')));
      const a0 = new PthArchive('x.pth', zipSync(entries, { level: 0 }));
      const sd = (a0.object as Map<string, Map<string, PthTensor>>).get('state_dict')!;
      const key = sd.get('module.backbone.pos_embed')!.storage.key;
      entries[`0/data/${key}`] = entries[`0/data/${key}`]!.subarray(0, 100);
      const a = new PthArchive('short.pth', zipSync(entries, { level: 0 }));
      const t = (a.object as Map<string, Map<string, PthTensor>>).get('state_dict')!.get('module.backbone.pos_embed')!;
      assertUserError(() => t.materialize('pos_embed'), 'short.pth', "tensor 'pos_embed'", 'needs 288 elements', 'holds only 25');
    });
    it('a missing storage entry', () => {
      const bytes = buildPth('m', new Map([['w', f32Tensor('7', [2])]]), {});
      const t = (new PthArchive('m.pth', bytes).object as Map<string, PthTensor>).get('w')!;
      assertUserError(() => t.materialize('w'), 'm.pth', "tensor 'w'", 'm/data/7 is missing');
    });
    it('an unsupported storage type', () => {
      const bytes = buildPth('q', new Map<string, PyValue>([['w', { tensor: { storage: { cls: 'QInt8Storage', key: '0', numel: 2 }, offset: 0, size: [2], stride: [1] } }]]), { '0': new Uint8Array(2) });
      const t = (new PthArchive('q.pth', bytes).object as Map<string, PthTensor>).get('w')!;
      assertUserError(() => t.materialize('w'), "tensor 'w'", 'unsupported storage type torch.QInt8Storage');
    });
  });
});
