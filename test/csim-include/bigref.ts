// BigInt reference for the ap_int / ap_fixed rules of shared/spec/ap-fixed.md (used to check wide results).

/** x reduced to W bits, read back as signed (two's complement) or unsigned. */
export function wrap(x: bigint, w: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(w, x) : BigInt.asUintN(w, x);
}

/** The number x * 2^scale rounded to p significant bits (nearest, ties to even), as a JS number. */
export function roundToNumber(x: bigint, p: number, scale: number): number {
  if (x === 0n) return 0;
  const neg = x < 0n;
  let m = neg ? -x : x;
  const bits = m.toString(2).length;
  let e = scale;
  if (bits > p) {
    const d = BigInt(bits - p);
    const q = m >> d, rem = m - (q << d), half = 1n << (d - 1n);
    m = q + (rem > half || (rem === half && (q & 1n) === 1n) ? 1n : 0n);
    e += bits - p;
  }
  const v = Number(m) * 2 ** e;  // m has <= p + 1 bits: exact
  return neg ? -v : v;
}

/** Parses C's "%a" output (e.g. -0x1.8p+3). */
export function parseHexFloat(s: string): number {
  if (/^[+-]?inf$/.test(s.trim())) return s.trim().startsWith('-') ? -Infinity : Infinity;
  const m = /^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]\d+)$/.exec(s.trim());
  if (!m) throw new Error(`not a %a float: ${s}`);
  const frac = m[3] ?? '';
  const mant = BigInt(`0x${m[2]}${frac}`);
  const v = Number(mant) * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] ? -v : v;
}

export const Q = { RND: 0, RND_ZERO: 1, RND_MIN_INF: 2, RND_INF: 3, RND_CONV: 4, TRN: 5, TRN_ZERO: 6 } as const;
export const O = { SAT: 0, SAT_ZERO: 1, SAT_SYM: 2, WRAP: 3, WRAP_SM: 4 } as const;

/** Raw bits (as an unsigned W-bit bigint) of storing v * 2^-fs into <W, I, signed, q, o, n> (spec section 2). */
export function storeRaw(v: bigint, fs: number, w: number, i: number, signed: boolean, q: number, o: number, n: number): bigint {
  const f = w - i;
  let k: bigint, k0: bigint;
  if (f >= fs) {
    k = v << BigInt(f - fs);
    k0 = k;
  } else {
    const d = BigInt(fs - f), p = 1n << d, half = p >> 1n;
    k = v >> d;  // floor
    const rem = v - k * p;
    const qb = rem >= half, r = d >= 2n && rem % half !== 0n, s = v < 0n;
    let inc = false;
    switch (q) {
      case Q.TRN: break;
      case Q.TRN_ZERO: inc = s && (qb || r); break;
      case Q.RND: inc = qb; break;
      case Q.RND_ZERO: inc = qb && (s || r); break;
      case Q.RND_MIN_INF: inc = qb && r; break;
      case Q.RND_INF: inc = qb && (!s || r); break;
      case Q.RND_CONV: inc = qb && ((k & 1n) === 1n || r); break;
    }
    k0 = k;
    if (inc) k += 1n;
  }
  const W = BigInt(w), mask = (1n << W) - 1n;
  const mx = signed ? (1n << (W - 1n)) - 1n : mask, mn = signed ? -(1n << (W - 1n)) : 0n;
  if (k >= mn && k <= mx) return (o === O.SAT_SYM && signed && k === mn ? -mx : k) & mask;
  const sign = k < 0n;
  let wr = k & mask;
  const bit = (x: bigint, b: number) => (x >> BigInt(b)) & 1n;
  const setb = (x: bigint, b: number, val: boolean) => (val ? x | (1n << BigInt(b)) : x & ~(1n << BigInt(b)));
  switch (o) {
    case O.SAT: return (sign ? mn : mx) & mask;
    case O.SAT_ZERO: return 0n;
    case O.SAT_SYM: return (sign ? (signed ? -mx : 0n) : mx) & mask;
    case O.WRAP:
      if (n === 0) return wr;
      if (signed) {
        wr = setb(wr, w - 1, sign);
        for (let b = w - n; b <= w - 2; b++) wr = setb(wr, b, !sign);
      } else {
        for (let b = w - n; b <= w - 1; b++) wr = setb(wr, b, true);
      }
      return wr;
    case O.WRAP_SM: {
      const ro = bit(wr, w - 1) === 1n;
      if (n === 0) {
        const ld = bit(k0 & ((1n << (W + 1n)) - 1n), w) === 1n;
        if (ld !== ro) wr = setb(~wr & mask, w - 1, ld);
      } else if (n === 1) {
        if (sign !== ro) wr = ~wr & mask;
        wr = setb(wr, w - 1, sign);
      } else {
        if ((bit(wr, w - n) === 1n) === sign) wr = ~wr & mask;
        for (let b = w - n; b <= w - 2; b++) wr = setb(wr, b, !sign);
        wr = setb(wr, w - 1, sign);
      }
      return wr;
    }
  }
  throw new Error(`bad overflow mode ${o}`);
}

/** A double as an exact m * 2^e (m integer). */
export function doubleParts(x: number): { m: bigint; e: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  const ex = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (ex === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = ex - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}
