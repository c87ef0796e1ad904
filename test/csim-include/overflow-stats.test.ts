// Overflow statistics of our ap_fixed (-DEDGEMOE_OVERFLOW_STATS): counts per destination type on a known sequence
// of stores (cpp/overflow_stats.cpp), and no effect on values or counts without the macro.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { CPP, compile, run } from './build.ts';

describe('csim-include overflow statistics', function () {
  this.timeout(120_000);
  const dir = scratch('edgemoe-apovf-');
  let on: Promise<void>, off: Promise<void>;
  before(() => {
    // g++ -std=c++14 -O2 [-DEDGEMOE_OVERFLOW_STATS] -I templates/csim-include test/csim-include/cpp/overflow_stats.cpp
    on = compile(join(CPP, 'overflow_stats.cpp'), join(dir, 'on'), ['-std=c++14', '-O2', '-DEDGEMOE_OVERFLOW_STATS']);
    off = compile(join(CPP, 'overflow_stats.cpp'), join(dir, 'off'), ['-std=c++14', '-O2']);
    on.catch(() => undefined);
    off.catch(() => undefined);
  });
  const values = (out: string) => out.split('\n').filter((l) => /^(x|x2|y|u|acc|k) /.test(l));

  it('counts wrapping and saturating stores per destination type (W, I, signedness, Q, O, N)', async () => {
    await on;
    const r = await run(join(dir, 'on'));
    assert.equal(r.code, 0, r.stderr);
    const report = r.stdout.split('\n').filter((l) => l.startsWith('overflow '));
    assert.deepEqual(report, [
      'overflow ap_ufixed<6,2,AP_TRN,AP_WRAP,0> count=1 stores=1',     // u = -0.25
      'overflow ap_fixed<8,4,AP_RND,AP_SAT,0> count=3 stores=4',       // 100.0, -100, 7.96875 (rounds to 8)
      'overflow ap_fixed<8,4,AP_TRN,AP_WRAP,0> count=4 stores=7',      // 8.0, -9.0, fx<16,8>(100), 7 += 1
      'overflow ap_fixed<16,6,AP_TRN,AP_WRAP,0> count=2 stores=102',   // 100 x (acc += 1) wraps twice
      'overflow total=10',
    ]);
    for (const [name, n] of [['x', 4], ['y', 3], ['acc', 2], ['int4', 0]] as const)
      assert.ok(r.stdout.includes(`\ncount ${name} ${n}\n`), `count ${name}`);
    assert.ok(r.stdout.includes('\ntotal 10\n') && r.stdout.includes('\nafter reset 0\n'));
  });

  it('does not change values, and counts nothing, when the macro is off', async () => {
    await Promise.all([on, off]);
    const [a, b] = await Promise.all([run(join(dir, 'on')), run(join(dir, 'off'))]);
    assert.deepEqual(values(b.stdout), values(a.stdout));
    assert.deepEqual(values(b.stdout), ['x 7.5', 'x -8', 'x 7', 'x 4', 'x -8', 'x2 0', 'y 7.9375', 'u 3.75', 'acc -28', 'k -8']);
    assert.ok(b.stdout.includes('overflow statistics disabled'));
    assert.ok(b.stdout.includes('\ntotal 0\n'));
  });
});
