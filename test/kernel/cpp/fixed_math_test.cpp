// Accuracy of fixed_math.h against double over dense sweeps of each function's domain.
// Prints `key value` lines for test/kernel/fixed-math.test.ts.
#include <cmath>
#include <cstdio>
#include "params.h"
#include "fixed_math.h"
#include "test_rng.h"

using namespace edgemoe;  // the kernel library's namespace

// e^x over x in [-64, 0] for act_t (step 2^-12) and over the whole act_t domain at coarser steps.
static void test_exp() {
  double max_err = 0, max_err_x = 0;
  long n = 0;
  bool monotonic = true;
  double prev = -1;
  // Ascending x: results must never decrease.
  for (long i = -64L * 4096; i <= 0; i++) {
    act_t x = 0;
    x.range(31, 0) = ap_int<32>(i << 10);  // x = i * 2^-12 exactly (22 fraction bits)
    double got = fx_exp_neg(x).to_double();
    double err = std::fabs(got - std::exp(x.to_double()));
    if (err > max_err) { max_err = err; max_err_x = x.to_double(); }
    if (got < prev) monotonic = false;
    prev = got;
    n++;
  }
  // Random full-resolution arguments over [-512, 0] (every raw bit exercised).
  TestRng rng(1);
  for (int i = 0; i < 300000; i++) {
    ap_int<32> raw = -(ap_int<32>)(rng.next() & 0x7fffffffULL);
    act_t x = fxm_from_raw<act_t>(ap_uint<32>(raw));
    double err = std::fabs(fx_exp_neg(x).to_double() - std::exp(x.to_double()));
    if (err > max_err) { max_err = err; max_err_x = x.to_double(); }
    n++;
  }
  // A narrower type (I = 3) and a wider one (the softmax difference type, I = 11).
  for (int i = -4 * 8192; i <= 0; i++) {
    ap_fixed<20, 3> x = 0;
    x.range(19, 0) = ap_int<20>(i);  // step 2^-17 over [-0.25, 0]
    double err = std::fabs(fx_exp_neg(x).to_double() - std::exp(x.to_double()));
    if (err > max_err) { max_err = err; max_err_x = x.to_double(); }
    n++;
  }
  ap_fixed<33, 11> big = -1000;
  double big_v = fx_exp_neg(big).to_double();
  act_t zero = 0, pos = 3;
  printf("exp_points %ld\n", n);
  printf("exp_max_abs_err %.6e\n", max_err);
  printf("exp_max_err_at %.9f\n", max_err_x);
  printf("exp_monotonic %d\n", monotonic ? 1 : 0);
  printf("exp_at_zero %.17g\n", fx_exp_neg(zero).to_double());
  printf("exp_at_positive %.17g\n", fx_exp_neg(pos).to_double());
  printf("exp_at_minus_1000 %.17g\n", big_v);
}

// 1/x: the softmax sum type over [1, 65536) (dense in [1, 2), random mantissas at every exponent) and a type with
// fraction-only values (x < 1).
static void test_recip() {
  typedef ap_ufixed<48, 16> sum_t;
  double max_rel = 0, max_rel_x = 0;
  long n = 0;
  for (long i = 0; i < (1L << 20); i++) {  // [1, 2) at step 2^-20
    sum_t x = fxm_from_raw<sum_t>(ap_uint<48>((1ULL << 32) + ((unsigned long long)i << 12)));
    double xv = x.to_double();
    double rel = std::fabs(fx_recip(x).to_double() * xv - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  TestRng rng(2);
  for (int i = 0; i < 200000; i++) {
    int p = rng.next() % 48;
    unsigned long long raw = (1ULL << p) | (rng.next() & ((1ULL << p) - 1));
    sum_t x = fxm_from_raw<sum_t>(ap_uint<48>(raw));
    double xv = x.to_double();
    double rel = std::fabs(fx_recip(x).to_double() * xv - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  for (int i = 1; i < 200000; i++) {
    ap_ufixed<24, 0> x = fxm_from_raw<ap_ufixed<24, 0> >(ap_uint<24>((unsigned)(rng.next() % (1u << 24)) | 1u));
    double xv = x.to_double();
    double rel = std::fabs(fx_recip(x).to_double() * xv - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  printf("recip_points %ld\n", n);
  printf("recip_max_rel_err %.6e\n", max_rel);
  printf("recip_max_err_at %.9g\n", max_rel_x);
  printf("recip_of_one %.17g\n", fx_recip(sum_t(1)).to_double());
}

// 1/sqrt(x): the LayerNorm variance type over [2^-48, 2^20) (dense in [1, 4), random mantissas at every exponent,
// so both exponent parities and variance >> 1 and << 1) and act_t-like inputs.
static void test_rsqrt() {
  typedef ap_ufixed<68, 20> var_t;
  double max_rel = 0, max_rel_x = 0;
  long n = 0;
  for (long i = 0; i < (1L << 20); i++) {  // [1, 4) at step 3 * 2^-20
    var_t x = fxm_from_raw<var_t>(ap_uint<68>((ap_uint<68>(1) << 48) + ap_uint<68>((unsigned long long)i * 3) * (ap_uint<68>(1) << 28)));
    double xv = x.to_double();
    double rel = std::fabs(fx_rsqrt(x).to_double() * std::sqrt(xv) - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  TestRng rng(3);
  for (int i = 0; i < 300000; i++) {
    int p = rng.next() % 68;
    ap_uint<68> raw = ap_uint<68>(1) << p;
    ap_uint<68> low = (ap_uint<68>(rng.next()) << 4) ^ ap_uint<68>(rng.next() & 15);
    raw |= low & (raw - 1);
    var_t x = fxm_from_raw<var_t>(raw);
    double xv = x.to_double();
    double rel = std::fabs(fx_rsqrt(x).to_double() * std::sqrt(xv) - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  for (int i = 1; i < 100000; i++) {
    ap_ufixed<32, 10> x = fxm_from_raw<ap_ufixed<32, 10> >(ap_uint<32>(rng.next() | 1));
    double xv = x.to_double();
    double rel = std::fabs(fx_rsqrt(x).to_double() * std::sqrt(xv) - 1.0);
    if (rel > max_rel) { max_rel = rel; max_rel_x = xv; }
    n++;
  }
  printf("rsqrt_points %ld\n", n);
  printf("rsqrt_max_rel_err %.6e\n", max_rel);
  printf("rsqrt_max_err_at %.9g\n", max_rel_x);
  printf("rsqrt_of_4 %.17g\n", fx_rsqrt(var_t(4)).to_double());
}

int main() {
  test_exp();
  test_recip();
  test_rsqrt();
  return 0;
}
