// Wide (> 64-bit) ap_int / ap_fixed arithmetic on pseudo-random operands. Prints operands and results as decimal
// raw integers with their result type; test/csim-include/wide.test.ts recomputes every line with BigInt.
// Line format: <op> <width> <iwidth> <s|u> <decimal raw value>   (operands: op = a, b, c, ...)
#include <ap_fixed.h>
#include <ap_int.h>
#include <cstdio>
#include <string>

static unsigned long long g_rng = 0x243F6A8885A308D3ULL;
static unsigned long long rnd() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}
// Random raw bits, sometimes few significant bits (small values) or extreme values.
template <class T>
void randomize(T& x, int k) {
  const int W = T::width;
  for (int lo = 0; lo < W; lo += 64) {
    const int hi = lo + 63 < W - 1 ? lo + 63 : W - 1;
    x.range(hi, lo) = rnd();
  }
  if (k % 5 == 1) x = x >> (W - 10);                 // small magnitude, keeps the sign
  if (k % 7 == 2) { x = 0; x.range(W - 2, 0) = 0; x[W - 1] = 1; }  // minimum (signed) / 2^(W-1)
  if (k % 11 == 3) { x.range(W - 1, 0) = 0; x = ~x; }  // all ones
}
template <class T>
std::string dec(const T& x) {  // raw value as a signed/unsigned decimal integer
  ap_int_base<T::width, T::sign_flag> r(0);
  for (int lo = 0; lo < T::width; lo += 64) {
    const int hi = lo + 63 < T::width - 1 ? lo + 63 : T::width - 1;
    r.range(hi, lo) = x.range(hi, lo);
  }
  return r.to_string(10);
}
template <class T>
bool is_signed_type() {
  return T::sign_flag;
}
template <class T>
void pi(const char* op, const T& x) {  // ap_int result
  std::printf("%s %d %d %c %s\n", op, T::width, T::width, T::sign_flag ? 's' : 'u', dec(x).c_str());
}
template <class T>
void pf(const char* op, const T& x) {  // ap_fixed result
  std::printf("%s %d %d %c %s\n", op, T::width, T::iwidth, T::sign_flag ? 's' : 'u', dec(x).c_str());
}

int main() {
  // string constructors and printing round trips (decimal, hex, binary, negative)
  std::printf("str1 %s\n", ap_uint<100>("123456789012345678901234567890").to_string(10).c_str());
  std::printf("str2 %s\n", ap_int<16>("0x1234").to_string(10).c_str());
  std::printf("str3 %s\n", ap_int<8>("-12").to_string(10).c_str());
  std::printf("str4 %s\n", ap_uint<12>("0b101101").to_string(16).c_str());
  std::printf("str5 %s\n", ap_int<200>("-0xdeadbeefcafebabe0123456789").to_string(16).c_str());
  std::printf("str6 %s\n", ap_int<70>("-1").to_string(2, false).c_str());
  for (int k = 0; k < 60; ++k) {
    std::printf("case %d\n", k);
    ap_int<200> a;
    ap_int<150> b;
    ap_uint<300> c;
    ap_uint<64> d;
    ap_int<70> e;
    randomize(a, k);
    randomize(b, k + 1);
    randomize(c, k + 2);
    randomize(d, k + 3);
    randomize(e, k + 4);
    if (b == 0) b = 7;
    if (d == 0) d = 3;
    pi("a", a); pi("b", b); pi("c", c); pi("d", d); pi("e", e);
    pi("add_ab", a + b); pi("sub_ab", a - b); pi("mul_ab", a * b); pi("div_ab", a / b); pi("mod_ab", a % b);
    pi("and_ab", a & b); pi("or_ab", a | b); pi("xor_ab", a ^ b);
    pi("add_ca", c + a); pi("sub_ca", c - a); pi("mul_ca", c * a); pi("div_ad", a / d); pi("div_cb", c / b);
    pi("mul_de", d * e); pi("add_de", d + e); pi("mul_dd", d * d); pi("mul_ee", e * e);
    pi("neg_a", -a); pi("neg_c", -c); pi("not_a", ~a); pi("not_c", ~c);
    const int sh = (int)(rnd() % 230);
    std::printf("shift %d\n", sh);
    pi("shl_a", a << sh); pi("shr_a", a >> sh); pi("shr_c", c >> sh); pi("shl_c", c << sh);
    const int iv = (int)(rnd() % 2001) - 1000;
    std::printf("int %d\n", iv);
    pi("add_a_int", a + iv);
    { ap_int<70> t = a; pi("cast70_a", t); }
    { ap_uint<250> t = b; pi("cast250u_b", t); }
    { ap_int<200> t = a; t += b; pi("addeq_ab", t); t *= e; pi("muleq_ae", t); }
    std::printf("cmp_lt_ab %d\ncmp_eq_aa %d\ncmp_lt_ac %d\ncmp_gt_ca %d\ncmp_lt_ed %d\n", (int)(a < b), (int)(a == a),
                (int)(a < c), (int)(c > a), (int)(e < d));
    std::printf("dbl_a %a\ndbl_c %a\nflt_b %a\n", a.to_double(), c.to_double(), (double)b.to_float());
    // wide fixed point: exact results of + - * / and the raw of a truncating store
    ap_fixed<100, 40> f;
    ap_fixed<90, 20> g;
    ap_ufixed<70, 10> h;
    randomize(f, k + 5);
    randomize(g, k + 6);
    randomize(h, k + 7);
    if (g == 0) g[0] = 1;
    pf("f", f); pf("g", g); pf("h", h);
    pf("fadd_fg", f + g); pf("fsub_fg", f - g); pf("fmul_fg", f * g); pf("fdiv_fg", f / g);
    pf("fadd_fh", f + h); pf("fmul_gh", g * h); pf("fand_fh", f & h);
    pf("fneg_h", -h);
    { ap_fixed<100, 40> t = f; t += g; pf("faddeq_fg", t); }
    std::printf("fcmp_lt_fg %d\nfcmp_lt_fh %d\n", (int)(f < g), (int)(f < h));
    std::printf("fdbl_f %a\nfint_f %lld\n", f.to_double(), (long long)f.to_int64());
    // 1024-bit results: a 512 x 512 product, and a 1024-bit value divided by a 300-bit one
    ap_uint<512> q, r;
    randomize(q, k + 11);
    randomize(r, k + 12);
    pi("q", q); pi("r", r);
    pi("mul_qr", q * r);
    { ap_int<1024> big = q * r; big = -big; pi("big", big); pi("div_bigc", big / c); pi("mod_bigc", big % c); }
    // 64-bit operands whose aligned results need 65..126 bits (the __int128 paths)
    ap_fixed<64, 2> j;
    ap_ufixed<60, 50> m;
    ap_int<64> p;
    randomize(j, k + 8);
    randomize(m, k + 9);
    randomize(p, k + 10);
    pf("j", j); pf("m", m); pi("p", p);
    pf("jadd_int", j + iv); pf("jsub_m", j - m); pf("jand_m", j & m); pf("intsub_j", iv - j);
    pi("padd_d", p + d); pi("dsub_p", d - p); pi("pxor_d", p ^ d);
    std::printf("jcmp_lt_int %d\njcmp_lt_m %d\nmcmp_gt_j %d\njcmp_eq_int %d\npcmp_lt_d %d\n", (int)(j < iv),
                (int)(j < m), (int)(m > j), (int)(j == iv), (int)(p < d));
  }
  return 0;
}
