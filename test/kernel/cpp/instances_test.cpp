// Two instances of each config-struct operator in one translation unit, without params.h: residual_add and layernorm
// each instantiated with two config structs that differ in sizes, lanes per word and activation type, and each
// instance checked against a double reference. Proves the headers take every type and size from their CONFIG_T.
// One line per instance for test/kernel/instances.test.ts:
//   add_<tag> N DIM LANES ACT_FRAC wrong wrapped overruns
//   ln_<tag> N DIM LANES ACT_FRAC max_abs_err max|gamma| max|n| max_r ticks overruns
#include <cmath>
#include <cstdio>
#include <vector>
#define EDGEMOE_COUNT_CYCLES
#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "layernorm.h"
#include "residual_add.h"
#include "test_rng.h"

using namespace edgemoe;

typedef ap_uint<256> word256_t;
typedef ap_fixed<16, 5> gamma_t;

// Instance A: Edge-MoE's activation type, 8 lanes of 32 bits.
struct add_a_config {
  typedef ap_fixed<32, 10> act_t;
  typedef word256_t word_t;
  static const int N = 5, DIM = 32, ACT_LANES = 8;
};
// Instance B: a 16-bit activation, 16 lanes per word, other sizes.
struct add_b_config {
  typedef ap_fixed<16, 6> act_t;
  typedef word256_t word_t;
  static const int N = 3, DIM = 64, ACT_LANES = 16;
};
struct ln_a_config {
  typedef ap_fixed<32, 10> act_t;
  typedef gamma_t wbias_t;
  typedef word256_t word_t;
  static const int N = 4, DIM = 192, ACT_LANES = 8;
  static const int WBIAS_BITS = 16, WBIAS_W = 16, PARAM_BANKS = 16, WS_BITS_WBIAS = 0;
  static const long long EPS_Q48 = 281474976LL;  // 1e-6
};
struct ln_b_config {
  typedef ap_fixed<16, 6> act_t;
  typedef gamma_t wbias_t;
  typedef word256_t word_t;
  static const int N = 6, DIM = 64, ACT_LANES = 16;
  static const int WBIAS_BITS = 16, WBIAS_W = 16, PARAM_BANKS = 16, WS_BITS_WBIAS = 0;
  static const long long EPS_Q48 = 2814749767LL;  // 1e-5
};

template <class C>
static void run_add(const char *tag, uint64_t seed) {
  typedef typename C::act_t act_t;
  const int CB = 256 / C::ACT_LANES, W = C::N * (C::DIM / C::ACT_LANES), CANARY = 4;
  const double range = std::ldexp(1.0, act_t::iwidth - 1);  // |act_t| < range
  const word256_t pattern = ~word256_t(0) - 5;
  TestRng rng(seed);
  std::vector<word256_t> x(W + CANARY, pattern), y(W);
  for (int i = 0; i < W; i++)
    for (int j = 0; j < C::ACT_LANES; j++) {
      bool big = (i * C::ACT_LANES + j) % 16 == 5;  // these pairs overflow and must wrap
      fxm_lane_set<act_t, CB>(x[i], j, act_t(big ? 0.8 * range : rng.uniform(-range / 4, range / 4)));
      fxm_lane_set<act_t, CB>(y[i], j, act_t(big ? 0.6 * range : rng.uniform(-range / 4, range / 4)));
    }
  const std::vector<word256_t> x0 = x;
  residual_add<C>(x.data(), y.data());
  int wrong = 0, wrapped = 0, overruns = 0;
  for (int i = 0; i < W; i++)
    for (int j = 0; j < C::ACT_LANES; j++) {
      double want = fxm_lane_get<act_t, CB>(x0[i], j).to_double() + fxm_lane_get<act_t, CB>(y[i], j).to_double();
      if (want >= range) {
        want -= 2 * range;
        wrapped++;
      }
      wrong += fxm_lane_get<act_t, CB>(x[i], j).to_double() != want;
    }
  for (int i = 0; i < CANARY; i++) overruns += x[W + i] != pattern;
  printf("add_%s %d %d %d %d %d %d %d\n", tag, C::N, C::DIM, C::ACT_LANES, act_t::width - act_t::iwidth, wrong, wrapped,
         overruns);
}

template <class C>
static void run_ln(const char *tag, uint64_t seed, double spread) {
  typedef typename C::act_t act_t;
  const int N = C::N, DIM = C::DIM, L = C::ACT_LANES, CB = 256 / L, B = DIM / L;
  const int EPW = 256 / C::WBIAS_BITS, GW = (DIM + EPW - 1) / EPW, CANARY = 8;
  const double eps = C::EPS_Q48 / 281474976710656.0;
  const word256_t pattern = ~word256_t(0) - 9;
  TestRng rng(seed);
  std::vector<word256_t> x(N * B), y(N * B + CANARY, pattern), gw(GW), bw(GW);
  std::vector<act_t> xv(N * DIM);
  std::vector<gamma_t> g(DIM), bt(DIM);
  for (int t = 0; t < N; t++)
    for (int f = 0; f < DIM; f++) {
      xv[t * DIM + f] = act_t(rng.uniform(-spread, spread) + t);
      fxm_lane_set<act_t, CB>(x[t * B + f / L], f % L, xv[t * DIM + f]);
    }
  for (int f = 0; f < DIM; f++) {
    g[f] = gamma_t(rng.uniform(-2, 2));
    bt[f] = gamma_t(rng.uniform(-1, 1));
    fxm_lane_set<gamma_t, 16>(gw[f / EPW], f % EPW, g[f]);
    fxm_lane_set<gamma_t, 16>(bw[f / EPW], f % EPW, bt[f]);
  }
  edgemoe_count::counters()[1] = 0;
  EDGEMOE_OP_BEGIN(1);
  layernorm<C>(x.data(), y.data(), gw.data(), bw.data());
  EDGEMOE_OP_BEGIN(0);
  double max_err = 0, max_g = 0, max_n = 0, max_r = 0;
  for (int f = 0; f < DIM; f++) max_g = std::fmax(max_g, std::fabs(g[f].to_double()));
  for (int t = 0; t < N; t++) {
    double mean = 0, var = 0;
    for (int f = 0; f < DIM; f++) mean += xv[t * DIM + f].to_double();
    mean /= DIM;
    for (int f = 0; f < DIM; f++) var += std::pow(xv[t * DIM + f].to_double() - mean, 2);
    var /= DIM;
    const double r = 1 / std::sqrt(var + eps);
    max_r = std::fmax(max_r, r);
    for (int f = 0; f < DIM; f++) {
      const double n = (xv[t * DIM + f].to_double() - mean) * r;
      max_n = std::fmax(max_n, std::fabs(n));
      const double want = n * g[f].to_double() + bt[f].to_double();
      max_err = std::fmax(max_err, std::fabs(fxm_lane_get<act_t, CB>(y[t * B + f / L], f % L).to_double() - want));
    }
  }
  int overruns = 0;
  for (int i = 0; i < CANARY; i++) overruns += y[N * B + i] != pattern;
  printf("ln_%s %d %d %d %d %.6e %.9g %.9g %.9g %llu %d\n", tag, N, DIM, L, act_t::width - act_t::iwidth, max_err, max_g,
         max_n, max_r, edgemoe_count::counters()[1], overruns);
}

int main() {
  run_add<add_a_config>("a", 1);
  run_add<add_b_config>("b", 2);
  run_ln<ln_a_config>("a", 3, 4.0);
  run_ln<ln_b_config>("b", 4, 3.0);
  return 0;
}
