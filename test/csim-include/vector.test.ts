// hls::vector (element-wise ops stored back into the element type, reductions) with our csim headers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { CPP, compile, run } from './build.ts';

describe('csim-include hls::vector', function () {
  this.timeout(120_000);
  it('applies element-wise ops with the element type\'s wrap-around, and reduces left to right', async () => {
    const dir = scratch('edgemoe-apvec-');
    // g++ -std=c++14 -O2 -I templates/csim-include test/csim-include/cpp/vector_check.cpp
    await compile(join(CPP, 'vector_check.cpp'), join(dir, 'vec'), ['-std=c++14', '-O2']);
    const r = await run(join(dir, 'vec'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'c0 2.5 d0 3',
      'c1 -1.25 d1 -4.5',
      'c2 -7.5 d2 -1',      // 7.5 + 1 = 8.5 and 7.5 * 2 = 15 wrap in ap_fixed<8,4> (range [-8, 8))
      'c3 1.0625 d3 0.125',
      'sum 6.8125 max 7.5 min -2.25',
      'int 3 6 9 eq 1 size 3',
    ]);
  });
});
