// A bit-exact model of storing a double into ap_fixed / ap_ufixed (ap-fixed.md §2), for packing weights and inputs.
import type { FixedType } from './config/schema.ts';

/** Fraction bits F = W − I (value = raw · 2^-F; may be negative or exceed W). */
export function frac(t: FixedType): number {
  return t.W - t.I;
}

/** Smallest and largest representable values, e.g. [-512, 512 − 2^-22] for ap_fixed<32,10>. */
export function range(t: FixedType): { min: number; max: number } {
  const F = frac(t);
  if (t.signed) return { min: -(2 ** (t.I - 1)), max: 2 ** (t.I - 1) - 2 ** -F };
  return { min: 0, max: 2 ** t.I - 2 ** -F };
}

/** Raw-integer bounds [min, max] of a W-bit (un)signed type. */
export function rawRange(t: FixedType): { min: bigint; max: bigint } {
  const W = BigInt(t.W);
  return t.signed ? { min: -(1n << (W - 1n)), max: (1n << (W - 1n)) - 1n } : { min: 0n, max: (1n << W) - 1n };
}

/** The C++ type, e.g. `ap_fixed<32,10>` when q/o/n are the defaults, else `ap_fixed<32,10,AP_RND,AP_SAT,0>`. */
export function cppType(t: FixedType): string {
  const base = t.signed ? 'ap_fixed' : 'ap_ufixed';
  if (t.q === 'AP_TRN' && t.o === 'AP_WRAP' && t.n === 0) return `${base}<${t.W},${t.I}>`;
  return `${base}<${t.W},${t.I},${t.q},${t.o},${t.n}>`;
}

/** The value a raw integer stands for: raw · 2^-F (exact for W ≤ 53). */
export function toDouble(raw: bigint | number, t: FixedType): number {
  const F = frac(t);
  // Two steps keep 2^-F finite for any F the schema allows.
  return Number(raw) * 2 ** -Math.trunc(F / 2) * 2 ** -(F - Math.trunc(F / 2));
}

/** A double decoded the way the ap_fixed double constructor reads it: ±m · 2^e with m an integer. */
function decodeDouble(value: number): { v: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const expField = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expField === 0) {
    if (m === 0n) return { v: 0n, e: 0 }; // ±0.0 → 0
    e = -1074; // subnormal: its true value
  } else {
    // Normal numbers; Inf and NaN too: the headers read exponent 1024 with the implicit 1, i.e. ±(1.f)·2^1024.
    m |= 1n << 52n;
    e = expField - 1075;
  }
  return { v: neg ? -m : m, e };
}

/** Step 2 of ap-fixed.md §2: K (quantized, on the target grid) and K0 (before rounding) → the W-bit pattern. */
function overflow(K: bigint, K0: bigint, t: FixedType): bigint {
  const W = BigInt(t.W);
  const { min, max } = rawRange(t);
  const mask = (1n << W) - 1n;
  if (K >= min && K <= max) {
    if (t.o === 'AP_SAT_SYM' && t.signed && K === min) return -max & mask;
    return K & mask;
  }
  let wr = K & mask;
  const sign = K < 0n;
  const bit = (x: bigint, i: bigint) => (x >> i) & 1n;
  const setb = (x: bigint, i: bigint, b: boolean) => (b ? x | (1n << i) : x & ~(1n << i));
  const N = BigInt(t.n);
  switch (t.o) {
    case 'AP_SAT':
      return (K > max ? max : min) & mask;
    case 'AP_SAT_ZERO':
      return 0n;
    case 'AP_SAT_SYM':
      return (K > max ? max : t.signed ? -max : 0n) & mask;
    case 'AP_WRAP':
      if (N === 0n) return wr;
      if (t.signed) {
        wr = setb(wr, W - 1n, sign);
        for (let i = W - N; i <= W - 2n; i++) wr = setb(wr, i, !sign);
      } else {
        for (let i = W - N; i <= W - 1n; i++) wr = setb(wr, i, true);
      }
      return wr;
    case 'AP_WRAP_SM': {
      const Ro = bit(wr, W - 1n) === 1n;
      if (N === 0n) {
        const lD = bit(K0, W) === 1n; // bit W of the pre-rounding value
        if (lD !== Ro) wr = setb(~wr & mask, W - 1n, lD);
      } else if (N === 1n) {
        if (sign !== Ro) wr = ~wr & mask;
        wr = setb(wr, W - 1n, sign);
      } else {
        if ((bit(wr, W - N) === 1n) === sign) wr = ~wr & mask;
        for (let i = W - N; i <= W - 2n; i++) wr = setb(wr, i, !sign);
        wr = setb(wr, W - 1n, sign);
      }
      return wr;
    }
  }
}

/** Step 1 increment for one quantization mode (qb: first dropped bit, r: any lower dropped bit, s: source < 0). */
function roundUp(q: FixedType['q'], qb: boolean, r: boolean, s: boolean, lsbOdd: boolean): boolean {
  switch (q) {
    case 'AP_TRN':
      return false;
    case 'AP_TRN_ZERO':
      return s && (qb || r);
    case 'AP_RND':
      return qb;
    case 'AP_RND_ZERO':
      return qb && (s || r);
    case 'AP_RND_MIN_INF':
      return qb && r;
    case 'AP_RND_INF':
      return qb && (!s || r);
    case 'AP_RND_CONV':
      return qb && (lsbOdd || r);
  }
}

/**
 * The raw W-bit integer `ap_[u]fixed<W,I,Q,O,N> x = value;` stores, as a bigint in the type's raw range
 * (signed types: −2^(W−1)…2^(W−1)−1; unsigned: 0…2^W−1). Any W; NaN and ±Inf behave as the vendor headers do.
 */
export function quantize(value: number, t: FixedType): bigint {
  const F = frac(t);
  const { v, e } = decodeDouble(value);
  const Fs = -e; // value = v · 2^-Fs
  let K: bigint;
  let K0: bigint;
  if (Fs <= F) {
    K = v << BigInt(F - Fs);
    K0 = K;
  } else {
    const d = BigInt(Fs - F);
    K0 = v >> d; // BigInt >> floors
    const rem = v - (K0 << d);
    const half = 1n << (d - 1n);
    const qb = rem >= half;
    const r = (rem & (half - 1n)) !== 0n;
    K = K0 + (roundUp(t.q, qb, r, v < 0n, (K0 & 1n) === 1n) ? 1n : 0n);
  }
  const bits = overflow(K, K0, t);
  return t.signed ? BigInt.asIntN(t.W, bits) : bits;
}

const MIN_NORMAL = 2 ** -1022;

/**
 * quantize() as a plain number, without BigInt for W ≤ 32 (the weight packer's hot path). Falls back to quantize()
 * for NaN/±Inf, subnormal scaled values and W > 32.
 */
export function quantizeToNumber(value: number, t: FixedType): number {
  const W = t.W;
  if (W > 32) return Number(quantize(value, t));
  const x = value * 2 ** (W - t.I); // exact: a power-of-two scale, unless it over/underflows (checked next)
  const ax = Math.abs(x);
  if (!(ax >= MIN_NORMAL && ax < Infinity) && !(x === 0 && value === 0)) return Number(quantize(value, t));
  const K0 = Math.floor(x);
  let K = K0;
  const f = x - K0; // exact, in [0, 1); 0 whenever |x| ≥ 2^52, so K stays exact
  if (f !== 0 && t.q !== 'AP_TRN' && roundUp(t.q, f >= 0.5, f !== 0.5, x < 0, K0 % 2 !== 0)) K += 1;
  const min = t.signed ? -(2 ** (W - 1)) : 0;
  const max = t.signed ? 2 ** (W - 1) - 1 : 2 ** W - 1;
  if (K >= min && K <= max) {
    if (K === min && t.signed && t.o === 'AP_SAT_SYM') return 0 - max; // not −0 when max = 0 (W = 1)
    return K + 0; // no −0
  }
  switch (t.o) {
    case 'AP_SAT':
      return K > max ? max : min;
    case 'AP_SAT_ZERO':
      return 0;
    case 'AP_SAT_SYM':
      return K > max ? max : t.signed ? 0 - max : 0;
  }
  const span = 2 ** W;
  // The wrapped W-bit pattern, then read as signed when the type is.
  const u = t.o === 'AP_WRAP' && t.n === 0 ? ((K % span) + span) % span : wrapNumber(K, K0, t, span);
  return t.signed && u >= span / 2 ? u - span : u;
}

/** The AP_WRAP / AP_WRAP_SM branches of overflow() on plain numbers (W ≤ 32); returns the W-bit pattern in [0, 2^W). */
function wrapNumber(K: number, K0: number, t: FixedType, span: number): number {
  const W = t.W;
  const mask = span - 1;
  const sign = K < 0;
  const bit = (x: number, i: number) => Math.floor(x / 2 ** i) % 2; // x ≥ 0
  const setb = (x: number, i: number, b: boolean) => (bit(x, i) === (b ? 1 : 0) ? x : b ? x + 2 ** i : x - 2 ** i);
  const not = (x: number) => mask - x;
  let wr = ((K % span) + span) % span; // K mod 2^W, exact for integer doubles
  const N = t.n;
  if (t.o === 'AP_WRAP') {
    if (N === 0) return wr;
    if (t.signed) {
      wr = setb(wr, W - 1, sign);
      for (let i = W - N; i <= W - 2; i++) wr = setb(wr, i, !sign);
    } else {
      for (let i = W - N; i <= W - 1; i++) wr = setb(wr, i, true);
    }
    return wr;
  }
  // AP_WRAP_SM
  const Ro = bit(wr, W - 1) === 1;
  if (N === 0) {
    const lD = ((Math.floor(K0 / span) % 2) + 2) % 2 === 1; // bit W of K0 (two's complement)
    if (lD !== Ro) wr = setb(not(wr), W - 1, lD);
  } else if (N === 1) {
    if (sign !== Ro) wr = not(wr);
    wr = setb(wr, W - 1, sign);
  } else {
    if ((bit(wr, W - N) === 1) === sign) wr = not(wr);
    for (let i = W - N; i <= W - 2; i++) wr = setb(wr, i, !sign);
    wr = setb(wr, W - 1, sign);
  }
  return wr;
}

/** The value a double becomes when stored into the type (quantize, then back to a double). */
export function roundTrip(value: number, t: FixedType): number {
  return toDouble(t.W <= 32 ? quantizeToNumber(value, t) : quantize(value, t), t);
}
