// Prints quantization throughput (values/s): the W ≤ 32 fast path against the BigInt path, on 2 M pseudo-random weights.
import type { FixedType } from '../generator/config/schema.ts';
import { cppType, quantize, quantizeToNumber } from '../generator/fixed.ts';

const COUNT = 2_000_000;
let s = 0x2545f491;
const values = Float64Array.from({ length: COUNT }, () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return ((s >>> 0) / 2 ** 32 - 0.5) * 2.5; // some values outside ±2 so overflow handling runs too
});

const types: FixedType[] = [
  { signed: true, W: 16, I: 2, q: 'AP_TRN', o: 'AP_WRAP', n: 0 },
  { signed: true, W: 16, I: 2, q: 'AP_RND_CONV', o: 'AP_SAT', n: 0 },
  { signed: true, W: 32, I: 10, q: 'AP_TRN', o: 'AP_WRAP', n: 0 },
  { signed: false, W: 8, I: 0, q: 'AP_RND', o: 'AP_SAT', n: 0 },
];

const out = new Int32Array(COUNT);
for (const t of types) {
  let t0 = performance.now();
  for (let i = 0; i < COUNT; i++) out[i] = quantizeToNumber(values[i]!, t);
  const fast = performance.now() - t0;
  const n = COUNT / 10;
  t0 = performance.now();
  let check = 0;
  for (let i = 0; i < n; i++) check += Number(quantize(values[i]!, t)) === out[i] ? 0 : 1;
  const slow = (performance.now() - t0) * 10;
  const rate = (ms: number) => `${((COUNT / ms) * 1e3 / 1e6).toFixed(1)} M values/s`;
  console.log(`${cppType(t).padEnd(36)} fast ${rate(fast).padStart(16)}   bigint ${rate(slow).padStart(16)}   mismatches ${check}`);
}
