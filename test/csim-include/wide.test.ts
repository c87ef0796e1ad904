// Wide (> 64-bit) arithmetic of our ap_int / ap_fixed: every result of cpp/wide_arith.cpp (60 pseudo-random cases,
// including minima, all-ones and small values) is recomputed exactly with BigInt from the printed operands, and its
// result type is checked against the type rules of shared/spec/ap-fixed.md section 3.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch } from '../helpers/paths.ts';
import { parseHexFloat, roundToNumber, wrap } from './bigref.ts';
import { CPP, compile, run } from './build.ts';
import { longIt } from '../helpers/long.ts';

interface Val { w: number; i: number; s: boolean; v: bigint }
type Case = { vals: Map<string, Val>; nums: Map<string, string> };

function parseCases(text: string): Case[] {
  const cases: Case[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p[0] === 'case') cases.push({ vals: new Map(), nums: new Map() });
    else if (cases.length === 0) continue;  // header lines (string checks)
    else if (p.length === 5) cases[cases.length - 1].vals.set(p[0], { w: +p[1], i: +p[2], s: p[3] === 's', v: BigInt(p[4]) });
    else if (p.length === 2) cases[cases.length - 1].nums.set(p[0], p[1]);
  }
  return cases;
}

/** Result width of an ap_int binary op (I = W), spec section 3. */
function intWidth(op: 'plus' | 'mult' | 'div' | 'logic', a: Val, b: Val): number {
  const w1 = a.w + (b.s && !a.s ? 1 : 0), w2 = b.w + (a.s && !b.s ? 1 : 0), wm = Math.max(w1, w2);
  return { plus: wm + 1, mult: a.w + b.w, div: a.w + (b.s ? 1 : 0), logic: wm }[op];
}

describe('csim-include wide arithmetic (BigInt cross-check)', function () {
  this.timeout(300_000);
  let cases: Case[] = [];
  let head: string[] = [];
  before(async () => {
    const dir = scratch('edgemoe-apwide-');
    const exe = join(dir, 'wide_arith');
    // g++ -std=c++14 -O2 -I templates/csim-include test/csim-include/cpp/wide_arith.cpp
    await compile(join(CPP, 'wide_arith.cpp'), exe, ['-std=c++14', '-O2']);
    const r = await run(exe);
    assert.equal(r.code, 0, r.stderr);
    cases = parseCases(r.stdout);
    head = r.stdout.split('\n').filter((l) => l.startsWith('str'));
    assert.equal(cases.length, 60);
  });

  it('parses and prints strings (decimal, 0x, 0b, negative; to_string radix 2/10/16)', () => {
    assert.deepEqual(head.slice(0, 6), [
      'str1 123456789012345678901234567890',
      `str2 ${0x1234}`,
      'str3 -12',
      'str4 0x2d',
      'str5 -0xdeadbeefcafebabe0123456789',
      `str6 0b${'1'.repeat(70)}`,
    ]);
  });

  // A sanitizer build of the same program the tests above check for values: long (its compile is ~30 s).
  longIt('runs clean under UBSan + ASan (no signed overflow, bad shift or out-of-bounds limb access)', async () => {
    const dir = scratch('edgemoe-apsan-');
    const exe = join(dir, 'wide_arith_san');
    // g++ -std=c++14 -O1 -fsanitize=undefined,address -fno-sanitize-recover=all -I templates/csim-include wide_arith.cpp
    await compile(join(CPP, 'wide_arith.cpp'), exe, ['-std=c++14', '-O1', '-fsanitize=undefined,address', '-fno-sanitize-recover=all']);
    const r = await run(exe);
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    assert.equal(r.stderr, '');
    assert.equal(parseCases(r.stdout).length, 60);
  });

  function expectVal(c: Case, key: string, w: number, i: number, s: boolean, v: bigint) {
    const got = c.vals.get(key);
    assert.ok(got, `missing ${key}`);
    assert.deepEqual([got.w, got.i, got.s], [w, i, s], `${key}: type`);
    assert.equal(got.v, v, `${key}: value`);
  }

  it('ap_int: + - * / % & | ^ with result widths, mixed signedness, C ints, unary - and ~', () => {
    for (const c of cases) {
      const [a, b, cc, d, e] = ['a', 'b', 'c', 'd', 'e'].map((k) => c.vals.get(k)!);
      const iv = BigInt(c.nums.get('int')!);
      const chk = (key: string, w: number, s: boolean, v: bigint) => expectVal(c, key, w, w, s, v);
      chk('add_ab', intWidth('plus', a, b), true, a.v + b.v);
      chk('sub_ab', intWidth('plus', a, b), true, a.v - b.v);
      chk('mul_ab', intWidth('mult', a, b), true, a.v * b.v);
      chk('div_ab', intWidth('div', a, b), true, a.v / b.v);
      chk('mod_ab', a.w, true, a.v % b.v);
      chk('and_ab', intWidth('logic', a, b), true, a.v & b.v);
      chk('or_ab', intWidth('logic', a, b), true, a.v | b.v);
      chk('xor_ab', intWidth('logic', a, b), true, a.v ^ b.v);
      chk('add_ca', intWidth('plus', cc, a), true, cc.v + a.v);
      chk('sub_ca', intWidth('plus', cc, a), true, cc.v - a.v);
      chk('mul_ca', intWidth('mult', cc, a), true, cc.v * a.v);
      chk('div_ad', intWidth('div', a, d), true, a.v / d.v);
      chk('div_cb', intWidth('div', cc, b), true, cc.v / b.v);
      chk('mul_de', intWidth('mult', d, e), true, d.v * e.v);
      chk('add_de', intWidth('plus', d, e), true, d.v + e.v);
      chk('mul_dd', 128, false, d.v * d.v);
      chk('mul_ee', 140, true, e.v * e.v);
      chk('neg_a', 201, true, -a.v);
      chk('neg_c', 301, true, -cc.v);
      chk('not_a', 200, true, ~a.v);
      chk('not_c', 300, false, wrap(~cc.v, 300, false));
      chk('add_a_int', intWidth('plus', a, { w: 32, i: 32, s: true, v: 0n }), true, a.v + iv);
    }
  });

  it('ap_int: shifts keep the width (arithmetic / logical right shift), casts wrap, op= stores back', () => {
    for (const c of cases) {
      const [a, b, cc, e] = ['a', 'b', 'c', 'e'].map((k) => c.vals.get(k)!);
      const sh = BigInt(c.nums.get('shift')!);
      const chk = (key: string, w: number, s: boolean, v: bigint) => expectVal(c, key, w, w, s, v);
      chk('shl_a', 200, true, wrap(a.v << sh, 200, true));
      chk('shr_a', 200, true, a.v >> sh);
      chk('shr_c', 300, false, cc.v >> sh);
      chk('shl_c', 300, false, wrap(cc.v << sh, 300, false));
      chk('cast70_a', 70, true, wrap(a.v, 70, true));
      chk('cast250u_b', 250, false, wrap(b.v, 250, false));
      const t = wrap(a.v + b.v, 200, true);
      chk('addeq_ab', 200, true, t);
      chk('muleq_ae', 200, true, wrap(t * e.v, 200, true));
    }
  });

  it('ap_int: comparisons (value, or unsigned at the wider width when the unsigned side is at least as wide)', () => {
    for (const c of cases) {
      const [a, b, cc, d, e] = ['a', 'b', 'c', 'd', 'e'].map((k) => c.vals.get(k)!);
      const n = (k: string) => c.nums.get(k);
      assert.equal(n('cmp_lt_ab'), a.v < b.v ? '1' : '0');
      assert.equal(n('cmp_eq_aa'), '1');
      assert.equal(n('cmp_lt_ac'), wrap(a.v, 300, false) < cc.v ? '1' : '0');  // unsigned side (300) >= signed (200)
      assert.equal(n('cmp_gt_ca'), cc.v > wrap(a.v, 300, false) ? '1' : '0');
      assert.equal(n('cmp_lt_ed'), e.v < d.v ? '1' : '0');  // signed side (70) wider than unsigned (64): by value
    }
  });

  it('to_double / to_float round to nearest even from the exact value', () => {
    for (const c of cases) {
      const [a, b, cc] = ['a', 'b', 'c'].map((k) => c.vals.get(k)!);
      assert.equal(parseHexFloat(c.nums.get('dbl_a')!), roundToNumber(a.v, 53, 0));
      assert.equal(parseHexFloat(c.nums.get('dbl_c')!), roundToNumber(cc.v, 53, 0));
      const fb = roundToNumber(b.v, 24, 0);  // beyond float's range the conversion gives +-inf
      assert.equal(parseHexFloat(c.nums.get('flt_b')!), Math.abs(fb) >= 2 ** 128 ? Math.sign(fb) * Infinity : fb);
    }
  });

  it('ap_fixed: + - * / & unary -, op= and compares on wide types; to_double / to_int64', () => {
    for (const c of cases) {
      const [f, g, h] = ['f', 'g', 'h'].map((k) => c.vals.get(k)!);  // F = 60, 70, 60
      expectVal(c, 'fadd_fg', 111, 41, true, (f.v << 10n) + g.v);
      expectVal(c, 'fsub_fg', 111, 41, true, (f.v << 10n) - g.v);
      expectVal(c, 'fmul_fg', 190, 60, true, f.v * g.v);
      expectVal(c, 'fdiv_fg', 171, 111, true, (f.v << 70n) / g.v);
      expectVal(c, 'fadd_fh', 101, 41, true, f.v + h.v);
      expectVal(c, 'fmul_gh', 160, 30, true, g.v * h.v);
      expectVal(c, 'fand_fh', 100, 40, true, f.v & h.v);
      expectVal(c, 'fneg_h', 71, 11, true, -h.v);
      expectVal(c, 'faddeq_fg', 100, 40, true, wrap(((f.v << 10n) + g.v) >> 10n, 100, true));
      assert.equal(c.nums.get('fcmp_lt_fg'), f.v << 10n < g.v ? '1' : '0');
      assert.equal(c.nums.get('fcmp_lt_fh'), f.v < h.v ? '1' : '0');
      assert.equal(parseHexFloat(c.nums.get('fdbl_f')!), roundToNumber(f.v, 53, -60));
      assert.equal(BigInt(c.nums.get('fint_f')!), BigInt.asIntN(64, f.v / (1n << 60n)));
      // 1024 bits: q, r = ap_uint<512>; big = ap_int<1024>(-(q*r)); c = ap_uint<300>
      const [q, r, cc] = ['q', 'r', 'c'].map((k) => c.vals.get(k)!);
      const big = wrap(-(q.v * r.v), 1024, true);
      expectVal(c, 'mul_qr', 1024, 1024, false, q.v * r.v);
      expectVal(c, 'big', 1024, 1024, true, big);
      if (cc.v !== 0n) {
        expectVal(c, 'div_bigc', 1024, 1024, true, big / cc.v);
        expectVal(c, 'mod_bigc', 1024, 1024, true, big % cc.v);
      }
      // 64-bit operands with 65..126-bit aligned results: j = fx<64,2> (F 62), m = ufx<60,50> (F 10), p = ap_int<64>
      const [j, m, p, d] = ['j', 'm', 'p', 'd'].map((k) => c.vals.get(k)!);
      const iv = BigInt(c.nums.get('int')!);
      expectVal(c, 'jadd_int', 95, 33, true, j.v + (iv << 62n));
      expectVal(c, 'jsub_m', 114, 52, true, j.v - (m.v << 52n));
      expectVal(c, 'jand_m', 113, 51, true, j.v & (m.v << 52n));
      expectVal(c, 'intsub_j', 95, 33, true, (iv << 62n) - j.v);
      expectVal(c, 'padd_d', 66, 66, true, p.v + d.v);
      expectVal(c, 'dsub_p', 66, 66, true, d.v - p.v);
      expectVal(c, 'pxor_d', 65, 65, true, p.v ^ d.v);
      assert.equal(c.nums.get('jcmp_lt_int'), j.v < iv << 62n ? '1' : '0');      // both signed: by value
      assert.equal(c.nums.get('jcmp_eq_int'), j.v === iv << 62n ? '1' : '0');
      // j (signed, aligned 64) vs m (unsigned, aligned 112): unsigned compare at 112 bits
      assert.equal(c.nums.get('jcmp_lt_m'), wrap(j.v, 112, false) < m.v << 52n ? '1' : '0');
      assert.equal(c.nums.get('mcmp_gt_j'), m.v << 52n > wrap(j.v, 112, false) ? '1' : '0');
      assert.equal(c.nums.get('pcmp_lt_d'), wrap(p.v, 64, false) < d.v ? '1' : '0');  // 64 vs 64: unsigned
    }
  });
});
