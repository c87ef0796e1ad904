import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { OVERFLOW_MODES, QUANT_MODES, type FixedType } from '../generator/config/schema.ts';
import { cppType, frac, quantize, quantizeToNumber, range, rawRange, roundTrip, toDouble } from '../generator/fixed.ts';
import { FIXTURES, scratch } from './helpers/paths.ts';

type Q = FixedType['q'];
type O = FixedType['o'];

const fx = (W: number, I: number, q: Q = 'AP_TRN', o: O = 'AP_WRAP', n = 0, signed = true): FixedType => ({ signed, W, I, q, o, n });
const ufx = (W: number, I: number, q: Q = 'AP_TRN', o: O = 'AP_WRAP', n = 0): FixedType => fx(W, I, q, o, n, false);

/** The W-bit pattern of a raw value, as the probes print it. */
const bits = (raw: bigint, t: FixedType) => BigInt.asUintN(t.W, raw);

/** Both paths must agree; returns the BigInt result. */
function q(value: number, t: FixedType): bigint {
  const big = quantize(value, t);
  const { min, max } = rawRange(t);
  assert.ok(big >= min && big <= max, `raw ${big} in range for ${cppType(t)}`);
  if (t.W <= 32) assert.equal(quantizeToNumber(value, t), Number(big), `fast path ${cppType(t)} ← ${value}`);
  return big;
}

// ---- the double → fixed lines of the conformance probe output (see conformance/apfixed/README.md) ----
interface ProbeLine {
  id: string;
  type: FixedType;
  value: number;
  raw: bigint;
}

const Q_ALIAS: Record<string, Q> = { TRN: 'AP_TRN', TRN_ZERO: 'AP_TRN_ZERO', RND: 'AP_RND', RND_ZERO: 'AP_RND_ZERO', RND_MIN_INF: 'AP_RND_MIN_INF', RND_INF: 'AP_RND_INF', RND_CONV: 'AP_RND_CONV' };
const O_ALIAS: Record<string, O> = { WRAP: 'AP_WRAP', SAT: 'AP_SAT', SAT_ZERO: 'AP_SAT_ZERO', SAT_SYM: 'AP_SAT_SYM', WRAP_SM: 'AP_WRAP_SM' };

/** `ap_fixed<6,3,TRN>` / `ap_ufixed<4,4,AP_TRN,WRAP,1>` / `ap_ufixed<4,2> (TRN,WRAP)` → FixedType. */
function parseType(text: string): FixedType {
  const m = /^(ap_u?fixed)<([^>]*)>/.exec(text);
  assert.ok(m, text);
  const [W, I, ...rest] = m[2]!.split(',').map((s) => s.trim());
  const t = fx(Number(W), Number(I), 'AP_TRN', 'AP_WRAP', 0, m[1] === 'ap_fixed');
  for (const p of rest) {
    const k = p.replace(/^AP_/, '');
    if (Q_ALIAS[k]) t.q = Q_ALIAS[k]!;
    else if (O_ALIAS[k]) t.o = O_ALIAS[k]!;
    else if (/^\d+$/.test(p)) t.n = Number(p);
    else assert.fail(`unknown type parameter ${p} in ${text}`);
  }
  return t;
}

/** A source literal of the probe: a double, a float (`0.1f`) or `sqrt(0.5)`. */
function parseValue(text: string): number {
  if (text === 'sqrt(0.5)') return Math.sqrt(0.5);
  if (text.endsWith('f')) return Math.fround(Number(text.slice(0, -1)));
  const v = Number(text);
  assert.ok(Number.isFinite(v), text);
  return v;
}

function probeLines(): ProbeLine[] {
  const text = readFileSync(join(FIXTURES, 'conformance', 'apfixed', 'expected_xilinx.txt'), 'utf8');
  const out: ProbeLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*?)\s+=> (.*)$/.exec(line);
    if (!m) continue;
    const [, id, what, result] = m as unknown as [string, string, string, string];
    const raws = [...result.matchAll(/raw=0x([0-9a-f]+)/g)].map((r) => BigInt(`0x${r[1]}`));
    // Q.*: "(double | fx<10,4>)", the double result first. O.* / U.*: "(int | double)", the double result second.
    // R01–R12 and D*: a double (or float) literal stored into the type.
    let source: string | undefined;
    let raw: bigint | undefined;
    if (/^Q\./.test(id)) [source, raw] = [/= (\S+) \(double/.exec(what)![1], raws[0]];
    else if (/^[OU]\./.test(id)) [source, raw] = [/= (\S+) \(int \| double\)/.exec(what)![1], raws[1]];
    else if (/^R(0\d|1[0-2])$/.test(id) || /^D\d+$/.test(id)) {
      source = /=\s*(\S+)/.exec(what.replace(/\(TRN,WRAP\)\s*/, ''))![1];
      raw = raws[0];
    } else continue;
    const typeText = what.replace(/\s*\(TRN,WRAP\)/, '').replace(/ \(exact min\)/, '');
    const type = parseType(typeText);
    out.push({ id, type, value: parseValue(source!), raw: raw! });
  }
  return out;
}

describe('fixed', () => {
  describe('matches the vendor headers on every double → fixed probe line', () => {
    const lines = probeLines();
    it('found the expected probe lines', () => {
      const groups = new Map<string, number>();
      for (const l of lines) groups.set(l.id.replace(/[.\d].*$/, ''), (groups.get(l.id.replace(/[.\d].*$/, '')) ?? 0) + 1);
      // 70 quantization, 90 signed overflow, 25 unsigned overflow, 12 rounding×overflow, 22 double stores.
      assert.deepEqual(Object.fromEntries(groups), { Q: 70, O: 90, U: 25, R: 12, D: 22 });
    });
    for (const l of lines) {
      it(`${l.id}: ${cppType(l.type)} = ${l.value}`, () => {
        assert.equal(bits(q(l.value, l.type), l.type).toString(16), l.raw.toString(16));
      });
    }
  });

  describe('ap-fixed.md worked examples', () => {
    it('quantization into ap_fixed<6,3,Q>', () => {
      const want: Record<Q, [number, number, number, number]> = {
        // -1.0625, +1.1875, -1.09375, -0.0625 → raw (3 fraction bits)
        AP_TRN: [-9, 9, -9, -1],
        AP_TRN_ZERO: [-8, 9, -8, 0],
        AP_RND: [-8, 10, -9, 0],
        AP_RND_ZERO: [-8, 9, -9, 0],
        AP_RND_MIN_INF: [-9, 9, -9, -1],
        AP_RND_INF: [-9, 10, -9, -1],
        AP_RND_CONV: [-8, 10, -9, 0],
      };
      for (const mode of QUANT_MODES) {
        const got = [-1.0625, 1.1875, -1.09375, -0.0625].map((v) => Number(q(v, fx(6, 3, mode))));
        assert.deepEqual(got, want[mode], mode);
      }
    });
    it('overflow into ap_fixed<4,4,AP_TRN,O,N> of ±19 and the N examples', () => {
      const cases: Array<[O, number, number, number]> = [
        ['AP_WRAP', 0, 3, -3],
        ['AP_SAT', 0, 7, -8],
        ['AP_SAT_ZERO', 0, 0, 0],
        ['AP_SAT_SYM', 0, 7, -7],
        ['AP_WRAP_SM', 0, -4, 2],
        ['AP_WRAP', 1, 3, -3],
        ['AP_WRAP', 2, 7, -7],
      ];
      for (const [o, n, pos, neg] of cases) assert.deepEqual([Number(q(19, fx(4, 4, 'AP_TRN', o, n))), Number(q(-19, fx(4, 4, 'AP_TRN', o, n)))], [pos, neg], `${o} ${n}`);
      assert.equal(q(-8, fx(4, 4, 'AP_TRN', 'AP_SAT_SYM')), -7n); // exact min → −max
      assert.equal(q(8, fx(4, 4, 'AP_TRN', 'AP_WRAP', 1)), 0n);
      assert.equal(q(31, fx(4, 4, 'AP_TRN', 'AP_WRAP', 1)), 7n);
      assert.equal(q(-9, fx(4, 4, 'AP_TRN', 'AP_WRAP', 2)), -5n);
      assert.equal(q(19, ufx(4, 4, 'AP_TRN', 'AP_WRAP', 1)), 11n);
    });
    it('rounding then overflow, and fixed→fixed stores of exactly representable sources', () => {
      assert.equal(toDouble(q(1.875, fx(4, 2, 'AP_RND', 'AP_SAT')), fx(4, 2)), 1.75);
      assert.equal(toDouble(q(1.875, fx(4, 2, 'AP_RND', 'AP_WRAP')), fx(4, 2)), -2);
      assert.equal(toDouble(q(-2.125, fx(4, 2, 'AP_RND_MIN_INF', 'AP_WRAP')), fx(4, 2)), 1.75);
      // R22: fx<10,4>(-4.0625) → fx<6,3,RND,SAT_SYM> = -3.875 (0x21); R13: fx<16,8>(127.99609375) → fx<8,4,RND,SAT> = 0x7f.
      assert.equal(bits(q(-4.0625, fx(6, 3, 'AP_RND', 'AP_SAT_SYM')), fx(6, 3)), 0x21n);
      assert.equal(bits(q(127.99609375, fx(8, 4, 'AP_RND', 'AP_SAT')), fx(8, 4)), 0x7fn);
      assert.equal(bits(q(8.5, fx(8, 4)), fx(8, 4)), 0x88n); // R20 sign-bit wrap
      assert.equal(q(-0.0625, ufx(8, 4, 'AP_TRN', 'AP_SAT')), 0n); // R21
    });
    it('edges: NaN, ±Inf, −0.0, tiny negatives, subnormals', () => {
      const t = fx(8, 4);
      assert.equal(q(NaN, t), 0n); // WRAP → 0
      assert.equal(q(NaN, fx(8, 4, 'AP_TRN', 'AP_SAT')), 127n); // SAT → max
      assert.equal(q(Infinity, t), 0n);
      assert.equal(q(-Infinity, t), 0n);
      assert.equal(q(Infinity, fx(8, 4, 'AP_TRN', 'AP_SAT')), 127n);
      assert.equal(q(-Infinity, fx(8, 4, 'AP_TRN', 'AP_SAT')), -128n);
      assert.equal(q(-Infinity, fx(8, 4, 'AP_TRN', 'AP_SAT_SYM')), -127n);
      assert.equal(q(Infinity, ufx(8, 4, 'AP_TRN', 'AP_SAT')), 255n);
      assert.equal(q(-0, t), 0n);
      assert.equal(q(-0, fx(8, 4, 'AP_TRN', 'AP_SAT')), 0n);
      assert.equal(q(-1e-30, t), -1n); // floor
      assert.equal(q(-5e-324, t), -1n); // subnormal, still below zero
      assert.equal(q(-5e-324, fx(8, 4, 'AP_RND')), 0n);
      assert.equal(q(5e-324, fx(8, 4, 'AP_RND_INF')), 0n);
      assert.equal(q(-5e-324, fx(8, 4, 'AP_TRN_ZERO')), 0n);
      // An exponent beyond the target's fraction grid: a huge double wraps to 0 with WRAP.
      assert.equal(q(2 ** 100, t), 0n);
      assert.equal(q(-(2 ** 100), fx(8, 4, 'AP_TRN', 'AP_SAT')), -128n);
    });
  });

  describe('fast path = BigInt path', () => {
    /** Deterministic xorshift64 doubles: 53-bit mantissas, some short (ties), exponents around the grid. */
    function* randomDoubles(count: number, seed = 0x9e3779b97f4a7c15n): Generator<number> {
      let s = seed;
      const next = () => {
        s ^= (s << 13n) & 0xffffffffffffffffn;
        s ^= s >> 7n;
        s ^= (s << 17n) & 0xffffffffffffffffn;
        return s;
      };
      for (let i = 0; i < count; i++) {
        let m = Number(next() >> 11n);
        if (i % 5 === 0) m = Math.floor(m / 2 ** 30) * 2 ** 30;
        if (next() & 1n) m = -m;
        const e = Number(next() % 60n) - 40;
        yield m * 2 ** (e - 52);
      }
    }
    const shapes: Array<[number, number, boolean]> = [
      [6, 3, true], [4, 4, true], [4, 4, false], [5, 0, false], [4, -1, true], [4, 7, true], [12, 6, false],
      [16, 2, true], [16, 7, true], [32, 10, true], [32, 10, false], [31, 3, true], [8, 0, false], [1, 1, true], [1, 0, false],
    ];
    const overflows: Array<[O, number]> = [['AP_WRAP', 0], ['AP_WRAP', 1], ['AP_WRAP', 2], ['AP_SAT', 0], ['AP_SAT_ZERO', 0], ['AP_SAT_SYM', 0], ['AP_WRAP_SM', 0], ['AP_WRAP_SM', 1], ['AP_WRAP_SM', 2]];
    it('agrees on random doubles for every shape × Q × O/N (W ≤ 32)', () => {
      const values = [...randomDoubles(300), 0, -0, 0.5, -0.5, 1e300, -1e300, 2 ** 60 + 2 ** 8, -(2 ** 53) - 2];
      let checks = 0;
      for (const [W, I, signed] of shapes) {
        for (const qm of QUANT_MODES) {
          for (const [o, n] of overflows) {
            if (n > W || (!signed && o === 'AP_WRAP_SM')) continue;
            const t = fx(W, I, qm, o, n, signed);
            for (const v of values) {
              assert.equal(quantizeToNumber(v, t), Number(quantize(v, t)), `${cppType(t)} ← ${v}`);
              checks++;
            }
          }
        }
      }
      assert.ok(checks > 200_000, `${checks} checks`);
    });
  });

  describe('agrees with the C++ reference model of conformance/apfixed/apfx_model_check.cpp', () => {
    // That model passed 5,076,736 checks against the vendor headers. Its model() function is compiled here with g++
    // (no ap_fixed headers needed) and fed doubles m·2^(e−52) for wide and narrow shapes, every Q and O/N.
    it('on random doubles for W up to 64 (g++)', async function () {
      this.timeout(60_000);
      const src = readFileSync(join(FIXTURES, 'conformance', 'apfixed', 'apfx_model_check.cpp'), 'utf8');
      const start = src.indexOf('typedef __int128 i128;');
      const end = src.indexOf('template <int W, int I, bool S> struct Pick;');
      assert.ok(start > 0 && end > start, 'model() found in the conformance source');
      const driver = [
        '#include <cstdio>',
        `enum { ${QUANT_MODES.join(', ')} };`,
        `enum { ${OVERFLOW_MODES.join(', ')} };`,
        src.slice(start, end),
        'int main() {',
        '  long long m; int e, W, I, S, Q, O, N;',
        '  while (std::scanf("%lld %d %d %d %d %d %d %d", &m, &e, &W, &I, &S, &Q, &O, &N) == 8)',
        '    std::printf("%llx\\n", model((i128)m, 52 - e, W, I, S != 0, Q, O, N));',
        '  return 0;',
        '}',
      ].join('\n');
      const dir = scratch();
      writeFileSync(join(dir, 'model.cpp'), driver);
      await execa('g++', ['-std=c++14', '-O1', '-w', '-o', join(dir, 'model'), join(dir, 'model.cpp')]);
      const shapes: Array<[number, number, boolean]> = [
        [64, 32, true], [64, 64, true], [64, 0, false], [53, 1, true], [48, 10, true], [40, -3, true], [33, 20, false],
        [32, 10, true], [16, 2, true], [8, 0, false], [6, 3, true], [4, 7, true], [3, 2, true],
      ];
      const overflows: Array<[O, number]> = [['AP_WRAP', 0], ['AP_WRAP', 1], ['AP_WRAP', 3], ['AP_SAT', 0], ['AP_SAT_ZERO', 0], ['AP_SAT_SYM', 0], ['AP_WRAP_SM', 0], ['AP_WRAP_SM', 1], ['AP_WRAP_SM', 3]];
      let seed = 12345;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
      const inputs: Array<[number, number]> = [];
      for (let i = 0; i < 120; i++) {
        let m = rnd() * 2 ** 22 + (rnd() % 2 ** 22); // up to 53 bits
        if (i % 4 === 0) m = Math.floor(m / 2 ** 20) * 2 ** 20; // short mantissas: exact ties
        if (rnd() % 2) m = -m;
        inputs.push([m, (rnd() % 60) - 40]);
      }
      const lines: string[] = [];
      const types: FixedType[] = [];
      const values: number[] = [];
      for (const [W, I, signed] of shapes) {
        for (const qm of QUANT_MODES) {
          for (const [o, n] of overflows) {
            if (n > W || (!signed && o === 'AP_WRAP_SM')) continue;
            const t = fx(W, I, qm, o, n, signed);
            for (const [m, e] of inputs) {
              lines.push(`${m} ${e} ${W} ${I} ${signed ? 1 : 0} ${QUANT_MODES.indexOf(qm)} ${OVERFLOW_MODES.indexOf(o)} ${n}`);
              types.push(t);
              values.push(m * 2 ** (e - 52));
            }
          }
        }
      }
      const r = await execa(join(dir, 'model'), [], { input: `${lines.join('\n')}\n` });
      const want = r.stdout.trim().split('\n');
      assert.equal(want.length, lines.length);
      let fails = 0;
      for (let i = 0; i < lines.length; i++) {
        const got = bits(q(values[i]!, types[i]!), types[i]!).toString(16);
        if (got !== want[i] && fails++ < 5) assert.fail(`${cppType(types[i]!)} ← ${values[i]}: C++ model 0x${want[i]}, ours 0x${got}`);
      }
      assert.ok(lines.length > 80_000, `${lines.length} checks`);
    });
  });

  describe('helpers', () => {
    it('cppType: defaults shortened, otherwise all five parameters', () => {
      assert.equal(cppType(fx(32, 10)), 'ap_fixed<32,10>');
      assert.equal(cppType(ufx(8, 0)), 'ap_ufixed<8,0>');
      assert.equal(cppType(fx(32, 10, 'AP_RND', 'AP_SAT')), 'ap_fixed<32,10,AP_RND,AP_SAT,0>');
      assert.equal(cppType(fx(8, 4, 'AP_TRN', 'AP_WRAP', 2)), 'ap_fixed<8,4,AP_TRN,AP_WRAP,2>');
    });
    it('frac, range, toDouble, roundTrip', () => {
      assert.equal(frac(fx(32, 10)), 22);
      assert.equal(frac(fx(4, 6)), -2);
      assert.deepEqual(range(fx(32, 10)), { min: -512, max: 512 - 2 ** -22 });
      assert.deepEqual(range(ufx(8, 0)), { min: 0, max: 255 / 256 });
      assert.deepEqual(range(fx(4, 6)), { min: -32, max: 28 });
      assert.equal(toDouble(-0x67n, fx(16, 6)), -0.1005859375);
      assert.equal(toDouble(0xb - 16, fx(4, 6)), -20);
      assert.equal(roundTrip(-0.1, fx(16, 6)), -0.1005859375);
      assert.equal(roundTrip(-0.1, fx(16, 6, 'AP_RND')), -0.099609375);
      assert.equal(roundTrip(-123456.789, fx(64, 32)), -123456.78900000011);
      // Every raw value of a small type round-trips through its double exactly.
      for (const t of [fx(8, 3), ufx(8, 0), fx(5, -2), fx(6, 9)]) {
        const { min, max } = rawRange(t);
        for (let r = min; r <= max; r++) assert.equal(q(toDouble(r, t), t), r, `${cppType(t)} raw ${r}`);
      }
    });
    it('has a case for every schema mode', () => {
      for (const o of OVERFLOW_MODES) assert.equal(typeof quantizeToNumber(100, fx(8, 4, 'AP_TRN', o)), 'number');
    });
  });
});
