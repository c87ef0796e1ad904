import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { encodeNpz, NpzWriter, parseNpz, readNpz, streamNpz, writeNpz } from '../../generator/io/npz.ts';
import { encodeNpy } from '../../generator/io/npy.ts';
import { isUserError } from '../../generator/errors.ts';
import type { TensorMap } from '../../generator/tensor.ts';
import { TINY, scratch } from '../helpers/paths.ts';

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
}

describe('io/npz', () => {
  it('reads the fixture trace: 33 keys in order, float64 except int64 topk_idx', () => {
    const m = readNpz(join(TINY, 'trace_task0.npz'));
    assert.equal(m.size, 33);
    assert.deepEqual([...m.keys()].slice(0, 3), ['patch_embed', 'embed', 'block0.ln1']);
    assert.deepEqual(m.get('block1.attn')!.shape, [2, 9, 9]);
    const idx = m.get('block1.topk_idx')!;
    assert.equal(idx.dtype, 'i64');
    // README routing table: token 0, task 0 → experts 1, 2.
    assert.deepEqual([idx.data[0], idx.data[1]], [1n, 2n]);
    for (const [k, t] of m) if (k !== 'block1.topk_idx') assert.equal(t.dtype, 'f64', k);
  });

  it('writes archives byte-identical to numpy.savez (stored, fixed timestamps)', () => {
    for (const f of ['trace_task0.npz', 'trace_task1_f32.npz']) {
      const orig = readFileSync(join(TINY, f));
      assert.deepEqual(Buffer.from(encodeNpz(parseNpz(orig, f))), orig, f);
    }
  });

  it('round-trips through a file and reads deflated members', () => {
    const m: TensorMap = new Map([
      ['a', { dtype: 'f64', shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) }],
      ['b.c', { dtype: 'i64', shape: [1], data: BigInt64Array.from([5n]) }],
    ]);
    const dir = scratch();
    writeNpz(join(dir, 'x.npz'), m);
    const back = readNpz(join(dir, 'x.npz'));
    assert.deepEqual([...back.keys()], ['a', 'b.c']);
    assert.deepEqual(Array.from(back.get('a')!.data as Float64Array), [1, 2, 3, 4]);
    const big: TensorMap = new Map([['z', { dtype: 'f32', shape: [1000], data: new Float32Array(1000) }]]);
    const deflated = zipSync({ 'z.npy': [encodeNpy(big.get('z')!), { level: 9 }] });
    assert.ok(deflated.length < 1000, 'member really is deflated');
    const zz = parseNpz(deflated, 'd.npz').get('z')!;
    assert.deepEqual(zz.shape, [1000]);
    assert.ok((zz.data as Float32Array).every((v) => v === 0));
  });

  it('corrupt or truncated archives and bad members give UserErrors naming the file', () => {
    const dir = scratch();
    const orig = readFileSync(join(TINY, 'trace_task0.npz'));
    const p = join(dir, 'cut.npz');
    writeFileSync(p, orig.subarray(0, 5000));
    throwsUser(() => readNpz(p), /cut\.npz: corrupt or truncated \.npz archive/);
    writeFileSync(p, 'not a zip at all');
    throwsUser(() => readNpz(p), /cut\.npz: not an \.npz file/);
    const badMember = zipSync({ 'w.npy': [new TextEncoder().encode('garbage'), { level: 0 }] });
    throwsUser(() => parseNpz(badMember, 'm.npz'), /^m\.npz:w\.npy: not a \.npy file/);
    throwsUser(() => readNpz(join(dir, 'missing.npz')), /cannot read \.npz file .*missing\.npz: no such file/);
  });

  it('streams member by member to the same bytes as numpy.savez, appearing only on close', () => {
    const dir = scratch();
    for (const f of ['trace_task0.npz', 'trace_task1_f32.npz']) {
      const orig = readFileSync(join(TINY, f));
      streamNpz(join(dir, f), parseNpz(orig, f));
      assert.deepEqual(readFileSync(join(dir, f)), orig, f);
    }
    const w = new NpzWriter(join(dir, 'late.npz'));
    w.add('a', { dtype: 'f32', shape: [3], data: Float32Array.from([1, 2, 3]) });
    assert.ok(!readdirSync(dir).includes('late.npz'), 'not visible before close');
    w.close();
    assert.deepEqual(Array.from(readNpz(join(dir, 'late.npz')).get('a')!.data as Float32Array), [1, 2, 3]);
    const gone = new NpzWriter(join(dir, 'gone.npz'));
    gone.add('a', { dtype: 'f32', shape: [1], data: new Float32Array(1) });
    gone.abort();
    assert.deepEqual(readdirSync(dir).sort(), ['late.npz', 'trace_task0.npz', 'trace_task1_f32.npz']);
  });

  it('ZIP64 offsets past the 32-bit range (forced low here) read back', () => {
    const dir = scratch();
    const m = readNpz(join(TINY, 'trace_task0.npz'));
    const w = new NpzWriter(join(dir, 'z64.npz'), 4096);
    for (const [k, t] of m) w.add(k, t);
    w.close();
    const bytes = readFileSync(join(dir, 'z64.npz'));
    assert.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07])), 'has a ZIP64 end locator');
    const back = parseNpz(bytes, 'z64.npz');
    assert.deepEqual([...back.keys()], [...m.keys()]);
    for (const [k, t] of m) assert.deepEqual(back.get(k)!.data, t.data, k);
  });

  it('a trace that cannot be written is a UserError naming it, with nothing left behind', () => {
    const dir = scratch();
    throwsUser(() => new NpzWriter(join(dir, 'no', 'such', 't.npz')), /cannot write .*t\.npz: no such file/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
