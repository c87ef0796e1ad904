import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, readSafetensorsFile, writeSafetensors, parseSafetensors } from '../../generator/weights/safetensors.ts';
import { isUserError } from '../../generator/errors.ts';
import type { TensorMap } from '../../generator/tensor.ts';
import { TINY, scratch } from '../helpers/paths.ts';

const FIXTURE = join(TINY, 'weights.safetensors');

/** Builds a safetensors file by hand from a header object and a data section. */
function handMade(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const hb = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

function assertUserError(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isUserError(e), `expected a UserError, got ${String(e)}`);
    for (const f of fragments) assert.ok((e as Error).message.includes(f), `message '${(e as Error).message}' lacks '${f}'`);
    return true;
  });
}

describe('weights/safetensors', () => {
  it('reads the tiny fixture: 30 float32 tensors, 59 008 values, README shapes', () => {
    const { tensors, metadata } = readSafetensorsFile(FIXTURE);
    assert.deepEqual(metadata, { format: 'pt' });
    assert.equal(tensors.size, 30);
    let total = 0;
    for (const t of tensors.values()) {
      assert.equal(t.dtype, 'f32');
      total += t.data.length;
    }
    assert.equal(total, 59008);
    assert.deepEqual(tensors.get('patch_embed.proj.weight')!.shape, [32, 3, 16, 16]);
    assert.deepEqual(tensors.get('blocks.1.mlp.experts.htoh4.weight')!.shape, [4, 64, 32]);
    assert.deepEqual(tensors.get('blocks.1.mlp.gate.1.w_gate')!.shape, [32, 4]);
    assert.deepEqual(tensors.get('pos_embed')!.shape, [1, 9, 32]);
  });

  it('decodes the raw little-endian data at the header offsets', () => {
    const bytes = readFileSync(FIXTURE);
    const hlen = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + hlen).toString('utf8'));
    const t = readSafetensors(FIXTURE).get('blocks.0.attn.qkv.weight')!;
    const [begin] = header['blocks.0.attn.qkv.weight'].data_offsets as [number, number];
    for (const i of [0, 1, 1234, t.data.length - 1]) {
      assert.equal(t.data[i], bytes.readFloatLE(8 + hlen + begin + 4 * i));
    }
  });

  it('writes the fixture back byte for byte (same metadata, name order, padding)', () => {
    const { tensors, metadata } = readSafetensorsFile(FIXTURE);
    const out = join(scratch(), 'w.safetensors');
    writeSafetensors(out, tensors, metadata);
    assert.ok(readFileSync(out).equals(readFileSync(FIXTURE)));
  });

  it('round-trips every writable dtype', () => {
    const m: TensorMap = new Map();
    m.set('a', { dtype: 'f32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3e-8, 0, Infinity, -0]) });
    m.set('b', { dtype: 'f64', shape: [3], data: Float64Array.from([Math.PI, -1e300, 5e-324]) });
    m.set('c', { dtype: 'i64', shape: [2], data: BigInt64Array.from([-(2n ** 62n), 7n]) });
    m.set('d', { dtype: 'i32', shape: [1], data: Int32Array.from([-123456]) });
    m.set('e', { dtype: 'i16', shape: [2], data: Int16Array.from([-32768, 32767]) });
    m.set('f', { dtype: 'u8', shape: [0], data: new Uint8Array(0) });
    const dir = scratch();
    const out = join(dir, 'x.safetensors');
    writeSafetensors(out, m);
    const back = readSafetensors(out);
    assert.deepEqual([...back.keys()].sort(), ['a', 'b', 'c', 'd', 'e', 'f']);
    for (const [k, t] of m) assert.deepEqual(back.get(k), t, k);
    assert.equal(readFileSync(out).readBigUInt64LE(0) % 8n, 0n);
    assert.deepEqual(readdirSync(dir), ['x.safetensors']);
  });

  it('widens BF16 and F16 to float32 exactly', () => {
    // bf16 0x3fc0 = 1.5, 0xc000 = -2; f16 0x3c00 = 1, 0x0001 = 2^-24, 0xfc00 = -inf
    const data = new Uint8Array([0xc0, 0x3f, 0x00, 0xc0, 0x00, 0x3c, 0x01, 0x00, 0x00, 0xfc]);
    const bytes = handMade({ b: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] }, h: { dtype: 'F16', shape: [3], data_offsets: [4, 10] } }, data);
    const m = parseSafetensors(bytes, 'mem');
    assert.deepEqual([...m.tensors.get('b')!.data], [1.5, -2]);
    assert.deepEqual([...m.tensors.get('h')!.data], [1, 2 ** -24, -Infinity]);
    assert.equal(m.tensors.get('h')!.dtype, 'f32');
  });

  describe('rejects corrupt files with a UserError naming the file', () => {
    const good = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    it('short header', () => assertUserError(() => parseSafetensors(new Uint8Array(5), 'f.st'), 'f.st', 'too short'));
    it('header length beyond the file', () => {
      const b = handMade(good, new Uint8Array(8));
      new DataView(b.buffer).setBigUint64(0, 10_000n, true);
      assertUserError(() => parseSafetensors(b, 'f.st'), 'f.st', 'past the end');
    });
    it('absurd header length', () => {
      const b = handMade(good, new Uint8Array(8));
      new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
      assertUserError(() => parseSafetensors(b, 'f.st'), 'exceeds');
    });
    it('bad JSON', () => assertUserError(() => parseSafetensors(handMade(null, new Uint8Array(8), '{"t":{'), 'f.st'), 'f.st', 'not valid JSON'));
    it('data offsets outside the file', () => {
      const b = handMade({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8));
      assertUserError(() => parseSafetensors(b, 'f.st'), "tensor 't'", 'outside');
    });
    it('offsets that disagree with the shape', () => {
      const b = handMade({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
      assertUserError(() => parseSafetensors(b, 'f.st'), "tensor 't'", 'needs 12');
    });
    it('overlapping tensors', () => {
      const b = handMade({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, u: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8));
      assertUserError(() => parseSafetensors(b, 'f.st'), 'overlap');
    });
    it('unknown dtype', () => {
      const b = handMade({ t: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2));
      assertUserError(() => parseSafetensors(b, 'f.st'), 'unsupported dtype');
    });
    it('a truncated copy of the fixture', () => {
      const dir = scratch();
      const p = join(dir, 'trunc.safetensors');
      const full = readFileSync(FIXTURE);
      writeFileSync(p, full.subarray(0, full.length - 100));
      assertUserError(() => readSafetensors(p), p, 'outside');
    });
    it('a missing file', () => assertUserError(() => readSafetensors('/nonexistent/x.safetensors'), '/nonexistent/x.safetensors', 'no such file'));
  });

  it('leaves no file behind when the target directory does not exist', () => {
    const dir = scratch();
    const p = join(dir, 'nope', 'w.safetensors');
    assertUserError(() => writeSafetensors(p, new Map()), p);
    assert.equal(existsSync(p), false);
  });
});
