// Quantisation + overflow on the width-generic path: stores from a 130-bit source, and from doubles, into targets
// wider than 64 bits (and narrow targets fed by the wide source), for every Q mode and every O/N variant.
// Prints "fx W I s|u Q O N <source raw, decimal> <result raw, unsigned decimal>" (source scale 2^-70) and
// "dbl W I s|u Q O N <double %a> <result raw>"; test/csim-include/store.test.ts recomputes every line with BigInt.
#include <ap_fixed.h>
#include <cmath>
#include <cstdio>
#include <string>

typedef ap_fixed<130, 60> src_t;  // F = 70

static unsigned long long g_rng = 0x13198A2E03707344ULL;
static unsigned long long rnd() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}
template <class T>
std::string udec(const T& x) {  // raw bits as an unsigned decimal
  ap_uint<T::width> r = 0;
  for (int lo = 0; lo < T::width; lo += 64) {
    const int hi = lo + 63 < T::width - 1 ? lo + 63 : T::width - 1;
    r.range(hi, lo) = x.range(hi, lo);
  }
  return r.to_string(10);
}
template <class T>
std::string sdec(const T& x) {  // raw bits as a signed decimal
  ap_int<T::width> r = 0;
  for (int lo = 0; lo < T::width; lo += 64) {
    const int hi = lo + 63 < T::width - 1 ? lo + 63 : T::width - 1;
    r.range(hi, lo) = x.range(hi, lo);
  }
  return r.to_string(10);
}

template <int W, int I, bool S> struct Pick;
template <int W, int I> struct Pick<W, I, true> {
  template <ap_q_mode Q, ap_o_mode O, int N> struct T { typedef ap_fixed<W, I, Q, O, N> type; };
};
template <int W, int I> struct Pick<W, I, false> {
  template <ap_q_mode Q, ap_o_mode O, int N> struct T { typedef ap_ufixed<W, I, Q, O, N> type; };
};

// Sources around the target's scale: random magnitudes, ties at the target LSB, extremes.
template <int W, int I>
void sources(src_t* s, int n) {
  const int F = W - I;
  for (int k = 0; k < n; ++k) {
    ap_int<130> raw = 0;
    raw.range(63, 0) = rnd();
    raw.range(127, 64) = rnd();
    raw.range(129, 128) = rnd() & 3;
    const int kind = k % 6;
    if (kind == 0 || kind == 1) {  // magnitude near 2^(I-1+-3) on the source grid
      int keep = 70 + I + (int)(rnd() % 7) - 3;
      if (keep < 2) keep = 2;
      if (keep < 129) raw = raw >> (129 - keep);
    } else if (kind == 2) {  // an exact tie half-way between two target steps (when the grids allow it)
      const int sh = 70 - F - 1;
      ap_int<130> m = (long long)(rnd() % 64) * 2 + 1;
      if (rnd() & 1) m = -m;
      raw = (sh >= 0 && sh < 120) ? ap_int<130>(m << sh) : m;
    } else if (kind == 3) {  // small: a few target LSBs
      const int sh = 70 - F;
      ap_int<130> m = (long long)(rnd() % 40) - 20;
      raw = (sh >= 0 && sh < 120) ? ap_int<130>((m << sh) + (long long)(rnd() % 3) - 1) : m;
    }  // kinds 4, 5: full-width random
    s[k].range(129, 0) = raw.range(129, 0);
  }
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
void one(const src_t* s, int n, const double* d, int nd) {
  typedef typename Pick<W, I, S>::template T<Q, O, N>::type TT;
  for (int k = 0; k < n; ++k) {
    TT a = s[k];
    std::printf("fx %d %d %c %d %d %d %s %s\n", W, I, S ? 's' : 'u', (int)Q, (int)O, N, sdec(s[k]).c_str(), udec(a).c_str());
  }
  for (int k = 0; k < nd; ++k) {
    TT b = d[k];
    std::printf("dbl %d %d %c %d %d %d %a %s\n", W, I, S ? 's' : 'u', (int)Q, (int)O, N, d[k], udec(b).c_str());
  }
}
template <int W, int I, bool S, ap_o_mode O, int N>
void allq(const src_t* s, int n, const double* d, int nd) {
  one<W, I, S, AP_TRN, O, N>(s, n, d, nd);
  one<W, I, S, AP_TRN_ZERO, O, N>(s, n, d, nd);
  one<W, I, S, AP_RND, O, N>(s, n, d, nd);
  one<W, I, S, AP_RND_ZERO, O, N>(s, n, d, nd);
  one<W, I, S, AP_RND_MIN_INF, O, N>(s, n, d, nd);
  one<W, I, S, AP_RND_INF, O, N>(s, n, d, nd);
  one<W, I, S, AP_RND_CONV, O, N>(s, n, d, nd);
}
template <int W, int I, bool S>
void shape() {
  const int NS = 24, ND = 12;
  src_t s[NS];
  double d[ND];
  sources<W, I>(s, NS);
  for (int k = 0; k < ND; ++k) {  // m * 2^e around the target's range, with some ties and extremes
    long long m = (long long)(rnd() >> 11);
    if (k % 3 == 0) m &= ~((1LL << 40) - 1);
    if (rnd() & 1) m = -m;
    const int e = (int)(rnd() % (unsigned)(W + 8)) - (W - I) - 52 + (I > 0 ? 0 : I);
    d[k] = std::ldexp((double)m, e);
  }
  d[0] = 0.0;
  d[1] = -std::ldexp(1.0, I - 1);  // signed minimum (or its negative for unsigned)
  allq<W, I, S, AP_WRAP, 0>(s, NS, d, ND);
  allq<W, I, S, AP_WRAP, 1>(s, NS, d, ND);
  allq<W, I, S, AP_WRAP, 3>(s, NS, d, ND);
  allq<W, I, S, AP_SAT, 0>(s, NS, d, ND);
  allq<W, I, S, AP_SAT_ZERO, 0>(s, NS, d, ND);
  allq<W, I, S, AP_SAT_SYM, 0>(s, NS, d, ND);
  if (S) {
    allq<W, I, S, AP_WRAP_SM, 0>(s, NS, d, ND);
    allq<W, I, S, AP_WRAP_SM, 1>(s, NS, d, ND);
    allq<W, I, S, AP_WRAP_SM, 3>(s, NS, d, ND);
  }
}

int main() {
  // -DWIDE_STORE_QUICK (make test): four of the seven shapes, whose template instantiations are what the compile costs.
  shape<90, 25, true>();    // F = 65: 5 dropped bits
  shape<70, 69, false>();   // F = 1: 69 dropped bits, unsigned
  shape<80, -5, true>();    // I < 0, F = 85 > source F
  shape<6, 3, true>();      // narrow target fed by the 130-bit source
#ifndef WIDE_STORE_QUICK
  shape<100, 30, true>();   // F = 70: no quantisation from the source
  shape<66, 90, true>();    // I > W, F = -24
  shape<7, 2, false>();
#endif
  return 0;
}
