// Quantisation and overflow on the width-generic path of our ap_fixed (targets wider than 64 bits, and a 130-bit
// source into narrow targets), every Q mode x every O/N variant, from fixed and from double sources. Each printed
// store is recomputed with the BigInt model of shared/spec/ap-fixed.md section 2 (the same rule the shared
// apfx_model_check proves exhaustively for narrow types).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { doubleParts, parseHexFloat, storeRaw } from './bigref.ts';
import { CPP, compile, run } from './build.ts';
import { longIt } from '../helpers/long.ts';

describe('csim-include wide quantisation/overflow (BigInt model)', function () {
  this.timeout(300_000);
  // Four of the seven target shapes (3 signed, 1 unsigned) in make test; all seven (~400 target types) in the long set.
  it('every store of cpp/wide_store.cpp -DWIDE_STORE_QUICK matches the section 2 rule', () => checkStores(true));
  longIt('every store of cpp/wide_store.cpp (all seven shapes) matches the section 2 rule', () => checkStores(false));

  async function checkStores(quick: boolean): Promise<void> {
    const dir = scratch('edgemoe-apstore-');
    const exe = join(dir, 'wide_store');
    // g++ -std=c++14 -O1 -I templates/csim-include test/csim-include/cpp/wide_store.cpp  (400 target types: -O1 compiles faster)
    await compile(join(CPP, 'wide_store.cpp'), exe, ['-std=c++14', '-O1', ...(quick ? ['-DWIDE_STORE_QUICK'] : [])]);
    const r = await run(exe);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length > (quick ? 8000 : 14000), `only ${lines.length} lines`);
    const fails: string[] = [];
    const seen = new Set<string>();
    let overflowed = 0, rounded = 0;
    for (const line of lines) {
      const [kind, w, i, s, q, o, n, src, got] = line.split(' ');
      const W = +w, I = +i, S = s === 's', Qm = +q, Om = +o, N = +n;
      let v: bigint, fs: number;
      if (kind === 'fx') {
        v = BigInt(src);
        fs = 70;
      } else {
        const p = doubleParts(parseHexFloat(src));
        v = p.m;
        fs = -p.e;
      }
      const want = storeRaw(v, fs, W, I, S, Qm, Om, N);
      if (BigInt(got) !== want) fails.push(`${line}  want ${want}`);
      seen.add(`${W},${I},${s},${q},${o},${n}`);
      // coverage: the inputs must actually exercise overflow and rounding
      const wrapped = storeRaw(v, fs, W, I, S, 5, 3, 0), unrounded = storeRaw(v, fs, W + 200, I + 200, true, 5, 3, 0);
      if (Om === 0 && wrapped !== want) overflowed++;
      if (Qm === 0 && (unrounded & ((1n << BigInt(W)) - 1n)) !== storeRaw(v, fs, W, I, S, 0, 3, 0)) rounded++;
    }
    // Signed shapes × 7 Q modes × 9 O/N variants, unsigned shapes × 7 × 6.
    assert.equal(seen.size, quick ? 3 * 7 * 9 + 1 * 7 * 6 : 5 * 7 * 9 + 2 * 7 * 6);
    assert.ok(overflowed > 100 && rounded > 100, `weak inputs: ${overflowed} saturating stores, ${rounded} rounded stores`);
    assert.deepEqual(fails.slice(0, 10), [], `${fails.length} mismatches`);
  }
});
