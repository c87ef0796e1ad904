// Quantizing float arrays into fixed-point raw integers, counting the values that fell outside the type's range.
import type { FixedType } from '../config/schema.ts';
import { frac, quantizeToNumber } from '../fixed.ts';

/** A typed array holding raw values in their 8/16/32-bit container. */
export type RawContainer = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** What quantizing one tensor found. */
export interface QuantizeStats {
  /** Values whose quantized integer lay outside the type's range (so they wrapped or saturated). */
  outOfRange: number;
  /** Largest |value| seen. */
  maxAbs: number;
  /** Index of the first out-of-range value (−1 when none). */
  firstOutOfRange: number;
}

/** Step 1 of ap_fixed assignment: the quantized integer K (before overflow handling) of x = value·2^F. */
function quantizedInteger(x: number, q: FixedType['q']): number {
  const K0 = Math.floor(x);
  const f = x - K0;
  const qb = f >= 0.5;
  const r = f !== 0 && f !== 0.5;
  const s = x < 0;
  let up: boolean;
  switch (q) {
    case 'AP_TRN':
      up = false;
      break;
    case 'AP_TRN_ZERO':
      up = s && f !== 0;
      break;
    case 'AP_RND':
      up = qb;
      break;
    case 'AP_RND_ZERO':
      up = qb && (s || r);
      break;
    case 'AP_RND_MIN_INF':
      up = qb && r;
      break;
    case 'AP_RND_INF':
      up = qb && (!s || r);
      break;
    case 'AP_RND_CONV':
      up = qb && (Math.abs(K0 % 2) === 1 || r);
      break;
  }
  return K0 + (up ? 1 : 0);
}

/**
 * Quantizes `values` into `out` (one raw integer per element, W ≤ 32) exactly as `ap_fixed x = value;` does, and
 * counts out-of-range values. The Edge-MoE case (AP_TRN, AP_WRAP, n = 0) takes a fast path.
 */
export function quantizeInto(values: ArrayLike<number>, t: FixedType, out: RawContainer): QuantizeStats {
  const n = values.length;
  const F = frac(t);
  const scale = 2 ** F;
  const span = 2 ** t.W;
  const min = t.signed ? -(span / 2) : 0;
  const max = min + span - 1;
  let outOfRange = 0;
  let first = -1;
  let maxAbs = 0;
  const fast = t.q === 'AP_TRN' && t.o === 'AP_WRAP' && t.n === 0 && t.W <= 32;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    const x = v * scale;
    // x is exact (a power-of-two scale) unless it is non-finite or underflowed; those go to the exact model.
    const exact = Number.isFinite(x) && !(x === 0 && v !== 0);
    const K = exact ? quantizedInteger(x, t.q) : NaN;
    const over = exact ? K < min || K > max || (t.o === 'AP_SAT_SYM' && t.signed && K === min) : !Number.isFinite(x);
    if (over) {
      outOfRange++;
      if (first < 0) first = i;
    }
    if (fast && exact) out[i] = over ? K - span * Math.floor((K - min) / span) : K;
    else out[i] = quantizeToNumber(v, t);
  }
  return { outOfRange, maxAbs, firstOutOfRange: first };
}

/** A typed-array view of `bytes` bytes at `offset` for elements of `elemBytes` bytes (signed or not). */
export function containerView(buf: ArrayBuffer, offset: number, count: number, elemBytes: number, signed: boolean): RawContainer {
  switch (elemBytes) {
    case 1:
      return signed ? new Int8Array(buf, offset, count) : new Uint8Array(buf, offset, count);
    case 2:
      return signed ? new Int16Array(buf, offset, count) : new Uint16Array(buf, offset, count);
    case 4:
      return signed ? new Int32Array(buf, offset, count) : new Uint32Array(buf, offset, count);
    default:
      throw new Error(`containerView: element size ${elemBytes} is not 1, 2 or 4`);
  }
}
