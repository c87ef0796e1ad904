import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../generator/io/npy.ts';
import { isUserError } from '../../generator/errors.ts';
import type { Tensor } from '../../generator/tensor.ts';
import { TINY, scratch } from '../helpers/paths.ts';

/** A hand-built .npy (any version, any header text) around raw data bytes. */
function npyBytes(major: number, header: string, data: Uint8Array): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const len = Math.ceil((pre + header.length + 1) / 64) * 64 - pre;
  const h = header.padEnd(len - 1, ' ') + '\n';
  const out = new Uint8Array(pre + len + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, len, true);
  else v.setUint32(8, len, true);
  out.set(new TextEncoder().encode(h), pre);
  out.set(data, pre + len);
  return out;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
}

describe('io/npy', () => {
  it('reads the fixture image (float32 [3,32,64], k/256) and expected output (float64 [9,32])', () => {
    const img = readNpy(join(TINY, 'image.npy'));
    assert.equal(img.dtype, 'f32');
    assert.deepEqual(img.shape, [3, 32, 64]);
    // README spot values: image.npy[:,0,0]·256 = 231, 176, 221.
    assert.deepEqual([0, 1, 2].map((c) => (img.data as Float32Array)[c * 32 * 64]! * 256), [231, 176, 221]);
    const e = readNpy(join(TINY, 'expected_task0.npy'));
    assert.equal(e.dtype, 'f64');
    assert.deepEqual(e.shape, [9, 32]);
    assert.ok(Math.abs((e.data[0] as number) - 0.226494383) < 1e-9);
  });

  it('encodes byte-identically to numpy for the fixture files', () => {
    for (const f of ['image.npy', 'expected_task1.npy', 'expected_task1_f32.npy']) {
      const orig = readFileSync(join(TINY, f));
      assert.deepEqual(Buffer.from(encodeNpy(parseNpy(orig, f))), orig, f);
    }
  });

  it('round-trips every dtype, 0-d and 1-d shapes, through a file', () => {
    const dir = scratch();
    const cases: Tensor[] = [
      { dtype: 'f32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3, 4, 5, 6.25]) },
      { dtype: 'f64', shape: [4], data: Float64Array.from([Math.PI, -0, 1e-300, -7]) },
      { dtype: 'i64', shape: [2, 1], data: BigInt64Array.from([-(2n ** 62n), 3n]) },
      { dtype: 'i32', shape: [3], data: Int32Array.from([-1, 0, 2 ** 31 - 1]) },
      { dtype: 'i16', shape: [1, 2], data: Int16Array.from([-32768, 7]) },
      { dtype: 'u8', shape: [], data: Uint8Array.from([200]) },
    ];
    for (const t of cases) {
      const p = join(dir, `${t.dtype}.npy`);
      writeNpy(p, t);
      const back = readNpy(p);
      assert.equal(back.dtype, t.dtype);
      assert.deepEqual(back.shape, t.shape);
      assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
    }
    assert.deepEqual(readdirSync(dir).sort(), cases.map((t) => `${t.dtype}.npy`).sort(), 'no temp files left behind');
  });

  it('writes the numpy header dict (1-d shape with trailing comma, 64-byte aligned data)', () => {
    const b = encodeNpy({ dtype: 'f64', shape: [5], data: new Float64Array(5) });
    const header = new TextDecoder().decode(b.subarray(10, 10 + new DataView(b.buffer).getUint16(8, true)));
    assert.equal(header.trimEnd(), "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }");
    assert.equal((10 + header.length) % 64, 0);
  });

  it('reads format versions 2.0 and 3.0', () => {
    const data = bytesOf(Int16Array.from([1, -2, 3]));
    for (const major of [2, 3]) {
      const t = parseNpy(npyBytes(major, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", data), 'v.npy');
      assert.deepEqual(Array.from(t.data as Int16Array), [1, -2, 3]);
    }
  });

  it('rejects fortran order, big-endian and unsupported dtypes with a UserError naming the file', () => {
    const d8 = new Uint8Array(8);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", d8), 'f.npy'), /^f\.npy: fortran_order/);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", d8), 'b.npy'), /^b\.npy: big-endian dtype '>f4'/);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", d8), 'c.npy'), /^c\.npy: unsupported dtype '<c8'/);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", d8).subarray(0, 132), 't.npy'), /^t\.npy: truncated \.npy data/);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", d8), 'x.npy'), /^x\.npy: .* 4 trailing bytes/);
    throwsUser(() => parseNpy(npyBytes(1, "{'descr': '<f4', 'fortran_order': False}", d8), 'h.npy'), /^h\.npy: bad \.npy header \(no 'shape'\)/);
    throwsUser(() => parseNpy(npyBytes(9, "{}", d8), 'v.npy'), /^v\.npy: unsupported \.npy format version 9/);
  });

  it('rejects non-npy, truncated-header and missing files', () => {
    const dir = scratch();
    const p = join(dir, 'bad.npy');
    writeFileSync(p, 'hello world');
    throwsUser(() => readNpy(p), /bad\.npy: not a \.npy file/);
    const good = readFileSync(join(TINY, 'image.npy'));
    writeFileSync(p, good.subarray(0, 40));
    throwsUser(() => readNpy(p), /bad\.npy: truncated \.npy header/);
    throwsUser(() => readNpy(join(dir, 'nope.npy')), /cannot read \.npy file .*nope\.npy: no such file/);
  });
});
