// 512-bit AXI word packing with our headers: 16 ap_fixed<32,10> go into an ap_uint<512> through range() and come
// back bit-exact; the packed words and word-level operations are recomputed with BigInt.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { wrap } from './bigref.ts';
import { CPP, compile, run } from './build.ts';

const hex = (v: bigint) => `0x${v.toString(16)}`;
const M256 = (1n << 256n) - 1n, M512 = (1n << 512n) - 1n;

describe('csim-include 512-bit packing', function () {
  this.timeout(120_000);
  it('packs 16 ap_fixed<32,10> into ap_uint<512> via range() and unpacks them bit-exact', async () => {
    const dir = scratch('edgemoe-appack-');
    const exe = join(dir, 'pack512');
    // g++ -std=c++14 -O2 -Wno-unknown-pragmas -I templates/csim-include test/csim-include/cpp/pack512.cpp
    await compile(join(CPP, 'pack512.cpp'), exe, ['-std=c++14', '-O2', '-Wno-unknown-pragmas']);
    const r = await run(exe);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.at(-1), 'roundtrip_mismatches 0');
    let words = 0;
    for (let k = 0; k < lines.length - 1; ) {
      const [tag, wordHex] = lines[k++].split(' ');
      assert.equal(tag, 'word');
      let w = 0n;
      const raws: bigint[] = [];
      for (let i = 0; i < 16; i++) {
        const [t, idx, raw, val] = lines[k++].split(' ');
        assert.deepEqual([t, +idx], ['in', i]);
        const rv = BigInt(`0x${raw}`);
        raws.push(rv);
        assert.equal(Number(wrap(rv, 32, true)) / 2 ** 22, Number(val), `value of field ${i}`);
        w |= rv << BigInt(32 * i);
      }
      assert.equal(wordHex, hex(w));
      const next = () => lines[k++].split(' ');
      const halves = ((w & M256) << 256n) | (w & M256);
      assert.deepEqual(next(), ['halves', hex(halves)]);
      assert.deepEqual(next(), ['xor', hex(w ^ halves)]);
      assert.deepEqual(next(), ['andnot', hex(w & ~halves & M512)]);
      assert.deepEqual(next(), ['shr', hex(w >> 100n)]);
      assert.deepEqual(next(), ['hi', hex(w >> 256n)]);
      assert.deepEqual(next(), ['bit', String(w & 1n), String(w >> 511n)]);
      // constructing an ap_fixed from a range converts the field's integer value (it is not a bit copy)
      assert.deepEqual(next(), ['fieldvalue', String(Number(wrap(raws[1] << 22n, 32, true)) / 2 ** 22)]);
      words++;
    }
    assert.equal(words, 20);
  });
});
