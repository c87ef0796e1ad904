// Online (single-pass) softmax vs two-pass softmax in the same fixed-point arithmetic and vs double, on random and
// adversarial score sequences. Prints one line per case for test/kernel/softmax.test.ts:
//   case_<name> N max|p_online - p_two_pass| max|p_online - p_double| s_double sum(p_online) argmax_agrees
#include <cmath>
#include <cstdio>
#include <vector>
#include "params.h"
#include "single_pass_softmax.h"
#include "test_rng.h"

using namespace edgemoe;  // the kernel library's namespace

static act_t q(double v) { return act_t(v); }  // double -> act_t by truncation (the host's rule)

static void run_case(const char *name, const std::vector<act_t> &a) {
  const int n = (int)a.size();
  // Online.
  softmax_state_t<act_t> st;
  softmax_reset(st);
  for (int i = 0; i < n; i++) softmax_update(st, a[i]);
  act_t inv_s = softmax_inv_sum(st);
  // Two-pass: max first, then the sum of e^(a - max), same types.
  act_t m = a[0];
  for (int i = 1; i < n; i++)
    if (a[i] > m) m = a[i];
  softmax_sum_t s2 = 0;
  for (int i = 0; i < n; i++) {
    softmax_types<act_t>::diff_t d = a[i] - m;
    s2 = s2 + fx_exp_neg(d);
  }
  act_t inv_s2 = fx_recip(s2);
  // Double.
  double md = a[0].to_double();
  for (int i = 1; i < n; i++) md = std::fmax(md, a[i].to_double());
  double sd = 0;
  for (int i = 0; i < n; i++) sd += std::exp(a[i].to_double() - md);

  double max_two = 0, max_dbl = 0, sum_p = 0;
  int arg_on = 0, arg_dbl = 0;
  double best_on = -1, best_dbl = -1;
  for (int i = 0; i < n; i++) {
    double p_on = softmax_prob(a[i], st.m, inv_s).to_double();
    double p_two = softmax_prob(a[i], m, inv_s2).to_double();
    double p_dbl = std::exp(a[i].to_double() - md) / sd;
    max_two = std::fmax(max_two, std::fabs(p_on - p_two));
    max_dbl = std::fmax(max_dbl, std::fabs(p_on - p_dbl));
    sum_p += p_on;
    if (p_on > best_on) { best_on = p_on; arg_on = i; }
    if (p_dbl > best_dbl) { best_dbl = p_dbl; arg_dbl = i; }
  }
  // Ties in the fixed-point p can pick an earlier index than double; agreement means equal p at both argmaxes.
  bool agree = softmax_prob(a[arg_dbl], st.m, inv_s).to_double() == best_on;
  printf("case_%s %d %.6e %.6e %.9g %.9f %d\n", name, n, max_two, max_dbl, sd, sum_p, agree ? 1 : 0);
  (void)arg_on;
}

int main() {
  TestRng rng(7);
  const int sizes[] = {1, 16, 129, 1025};
  for (int si = 0; si < 4; si++) {
    int n = sizes[si];
    char name[64];
    std::vector<act_t> a(n);
    for (int i = 0; i < n; i++) a[i] = q(rng.uniform(-8, 8));
    snprintf(name, sizeof name, "random8_%d", n);
    run_case(name, a);
    for (int i = 0; i < n; i++) a[i] = q(rng.uniform(-200, 200));
    snprintf(name, sizeof name, "random200_%d", n);
    run_case(name, a);
    for (int i = 0; i < n; i++) a[i] = q(-10 + 0.01 * i);  // every score a new maximum (most rescales)
    snprintf(name, sizeof name, "increasing_%d", n);
    run_case(name, a);
    for (int i = 0; i < n; i++) a[i] = q(10 - 0.01 * i);  // the first score is the maximum (no rescale)
    snprintf(name, sizeof name, "decreasing_%d", n);
    run_case(name, a);
    for (int i = 0; i < n; i++) a[i] = q(3.25);
    snprintf(name, sizeof name, "equal_%d", n);
    run_case(name, a);
  }
  // Extremes of act_t: the minimum (the reset value of m itself) and the maximum in one row.
  std::vector<act_t> ext(129);
  for (int i = 0; i < 129; i++) ext[i] = (i % 3 == 0) ? softmax_act_min<act_t>() : q(i % 3 == 1 ? 511.9 : -0.5);
  run_case("extremes_129", ext);
  std::vector<act_t> allmin(16, softmax_act_min<act_t>());
  run_case("allmin_16", allmin);
  // Increasing in tiny steps: each rescale multiplies by e^-2^-22, the worst case for rescale error build-up.
  std::vector<act_t> creep(1025);
  for (int i = 0; i < 1025; i++) creep[i] = fxm_from_raw<act_t>(ap_uint<32>(ap_int<32>(i - 600)));
  run_case("creep_1025", creep);
  return 0;
}
