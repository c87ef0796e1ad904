// gelu_approx vs exact erf-based GELU in double over a dense sweep of act_t on [-8, 8]. Prints `key value` lines
// for test/kernel/gelu.test.ts.
#include <cmath>
#include <cstdio>
#include "params.h"
#include "gelu_approx.h"

using namespace edgemoe;  // the kernel library's namespace

static double gelu_exact(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

int main() {
  double max_err = 0, max_err_x = 0;
  long n = 0;
  bool relu_beyond = true;
  // Step 2^-16 over [-8, 8] (act_t has 22 fraction bits: raw step 2^6).
  for (long i = -8L * 65536; i <= 8L * 65536; i++) {
    act_t x = fxm_from_raw<act_t>(ap_uint<32>(ap_int<32>(i * 64)));
    double xv = x.to_double();
    double got = gelu_approx(x).to_double();
    double err = std::fabs(got - gelu_exact(xv));
    if (err > max_err) { max_err = err; max_err_x = xv; }
    if (std::fabs(xv) >= 5.5 && got != (xv > 0 ? xv : 0.0)) relu_beyond = false;
    n++;
  }
  // Every act_t value in |x| < 1/8 (where the interpolation error peaks, near |x| = 1/64).
  for (long i = -(1L << 19); i <= (1L << 19); i++) {
    act_t x = fxm_from_raw<act_t>(ap_uint<32>(ap_int<32>(i)));
    double err = std::fabs(gelu_approx(x).to_double() - gelu_exact(x.to_double()));
    if (err > max_err) { max_err = err; max_err_x = x.to_double(); }
    n++;
  }
  // The ends of the act_t range (ReLU there).
  act_t lo = fxm_from_raw<act_t>(ap_uint<32>(0x80000000u)), hi = fxm_from_raw<act_t>(ap_uint<32>(0x7fffffffu));
  printf("gelu_points %ld\n", n);
  printf("gelu_max_abs_err %.6e\n", max_err);
  printf("gelu_max_err_at %.9f\n", max_err_x);
  printf("gelu_relu_beyond_5_5 %d\n", relu_beyond ? 1 : 0);
  printf("gelu_at_min %.17g\n", gelu_approx(lo).to_double());
  printf("gelu_at_max_minus_hi %.17g\n", gelu_approx(hi).to_double() - hi.to_double());
  printf("gelu_at_zero %.17g\n", gelu_approx(act_t(0)).to_double());
  return 0;
}
