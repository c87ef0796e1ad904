// Arbitrary-precision integer engine behind our ap_int / ap_fixed C-simulation headers.
// Written for edgemoe from the behavioural spec (shared/spec/ap-fixed.md); no vendor code.
// Values are arrays of 64-bit limbs in two's complement, always normalised: the bits above the declared width
// repeat the sign bit (signed) or are zero (unsigned). Types of width <= 64 use one limb and take fast paths that
// the compiler selects at compile time (all widths/shifts are template constants); wider types use limb loops.
#ifndef EDGEMOE_AP_ENGINE_H
#define EDGEMOE_AP_ENGINE_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>
#include <algorithm>

#ifdef __SYNTHESIS__
#error "edgemoe csim headers are for C simulation only; __SYNTHESIS__ must not be defined"
#endif

// Lets testbenches that also build against the Vitis headers detect ours (e.g. to call edgemoe_overflow_report).
#define EDGEMOE_CSIM_HEADERS 1

#ifndef AP_INT_MAX_W
#define AP_INT_MAX_W 1024
#endif

enum ap_q_mode {
  AP_RND = 0, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO,
  SC_RND = 0, SC_RND_ZERO, SC_RND_MIN_INF, SC_RND_INF, SC_RND_CONV, SC_TRN, SC_TRN_ZERO
};
enum ap_o_mode {
  AP_SAT = 0, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM,
  SC_SAT = 0, SC_SAT_ZERO, SC_SAT_SYM, SC_WRAP, SC_WRAP_SM
};

template <int W, bool S> struct ap_int_base;
template <int W> struct ap_int;
template <int W> struct ap_uint;
template <int W, int I, bool S, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_fixed_base;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_fixed;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_ufixed;

// ------------------------------------------------------------------------------------------ overflow statistics
// Public API (always declared so callers compile either way; counting happens only with -DEDGEMOE_OVERFLOW_STATS).
struct edgemoe_overflow_stat {
  int width, iwidth;
  bool is_signed;
  int qmode, omode, nbits;
  unsigned long long overflows;  // stores whose value was out of range (wrapped or saturated)
  unsigned long long stores;     // all converting stores into this type
};

namespace apx {
inline std::vector<edgemoe_overflow_stat*>& ovf_registry() {
  static std::vector<edgemoe_overflow_stat*> r;
  return r;
}
inline edgemoe_overflow_stat* ovf_register(int W, int I, bool S, int Q, int O, int N) {
  edgemoe_overflow_stat* e = new edgemoe_overflow_stat{W, I, S, Q, O, N, 0, 0};
  ovf_registry().push_back(e);
  return e;
}
template <int W, int I, bool S, int Q, int O, int N>
inline edgemoe_overflow_stat& ovf_slot() {
  static edgemoe_overflow_stat* e = ovf_register(W, I, S, Q, O, N);
  return *e;
}
inline bool ovf_less(const edgemoe_overflow_stat& a, const edgemoe_overflow_stat& b) {
  if (a.width != b.width) return a.width < b.width;
  if (a.iwidth != b.iwidth) return a.iwidth < b.iwidth;
  if (a.is_signed != b.is_signed) return a.is_signed < b.is_signed;
  if (a.qmode != b.qmode) return a.qmode < b.qmode;
  if (a.omode != b.omode) return a.omode < b.omode;
  return a.nbits < b.nbits;
}
inline const char* qname(int q) {
  static const char* n[] = {"AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV", "AP_TRN", "AP_TRN_ZERO"};
  return q >= 0 && q < 7 ? n[q] : "?";
}
inline const char* oname(int o) {
  static const char* n[] = {"AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP", "AP_WRAP_SM"};
  return o >= 0 && o < 5 ? n[o] : "?";
}
}  // namespace apx

/** True when the headers were compiled with -DEDGEMOE_OVERFLOW_STATS. */
inline bool edgemoe_overflow_stats_enabled() {
#ifdef EDGEMOE_OVERFLOW_STATS
  return true;
#else
  return false;
#endif
}
/** Counts per destination type (sorted by W, I, signedness, Q, O, N); only types that saw a converting store. */
inline std::vector<edgemoe_overflow_stat> edgemoe_overflow_stats() {
  std::vector<edgemoe_overflow_stat> v;
  for (size_t i = 0; i < apx::ovf_registry().size(); ++i) v.push_back(*apx::ovf_registry()[i]);
  std::sort(v.begin(), v.end(), apx::ovf_less);
  return v;
}
/** Overflow count of one destination type T (an ap_fixed / ap_ufixed). */
template <class T>
inline unsigned long long edgemoe_overflow_count() {
  std::vector<edgemoe_overflow_stat> v = edgemoe_overflow_stats();
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].width == T::width && v[i].iwidth == T::iwidth && v[i].is_signed == T::sign_flag &&
        v[i].qmode == (int)T::qmode && v[i].omode == (int)T::omode && v[i].nbits == T::nbits)
      return v[i].overflows;
  return 0;
}
/** Sum of all overflow counts. */
inline unsigned long long edgemoe_overflow_total() {
  unsigned long long t = 0;
  for (size_t i = 0; i < apx::ovf_registry().size(); ++i) t += apx::ovf_registry()[i]->overflows;
  return t;
}
/** Zeroes all counters (types stay registered). */
inline void edgemoe_overflow_reset() {
  for (size_t i = 0; i < apx::ovf_registry().size(); ++i) apx::ovf_registry()[i]->overflows = apx::ovf_registry()[i]->stores = 0;
}
/** Prints one line per destination type that overflowed: "overflow ap_fixed<W,I,Q,O,N> count=C stores=S". */
inline void edgemoe_overflow_report(FILE* f) {
#ifndef EDGEMOE_OVERFLOW_STATS
  std::fprintf(f, "overflow statistics disabled (compile with -DEDGEMOE_OVERFLOW_STATS)\n");
#else
  std::vector<edgemoe_overflow_stat> v = edgemoe_overflow_stats();
  unsigned long long total = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].overflows) continue;
    total += v[i].overflows;
    std::fprintf(f, "overflow %s<%d,%d,%s,%s,%d> count=%llu stores=%llu\n", v[i].is_signed ? "ap_fixed" : "ap_ufixed",
                 v[i].width, v[i].iwidth, apx::qname(v[i].qmode), apx::oname(v[i].omode), v[i].nbits,
                 v[i].overflows, v[i].stores);
  }
  std::fprintf(f, "overflow total=%llu\n", total);
#endif
}

#ifdef EDGEMOE_OVERFLOW_STATS
#define APX_STAT_STORE(W, I, S, Q, O, N, ovf)                        \
  if (CNT) do {                                                      \
    edgemoe_overflow_stat& apx_e_ = apx::ovf_slot<W, I, S, Q, O, N>(); \
    ++apx_e_.stores;                                                 \
    if (ovf) ++apx_e_.overflows;                                     \
  } while (0)
#else
#define APX_STAT_STORE(W, I, S, Q, O, N, ovf) ((void)0)
#endif

namespace apx {
typedef unsigned long long u64;
typedef long long i64;
typedef __int128 i128;
typedef unsigned __int128 u128;

constexpr int NL(int W) { return W <= 64 ? 1 : (W + 63) / 64; }
constexpr int cmax(int a, int b) { return a > b ? a : b; }
constexpr int cmin(int a, int b) { return a < b ? a : b; }

// ------------------------------------------------------------------------------------------- single-limb helpers
inline u64 shl64(u64 x, int n) { return n >= 64 ? 0 : (n <= 0 ? x : x << n); }
// Out-of-bounds range(hi, lo): reported and fatal, as in the vendor headers (kept out of the inlined proxies).
__attribute__((noinline, noreturn, cold)) inline void range_oob(int h, int l, int W) {
  std::fprintf(stderr, "ERROR: range(%d,%d) out of bounds for a %d-bit value\n", h, l, W);
  std::abort();
}
inline u64 lowmask(int W) { return W >= 64 ? ~0ULL : (W <= 0 ? 0 : (1ULL << W) - 1); }
// Normalise a W-bit value (W <= 64) held in 64 bits.
inline u64 norm64(u64 x, int W, bool S) {
  if (W >= 64) return x;
  // 32-bit values through int32_t / uint32_t (the same bits): g++ then sees that a sum of wrapped values wrapped once
  // more needs only the last wrap (an adder tree of acc_t products costs one sign-extension, not one per product).
  if (W == 32) return S ? (u64)(i64)(int32_t)(uint32_t)x : (u64)(uint32_t)x;
  return S ? (u64)((i64)(x << (64 - W)) >> (64 - W)) : (x & ((1ULL << W) - 1));
}
inline i128 val64(u64 x, bool S) { return S ? (i128)(i64)x : (i128)x; }
// A normalised value of W <= 128 bits (one or two limbs) as its 128-bit two's-complement extension.
template <int W, bool S>
inline u128 val128(const u64* a) {
  return W <= 64 ? (u128)val64(a[0], S) : (((u128)a[1] << 64) | a[0]);
}

// ------------------------------------------------------------------------------------------- limb-array helpers
inline bool wneg(const u64* a, int n) { return (i64)a[n - 1] < 0; }
// d[0..nd) = s[0..ns) extended by sign (S) or zeros.
inline void wext(u64* d, int nd, const u64* s, int ns, bool S) {
  const u64 f = (S && (i64)s[ns - 1] < 0) ? ~0ULL : 0;
  for (int i = 0; i < nd; ++i) d[i] = i < ns ? s[i] : f;
}
inline void wnorm(u64* v, int n, int W, bool S) {
  const int top = (W - 1) >> 6, b = W - (top << 6);
  u64 t = v[top];
  if (b < 64) t = S ? (u64)((i64)(t << (64 - b)) >> (64 - b)) : (t & (~0ULL >> (64 - b)));
  v[top] = t;
  const u64 f = (S && (i64)t < 0) ? ~0ULL : 0;
  for (int i = top + 1; i < n; ++i) v[i] = f;
}
inline void wshl(u64* v, int n, int sh) {
  if (sh <= 0) return;
  if (sh >= n * 64) {
    for (int i = 0; i < n; ++i) v[i] = 0;
    return;
  }
  const int L = sh >> 6, b = sh & 63;
  for (int i = n - 1; i >= 0; --i) {
    const u64 lo = (i - L >= 0) ? v[i - L] : 0;
    const u64 lo2 = (i - L - 1 >= 0) ? v[i - L - 1] : 0;
    v[i] = b ? ((lo << b) | (lo2 >> (64 - b))) : lo;
  }
}
// Right shift, arithmetic when S (the array's own sign), logical otherwise.
inline void wshr(u64* v, int n, int sh, bool S) {
  if (sh <= 0) return;
  const u64 f = (S && (i64)v[n - 1] < 0) ? ~0ULL : 0;
  if (sh >= n * 64) {
    for (int i = 0; i < n; ++i) v[i] = f;
    return;
  }
  const int L = sh >> 6, b = sh & 63;
  for (int i = 0; i < n; ++i) {
    const u64 hi = (i + L < n) ? v[i + L] : f;
    const u64 hi2 = (i + L + 1 < n) ? v[i + L + 1] : f;
    v[i] = b ? ((hi >> b) | (hi2 << (64 - b))) : hi;
  }
}
inline void wadd(u64* r, const u64* a, const u64* b, int n) {
  u64 c = 0;
  for (int i = 0; i < n; ++i) {
    const u128 t = (u128)a[i] + b[i] + c;
    r[i] = (u64)t;
    c = (u64)(t >> 64);
  }
}
inline void wsub(u64* r, const u64* a, const u64* b, int n) {
  u64 br = 0;
  for (int i = 0; i < n; ++i) {
    const u128 t = (u128)a[i] - b[i] - br;
    r[i] = (u64)t;
    br = (u64)(t >> 64) & 1;
  }
}
inline void winc(u64* v, int n) {
  for (int i = 0; i < n; ++i)
    if (++v[i] != 0) break;
}
inline void wnegate(u64* v, int n) {
  for (int i = 0; i < n; ++i) v[i] = ~v[i];
  winc(v, n);
}
// r = a*b truncated to n limbs (r must not alias a or b).
inline void wmul(u64* r, const u64* a, const u64* b, int n) {
  for (int i = 0; i < n; ++i) r[i] = 0;
  for (int i = 0; i < n; ++i) {
    if (!a[i]) continue;
    u64 c = 0;
    for (int j = 0; i + j < n; ++j) {
      const u128 t = (u128)a[i] * b[j] + r[i + j] + c;
      r[i + j] = (u64)t;
      c = (u64)(t >> 64);
    }
  }
}
inline int wcmpu(const u64* a, const u64* b, int n) {
  for (int i = n - 1; i >= 0; --i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
inline int wcmps(const u64* a, const u64* b, int n) {
  const bool na = wneg(a, n), nb = wneg(b, n);
  if (na != nb) return na ? -1 : 1;
  return wcmpu(a, b, n);
}
inline bool wbit(const u64* a, int n, int i) {
  if (i < 0) return false;
  if (i >= n * 64) return wneg(a, n);
  return (a[i >> 6] >> (i & 63)) & 1;
}
inline void wsetbit(u64* a, int i, bool b) {
  if (b) a[i >> 6] |= 1ULL << (i & 63);
  else a[i >> 6] &= ~(1ULL << (i & 63));
}
// Any of the bits [0, k) set?
inline bool wanylow(const u64* a, int n, int k) {
  for (int i = 0; i < n && k > 0; ++i, k -= 64) {
    const u64 m = k >= 64 ? ~0ULL : ((1ULL << k) - 1);
    if (a[i] & m) return true;
  }
  return false;
}
inline bool wiszero(const u64* a, int n) {
  for (int i = 0; i < n; ++i)
    if (a[i]) return false;
  return true;
}
// Unsigned q = a / b, r = a % b (n limbs; b != 0).
inline void wudivmod(u64* q, u64* r, const u64* a, const u64* b, int n) {
  for (int i = 0; i < n; ++i) q[i] = r[i] = 0;
  int top = n * 64 - 1;
  while (top >= 0 && !wbit(a, n, top)) --top;
  for (int i = top; i >= 0; --i) {
    wshl(r, n, 1);
    r[0] |= (u64)wbit(a, n, i);
    if (wcmpu(r, b, n) >= 0) {
      wsub(r, r, b, n);
      q[i >> 6] |= 1ULL << (i & 63);
    }
  }
}

// ------------------------------------------------------------------------------------------- quantisation + overflow
// One store of an exact source value v * 2^-Fs into a <W,I,S,Q,O,N> target; d = Fs - F (see ap-fixed.md section 2).
// vbits: the source fits in vbits signed bits; shifts beyond the point where the result stops changing are capped so
// the intermediate stays small. Width-generic slow paths are plain functions with runtime parameters (compiled once
// per translation unit); only the W <= 64 fast paths are templates, so constants fold into a few instructions.

// Scratch limbs: on the stack when small.
struct wbuf {
  u64 s[40];
  std::vector<u64> h;
  u64* p;
  explicit wbuf(int n) : p(s) {
    if (n > 40) {
      h.resize(n);
      p = h.data();
    }
  }
};

// Signed truncating division and remainder of two's-complement n-limb values.
inline void wsdivmod(u64* q, u64* r, const u64* a, const u64* b, int n) {
  wbuf ab(n), bb(n);
  for (int i = 0; i < n; ++i) ab.p[i] = a[i], bb.p[i] = b[i];
  const bool na = wneg(a, n), nb = wneg(b, n);
  if (na) wnegate(ab.p, n);
  if (nb) wnegate(bb.p, n);
  wudivmod(q, r, ab.p, bb.p, n);
  if (na != nb) wnegate(q, n);
  if (na) wnegate(r, n);
}

inline bool q_inc(int Q, bool qb, bool r, bool s, bool lsb) {
  switch (Q) {
    case AP_TRN: return false;
    case AP_TRN_ZERO: return s && (qb || r);
    case AP_RND: return qb;
    case AP_RND_ZERO: return qb && (s || r);
    case AP_RND_MIN_INF: return qb && r;
    case AP_RND_INF: return qb && (!s || r);
    case AP_RND_CONV: return qb && (lsb || r);
  }
  return false;
}

// Overflow handling for W <= 64 (rare path): wr = K mod 2^W, sign = K < 0, lD = bit W of the pre-rounding K0.
__attribute__((noinline)) inline u64 ovf64_rt(u64 wr, bool sign, bool lD, int W, bool S, int O, int N) {
  const u64 mask = lowmask(W);
  const u64 smax = S ? (mask >> 1) : mask;
  const u64 smin = S ? shl64(1, W - 1) : 0;
  const int Nc = N > W ? W : N;
  const u64 msb = shl64(1, W - 1);
  switch (O) {
    case AP_SAT: return sign ? smin : smax;
    case AP_SAT_ZERO: return 0;
    case AP_SAT_SYM: return sign ? (S ? ((0 - smax) & mask) : 0) : smax;
    case AP_WRAP: {
      if (Nc == 0) return wr;
      if (S) {
        const u64 m = shl64(lowmask(Nc - 1), W - Nc);  // bits W-2 .. W-N
        wr = sign ? (wr & ~m) : (wr | m);
        wr = sign ? (wr | msb) : (wr & ~msb);
      } else {
        wr |= shl64(lowmask(Nc), W - Nc);  // bits W-1 .. W-N
      }
      return wr;
    }
    case AP_WRAP_SM: {
      const bool Ro = (wr >> (W - 1)) & 1;
      if (Nc == 0) {
        if (lD != Ro) {
          wr = ~wr & mask;
          wr = lD ? (wr | msb) : (wr & ~msb);
        }
      } else if (Nc == 1) {
        if (sign != Ro) wr = ~wr & mask;
        wr = sign ? (wr | msb) : (wr & ~msb);
      } else {
        if ((bool)((wr >> (W - Nc)) & 1) == sign) wr = ~wr & mask;
        const u64 m = shl64(lowmask(Nc - 1), W - Nc);
        wr = sign ? (wr & ~m) : (wr | m);
        wr = sign ? (wr | msb) : (wr & ~msb);
      }
      return wr;
    }
  }
  return wr;
}

// Fast store (W <= 64, source and shifted intermediate fit in 127 bits). Returns the normalised raw limb.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool CNT = true>
inline u64 store64(i128 v, int d, int vbits) {
#ifndef EDGEMOE_OVERFLOW_STATS
  // Wrapping stores of sources that fit 64 bits: K mod 2^64 is all we need, so stay in 64-bit arithmetic.
  if (O == AP_WRAP && N == 0 && vbits <= 64 && d < 64) {
    if (d <= 0) return norm64(shl64((u64)(i64)v, -d), W, S);
    const i64 x = (i64)v, K0 = x >> d;
    if (Q == AP_TRN) return norm64((u64)K0, W, S);
    const u64 rem = (u64)x & lowmask(d);
    const bool qb = (rem >> (d - 1)) & 1, r = (rem & lowmask(d - 1)) != 0;
    return norm64((u64)K0 + (q_inc(Q, qb, r, x < 0, K0 & 1) ? 1 : 0), W, S);
  }
#endif
  // Narrowing stores of sources that fit 64 bits (the common case for every Q/O): 64-bit arithmetic throughout.
  if (vbits <= 64 && d > 0 && d < 64 && W < 64) {
    const i64 x = (i64)v, K0 = x >> d;
    i64 K = K0;
    if (Q != AP_TRN) {
      const u64 rem = (u64)x & lowmask(d);
      const bool qb = (rem >> (d - 1)) & 1, r = (rem & lowmask(d - 1)) != 0;
      K += q_inc(Q, qb, r, x < 0, K0 & 1) ? 1 : 0;
    }
    const i64 mx = (i64)lowmask(S ? W - 1 : W);
    const i64 mn = S ? -mx - 1 : 0;
    if (K >= mn && K <= mx) {
      APX_STAT_STORE(W, I, S, Q, O, N, false);
      if (O == AP_SAT_SYM && S && K == mn) return norm64((u64)(-mx), W, S);
      return (u64)K;  // in range: already the normalised representation
    }
    APX_STAT_STORE(W, I, S, Q, O, N, true);
    return norm64(ovf64_rt((u64)K & lowmask(W), K < 0, (K0 >> (W < 64 ? W : 63)) & 1, W, S, O, N), W, S);
  }
  i128 K;
  bool lD;
  if (d <= 0) {
    int sh = -d;
    if (sh > W + 1) sh = W + 1;
    K = (i128)((u128)v << sh);
    lD = (K >> W) & 1;
  } else {
    if (d > vbits + 1) d = vbits + 1;
    const i128 K0 = v >> d;
    lD = (K0 >> W) & 1;
    if (Q == AP_TRN) {
      K = K0;
    } else {
      const u128 rem = (u128)v & (((u128)1 << d) - 1);
      const bool qb = (rem >> (d - 1)) & 1;
      const bool r = (rem & (((u128)1 << (d - 1)) - 1)) != 0;
      K = K0 + (q_inc(Q, qb, r, v < 0, K0 & 1) ? 1 : 0);
    }
  }
#ifndef EDGEMOE_OVERFLOW_STATS
  if (O == AP_WRAP && N == 0) return norm64((u64)K, W, S);
#endif
  const i128 mx = S ? (((i128)1 << (W - 1)) - 1) : (((i128)1 << W) - 1);
  const i128 mn = S ? -((i128)1 << (W - 1)) : 0;
  if (K >= mn && K <= mx) {
    APX_STAT_STORE(W, I, S, Q, O, N, false);
    if (O == AP_SAT_SYM && S && K == mn) return norm64((u64)(-mx), W, S);
    return norm64((u64)K, W, S);
  }
  APX_STAT_STORE(W, I, S, Q, O, N, true);
  return norm64(ovf64_rt((u64)K & lowmask(W), K < 0, lD, W, S, O, N), W, S);
}

// General store: v is NV limbs, signed two's complement. Writes NL(W) normalised limbs to out; returns "overflowed".
__attribute__((noinline)) inline bool store_wide_rt(u64* out, const u64* v, int NV, int d, int vbits, int W, bool S,
                                                    int Q, int O, int N) {
  const int NT = NV + NL(W + 2) + 1;
  wbuf kb(NT);
  u64* K = kb.p;
  wext(K, NT, v, NV, true);
  const bool s = wneg(K, NT);
  bool lD;
  if (d <= 0) {
    int sh = -d;
    if (sh > W + 1) sh = W + 1;
    wshl(K, NT, sh);
    lD = wbit(K, NT, W);
  } else {
    if (d > vbits + 1) d = vbits + 1;
    const bool qb = wbit(K, NT, d - 1), r = wanylow(K, NT, d - 1);
    wshr(K, NT, d, true);
    lD = wbit(K, NT, W);
    if (q_inc(Q, qb, r, s, K[0] & 1)) winc(K, NT);
  }
  const bool kneg = wneg(K, NT);
  // In range? signed: K >> (W-1) is 0 or -1; unsigned: K >> W is 0.
  bool inr;
  {
    wbuf tb(NT);
    for (int i = 0; i < NT; ++i) tb.p[i] = K[i];
    wshr(tb.p, NT, S ? W - 1 : W, true);
    const u64 want = (S && kneg) ? ~0ULL : 0;
    inr = S || !kneg;
    for (int i = 0; i < NT && inr; ++i) inr = tb.p[i] == want;
  }
  const int NO = NL(W);
  if (inr) {
    for (int i = 0; i < NO; ++i) out[i] = K[i];
    wnorm(out, NO, W, S);
    if (O == AP_SAT_SYM && S && W > 1 && wbit(out, NO, W - 1) && !wanylow(out, NO, W - 1)) {  // min -> -max
      for (int i = 0; i < NO; ++i) out[i] = 0;
      wsetbit(out, W - 1, 1);
      wsetbit(out, 0, 1);
      wnorm(out, NO, W, S);
    }
    return false;
  }
  const bool sign = kneg;
  for (int i = 0; i < NO; ++i) out[i] = K[i];
  wnorm(out, NO, W, false);  // wr = K mod 2^W
  const int Nc = N > W ? W : N;
  switch (O) {
    case AP_SAT:
    case AP_SAT_SYM:
      if (sign) {
        for (int i = 0; i < NO; ++i) out[i] = 0;
        if (S) {  // min, or -max = min + 1 for SAT_SYM
          wsetbit(out, W - 1, 1);
          if (O == AP_SAT_SYM) wsetbit(out, 0, W > 1 ? 1 : 0);
        }
      } else {
        for (int i = 0; i < NO; ++i) out[i] = ~0ULL;
        wnorm(out, NO, W, false);
        if (S) wsetbit(out, W - 1, 0);
      }
      break;
    case AP_SAT_ZERO:
      for (int i = 0; i < NO; ++i) out[i] = 0;
      break;
    case AP_WRAP:
      if (Nc == 0) break;
      if (S) {
        wsetbit(out, W - 1, sign);
        for (int i = W - Nc; i <= W - 2; ++i) wsetbit(out, i, !sign);
      } else {
        for (int i = W - Nc; i <= W - 1; ++i) wsetbit(out, i, 1);
      }
      break;
    case AP_WRAP_SM: {
      const bool Ro = wbit(out, NO, W - 1);
      bool inv;
      if (Nc == 0) inv = lD != Ro;
      else if (Nc == 1) inv = sign != Ro;
      else inv = wbit(out, NO, W - Nc) == sign;
      if (inv) {
        for (int i = 0; i < NO; ++i) out[i] = ~out[i];
        wnorm(out, NO, W, false);
      }
      if (Nc == 0) {
        if (inv) wsetbit(out, W - 1, lD);
      } else {
        for (int i = W - Nc; i <= W - 2; ++i) wsetbit(out, i, !sign);
        wsetbit(out, W - 1, sign);
      }
      break;
    }
  }
  wnorm(out, NO, W, S);
  return true;
}

// Store from the raw limbs of a <Ws, Ss> source whose scale is 2^-Fs; d = Fs - F.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, int Ws, bool Ss, bool CNT = true>
inline void store_raw(u64* out, const u64* src, int d) {
  if (W <= 64 && Ws <= 64 && (Ws + 1) + W + 1 <= 126) {
    // A signed source of Ws bits needs Ws bits (an unsigned one Ws + 1): a signed 64-bit product (32 x 32 bits) then
    // takes store64's 64-bit paths.
    out[0] = store64<W, I, S, Q, O, N, CNT>(val64(src[0], Ss), d, Ss ? Ws : Ws + 1);
  } else if (W <= 64 && Ws <= 125 && (d > 0 || (Ws + 1) + W + 1 <= 126)) {
    // Two-limb source narrowed into one limb (products such as 56 x 16 bits): exact in 128-bit arithmetic.
    out[0] = store64<W, I, S, Q, O, N, CNT>((i128)val128<Ws, Ss>(src), d, Ws + 1);
  } else {
    const int NV = NL(Ws + 1);
    u64 v[NV];
    wext(v, NV, src, NL(Ws), Ss);
    const bool ovf = store_wide_rt(out, v, NV, d, Ws + 1, W, S, Q, O, N);
    APX_STAT_STORE(W, I, S, Q, O, N, ovf);
    (void)ovf;
  }
}
// Store from an exact 128-bit integer (C integers, double mantissas); value = v * 2^-Fs.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool CNT = true>
inline void store_i128(u64* out, i128 v, int d, int vbits) {
  if (W <= 64 && vbits + W + 1 <= 126) {
    out[0] = store64<W, I, S, Q, O, N, CNT>(v, d, vbits);
  } else {
    u64 t[3] = {(u64)v, (u64)((u128)v >> 64), (u64)(v < 0 ? ~0ULL : 0)};
    const bool ovf = store_wide_rt(out, t, 3, d, vbits, W, S, Q, O, N);
    APX_STAT_STORE(W, I, S, Q, O, N, ovf);
    (void)ovf;
  }
}

// Decompose a double into m * 2^e (m has at most 53 bits + sign). Returns false for NaN. Inf acts as +-2^1024.
inline bool dbl_parts(double x, i64& m, int& e) {
  u64 b;
  std::memcpy(&b, &x, 8);
  const int ex = (int)((b >> 52) & 0x7ff);
  const u64 fr = b & ((1ULL << 52) - 1);
  const bool neg = b >> 63;
  if (ex == 0x7ff) {
    if (fr) return false;
    m = 1;
    e = 1024;
  } else if (ex == 0) {
    m = (i64)fr;
    e = -1074;
  } else {
    m = (i64)(fr | (1ULL << 52));
    e = ex - 1075;
  }
  if (neg) m = -m;
  return true;
}
// NaN store: 0, or max for the saturating modes; warns on stderr unless NDEBUG.
__attribute__((noinline)) inline void store_nan_rt(u64* out, int W, bool S, int O) {
#ifndef NDEBUG
  std::fprintf(stderr, "WARNING: assign NaN to fixed point value\n");
#endif
  const int NO = NL(W);
  for (int i = 0; i < NO; ++i) out[i] = 0;
  if (O == AP_SAT || O == AP_SAT_SYM) {
    for (int i = 0; i < NO; ++i) out[i] = ~0ULL;
    wnorm(out, NO, W, false);
    if (S) wsetbit(out, W - 1, 0);
    wnorm(out, NO, W, S);
  }
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, bool CNT = true>
inline void store_double(u64* out, double x) {
  i64 m;
  int e;
  if (!dbl_parts(x, m, e)) return store_nan_rt(out, W, S, O);
  store_i128<W, I, S, Q, O, N, CNT>(out, (i128)m, -e - (W - I), 54);
}

// --------------------------------------------------------------------------------------------- raw arithmetic
// Both operands sign/zero-extended to n limbs and shifted left by their alignment (slow paths only).
inline void align2(u64* x, u64* y, int n, const u64* a, int W1, bool S1, int SH1, const u64* b, int W2, bool S2,
                   int SH2) {
  wext(x, n, a, NL(W1), S1);
  wext(y, n, b, NL(W2), S2);
  wshl(x, n, SH1);
  wshl(y, n, SH2);
}
// Each op reads normalised operand limbs and writes NL(WR) normalised result limbs. SHx: left alignment shifts.
// OP: 0 +, 1 -, 2 &, 3 |, 4 ^.
__attribute__((noinline)) inline void addlike_rt(u64* r, int WR, bool SR, const u64* a, int W1, bool S1, int SH1,
                                                 const u64* b, int W2, bool S2, int SH2, int OP) {
  const int n = NL(WR);
  wbuf xb(n), yb(n);
  u64 *x = xb.p, *y = yb.p;
  align2(x, y, n, a, W1, S1, SH1, b, W2, S2, SH2);
  switch (OP) {
    case 0: wadd(r, x, y, n); break;
    case 1: wsub(r, x, y, n); break;
    case 2: for (int i = 0; i < n; ++i) r[i] = x[i] & y[i]; break;
    case 3: for (int i = 0; i < n; ++i) r[i] = x[i] | y[i]; break;
    case 4: for (int i = 0; i < n; ++i) r[i] = x[i] ^ y[i]; break;
  }
  wnorm(r, n, WR, SR);
}
// x OP y on one machine word (u64 or u128), OP as in addlike; folds to one instruction.
template <int OP, class T>
inline T op5(T x, T y) {
  switch (OP) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x & y;
    case 3: return x | y;
    default: return x ^ y;
  }
}
template <int WR, bool SR, int W1, bool S1, int SH1, int W2, bool S2, int SH2, int OP>
inline void addlike(u64* r, const u64* a, const u64* b) {
  if (WR <= 64) {
    const u64 x = shl64(a[0], SH1), y = shl64(b[0], SH2);
    r[0] = op5<OP>(x, y);  // the exact result fits WR <= 64 bits, so it is already sign/zero-extended
  } else if (W1 <= 64 && W2 <= 64 && WR <= 126) {
    const u128 x = (u128)val64(a[0], S1) << (SH1 < 127 ? SH1 : 0), y = (u128)val64(b[0], S2) << (SH2 < 127 ? SH2 : 0);
    const u128 z = op5<OP>(x, y);
    r[0] = (u64)z;
    r[1] = (u64)(z >> 64);  // exact and already extended to 128 bits
  } else if (W1 <= 128 && W2 <= 128 && WR <= 128) {  // two-limb operands (e.g. a 72-bit product plus a bias)
    const u128 x = val128<W1, S1>(a) << (SH1 < 128 ? SH1 : 0), y = val128<W2, S2>(b) << (SH2 < 128 ? SH2 : 0);
    const u128 z = op5<OP>(x, y);  // exact mod 2^128, and WR <= 128
    r[0] = (u64)z;
    r[1] = (u64)(z >> 64);
    wnorm(r, 2, WR, SR);
  } else {
    addlike_rt(r, WR, SR, a, W1, S1, SH1, b, W2, S2, SH2, OP);
  }
}
__attribute__((noinline)) inline void mul_rt(u64* r, int WR, bool SR, const u64* a, int W1, bool S1, const u64* b,
                                             int W2, bool S2) {
  const int n = NL(WR);
  wbuf xb(n), yb(n);
  wext(xb.p, n, a, NL(W1), S1);
  wext(yb.p, n, b, NL(W2), S2);
  wmul(r, xb.p, yb.p, n);
  wnorm(r, n, WR, SR);
}
template <int WR, bool SR, int W1, bool S1, int W2, bool S2>
inline void mul(u64* r, const u64* a, const u64* b) {
  if (WR <= 64) {
    r[0] = a[0] * b[0];  // exact product of extended operands: already normalised
  } else if (W1 <= 128 && W2 <= 128 && WR <= 128) {
    const u128 p = val128<W1, S1>(a) * val128<W2, S2>(b);  // mod 2^128: exact for WR <= 128
    r[0] = (u64)p;
    r[NL(WR) - 1] = (u64)(p >> 64);
    wnorm(r, NL(WR), WR, SR);
  } else {
    mul_rt(r, WR, SR, a, W1, S1, b, W2, S2);
  }
}
// Truncating division (a << SH1) / b; MOD selects the remainder instead.
__attribute__((noinline)) inline void div_rt(u64* r, int WR, bool SR, const u64* a, int W1, bool S1, int SH1,
                                             const u64* b, int W2, bool S2, bool MOD) {
  const int n = NL(cmax(cmax(W1 + SH1, W2), WR) + 2);
  wbuf xb(n), yb(n), qb(n), mb(n);
  wext(xb.p, n, a, NL(W1), S1);
  wext(yb.p, n, b, NL(W2), S2);
  wshl(xb.p, n, SH1);
  wsdivmod(qb.p, mb.p, xb.p, yb.p, n);
  const u64* src = MOD ? mb.p : qb.p;
  for (int i = 0; i < NL(WR); ++i) r[i] = src[i];
  wnorm(r, NL(WR), WR, SR);
}
template <int WR, bool SR, int W1, bool S1, int SH1, int W2, bool S2, bool MOD>
inline void div(u64* r, const u64* a, const u64* b) {
  if (W1 + SH1 <= 64 && W2 <= 64 && WR <= 64) {
    const i128 x = val64(a[0], S1) * ((i128)1 << (SH1 > 64 ? 0 : SH1)), y = val64(b[0], S2);
    r[0] = norm64((u64)(MOD ? x % y : x / y), WR, SR);
  } else {
    div_rt(r, WR, SR, a, W1, S1, SH1, b, W2, S2, MOD);
  }
}
// Compare (a << SH1) with (b << SH2); aligned widths A1 = W1 + SH1, A2 = W2 + SH2.
// Mixed signedness: by value if both aligned widths are < 32 or the signed side is wider, else an unsigned compare
// at the larger width (the vendor's C-like rule, ap-fixed.md section 3).
__attribute__((noinline)) inline int cmp_rt(const u64* a, int W1, bool S1, int SH1, const u64* b, int W2, bool S2,
                                            int SH2, bool unsigned_cmp) {
  const int M = cmax(W1 + SH1, W2 + SH2), n = NL(M + 1);
  wbuf xb(n), yb(n);
  u64 *x = xb.p, *y = yb.p;
  align2(x, y, n, a, W1, S1, SH1, b, W2, S2, SH2);
  if (unsigned_cmp) {
    wnorm(x, n, M, false);
    wnorm(y, n, M, false);
    return wcmpu(x, y, n);
  }
  return wcmps(x, y, n);
}
template <int W1, bool S1, int SH1, int W2, bool S2, int SH2>
inline int cmp(const u64* a, const u64* b) {
  const int A1 = W1 + SH1, A2 = W2 + SH2, M = cmax(A1, A2);
  const bool unsigned_cmp = (S1 != S2) && !(A1 < 32 && A2 < 32) && (S1 ? (A2 >= A1) : (A1 >= A2));
  if (M <= 64) {
    const u64 x = shl64(a[0], SH1), y = shl64(b[0], SH2);
    if (unsigned_cmp) {
      const u64 xm = x & lowmask(M), ym = y & lowmask(M);
      return xm < ym ? -1 : (xm > ym ? 1 : 0);
    }
    const i128 xv = val64(norm64(x, A1, S1), S1), yv = val64(norm64(y, A2, S2), S2);
    return xv < yv ? -1 : (xv > yv ? 1 : 0);
  }
  if (W1 <= 64 && W2 <= 64 && M <= 126) {  // e.g. a fine-grained fixed value against a C integer
    const i128 xv = (i128)((u128)val64(a[0], S1) << (SH1 < 127 ? SH1 : 0));
    const i128 yv = (i128)((u128)val64(b[0], S2) << (SH2 < 127 ? SH2 : 0));
    if (unsigned_cmp) {
      const u128 m = ((u128)1 << M) - 1, xm = (u128)xv & m, ym = (u128)yv & m;
      return xm < ym ? -1 : (xm > ym ? 1 : 0);
    }
    return xv < yv ? -1 : (xv > yv ? 1 : 0);
  }
  return cmp_rt(a, W1, S1, SH1, b, W2, S2, SH2, unsigned_cmp);
}

// Value truncated toward zero, as the low 64 bits of the integer (F = fraction bits, may be negative).
__attribute__((noinline)) inline u64 trunc_int64_rt(const u64* a, int W, bool S, int F) {
  const int n = NL(W) + 1;
  wbuf xb(n);
  u64* x = xb.p;
  wext(x, n, a, NL(W), S);
  const bool neg = wneg(x, n), lost = wanylow(x, n, F);
  wshr(x, n, F, true);
  if (neg && lost) winc(x, n);
  return x[0];
}
template <int W, bool S>
inline u64 trunc_int64(const u64* a, int F) {
  if (F <= 0) return shl64(a[0], -F);
  if (W <= 64) {
    const i128 v = val64(a[0], S);
    if (F >= 127) return 0;
    i128 q = v >> F;
    if (v < 0 && (v & (((i128)1 << F) - 1)) != 0) q += 1;
    return (u64)q;
  }
  return trunc_int64_rt(a, W, S, F);
}

// Round-to-nearest-even conversion of the exact value a * 2^-F to double (P = 53) or float (P = 24).
__attribute__((noinline)) inline double to_fp_rt(const u64* a, int W, bool S, int F, bool as_float) {
  const int n = NL(W) + 1;
  wbuf xb(n);
  u64* x = xb.p;
  wext(x, n, a, NL(W), S);
  const bool neg = wneg(x, n);
  if (neg) wnegate(x, n);
  int top = n * 64 - 1;
  while (top >= 0 && !wbit(x, n, top)) --top;
  if (top < 0) return 0.0;
  int sh = top - 63;
  u64 hi;
  if (sh <= 0) {
    hi = x[0];
    sh = 0;
  } else {
    const bool sticky = wanylow(x, n, sh);
    wshr(x, n, sh, false);
    hi = x[0] | (sticky ? 1 : 0);  // sticky bit below the 64 kept bits keeps nearest-even exact
  }
  double r;
  if (as_float) r = (double)std::ldexp((float)hi, sh - F);
  else r = std::ldexp((double)hi, sh - F);
  return neg ? -r : r;
}
template <int W, bool S>
inline double to_fp(const u64* a, int F, bool as_float) {
  if (W <= 64) {
    if (as_float) {
      const float f = S ? (float)(i64)a[0] : (float)a[0];
      return (double)std::ldexp(f, -F);
    }
    const double dd = S ? (double)(i64)a[0] : (double)a[0];
    return std::ldexp(dd, -F);
  }
  return to_fp_rt(a, W, S, F, as_float);
}

// Extract bits [lo, lo+len) of a (n limbs) into out (no limbs beyond nout written), zero-extended.
inline void wgetfield(u64* out, int nout, const u64* a, int n, int lo, int len) {
  for (int i = 0; i < nout; ++i) {
    const int bitpos = lo + i * 64;
    const int L = bitpos >> 6, b = bitpos & 63;
    const u64 w0 = L < n ? a[L] : 0, w1 = L + 1 < n ? a[L + 1] : 0;
    out[i] = b ? ((w0 >> b) | (w1 << (64 - b))) : w0;
    const int rem = len - i * 64;
    if (rem <= 0) out[i] = 0;
    else if (rem < 64) out[i] &= (1ULL << rem) - 1;
  }
}
// Write the low len bits of v (nv limbs, zero beyond) into a at bit lo.
inline void wsetfield(u64* a, int n, int lo, int len, const u64* v, int nv) {
  for (int k = 0; k < len;) {
    const int pos = lo + k, L = pos >> 6, b = pos & 63;
    int chunk = 64 - b;
    if (chunk > len - k) chunk = len - k;
    // bits k .. k+chunk of v
    const int vL = k >> 6, vb = k & 63;
    const u64 v0 = vL < nv ? v[vL] : 0, v1 = vL + 1 < nv ? v[vL + 1] : 0;
    u64 bits = vb ? ((v0 >> vb) | (v1 << (64 - vb))) : v0;
    const u64 m = chunk >= 64 ? ~0ULL : ((1ULL << chunk) - 1);
    bits &= m;
    if (L < n) a[L] = (a[L] & ~(m << b)) | (bits << b);
    k += chunk;
  }
}

// Reversed ranges (hi < lo): field bit k is bit lo-k of the value.
__attribute__((noinline)) inline void wgetreversed(u64* out, int n, const u64* a, int lo, int len) {
  for (int i = 0; i < n; ++i) out[i] = 0;
  for (int k = 0; k < len; ++k)
    if ((a[(lo - k) >> 6] >> ((lo - k) & 63)) & 1) out[k >> 6] |= 1ULL << (k & 63);
}
__attribute__((noinline)) inline void wsetreversed(u64* a, int lo, int len, const u64* v, int nv) {
  for (int k = 0; k < len; ++k) {
    const bool b = k < nv * 64 && ((v[k >> 6] >> (k & 63)) & 1);
    wsetbit(a, lo - k, b);
  }
}

// Decimal string of a two's-complement value (n limbs; S selects signed interpretation).
inline std::string wto_dec(const u64* a, int n, bool S) {
  std::vector<u64> x(a, a + n);
  bool neg = S && wneg(a, n);
  if (neg) wnegate(x.data(), n);
  std::string s;
  while (!wiszero(x.data(), n)) {
    u128 rem = 0;
    for (int i = n - 1; i >= 0; --i) {
      const u128 cur = (rem << 64) | x[i];
      x[i] = (u64)(cur / 10);
      rem = cur % 10;
    }
    s.push_back((char)('0' + (int)rem));
  }
  if (s.empty()) s = "0";
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}
// Unsigned digits in a power-of-two radix (bits per digit b), no prefix.
inline std::string wto_pow2(const u64* a, int n, int b) {
  static const char* dig = "0123456789abcdef";
  int top = n * 64 - 1;
  while (top >= 0 && !wbit(a, n, top)) --top;
  if (top < 0) return "0";
  std::string s;
  for (int pos = (top / b) * b; pos >= 0; pos -= b) {
    int d = 0;
    for (int k = b - 1; k >= 0; --k) d = d * 2 + (int)wbit(a, n, pos + k);
    s.push_back(dig[d]);
  }
  return s;
}

// C integer types: width and signedness (an integer of type T acts as ap_[u]fixed<bits, bits>).
template <class T> struct cint { enum { ok = 0, W = 1, S = 0 }; };
#define APX_CINT(T, WW, SS) \
  template <> struct cint<T> { enum { ok = 1, W = WW, S = SS }; };
APX_CINT(bool, 1, 0)
APX_CINT(char, 8, (char)-1 < 0)
APX_CINT(signed char, 8, 1)
APX_CINT(unsigned char, 8, 0)
APX_CINT(short, 16, 1)
APX_CINT(unsigned short, 16, 0)
APX_CINT(int, 32, 1)
APX_CINT(unsigned int, 32, 0)
APX_CINT(long, (int)(sizeof(long) * 8), 1)
APX_CINT(unsigned long, (int)(sizeof(long) * 8), 0)
APX_CINT(long long, 64, 1)
APX_CINT(unsigned long long, 64, 0)
#undef APX_CINT

}  // namespace apx

#endif  // EDGEMOE_AP_ENGINE_H
