// layernorm vs a float64 LayerNorm on the same (quantised) x, gamma, beta, for tokens of very different statistics.
// One line per (DIM, kind) call for test/kernel/layernorm.test.ts:
//   case_<kind>_<DIM> DIM N max_abs_err max|gamma| max|n| max_r ticks overruns
// where n = (x - mean)/sqrt(var + eps) and r = 1/sqrt(var + eps) from the double computation.
#include <cmath>
#include <cstdio>
#include <vector>
#define EDGEMOE_COUNT_CYCLES
#include "params.h"
#include "count_cycles.h"
#include "layernorm.h"
#include "test_rng.h"

using namespace edgemoe;  // the kernel library's namespace

static const int CB = AXI_BITS / ACT_LANES;
static const long long EPS_Q48 = 281474976LL;  // floor(1e-6 * 2^48)
static const double EPS = EPS_Q48 / 281474976710656.0;
static const int NT = 4;  // tokens per call

enum Kind { RANDOM, LARGE_MEAN, FULL_RANGE, TINY_VAR, SMALL, CONSTANT, ONE_HOT };
static const char *KIND_NAMES[] = {"random", "large_mean", "full_range", "tiny_var", "small", "constant", "one_hot"};

static double sample(Kind kind, TestRng &rng, int f) {
  switch (kind) {
    case RANDOM: return rng.uniform(-1, 1);
    case LARGE_MEAN: return rng.uniform(200, 400);              // var ~ 3.3e3 >> 1, |x| near the act_t range
    case FULL_RANGE: return (f % 2 ? 511.9 : -511.9) * rng.uniform(0.9, 1);  // var ~ 2.4e5
    case TINY_VAR: return 5 + rng.uniform(-1e-3, 1e-3);          // var ~ 3e-7, below eps
    case SMALL: return rng.uniform(-0.02, 0.02);                 // var ~ 1.3e-4 << 1
    case CONSTANT: return -7.25;                                  // var = 0: y = beta
    case ONE_HOT: return f == 3 ? 100.0 : 0.0;
  }
  return 0;
}

/** A layernorm instance of NT tokens of T_DIM features (the generated params.h writes one such struct per call site). */
template <int T_DIM>
struct ln_test_config {
  typedef ::act_t act_t;
  typedef ::wbias_t wbias_t;
  typedef ::word_t word_t;
  static const int N = NT, DIM = T_DIM, ACT_LANES = ::ACT_LANES;
  static const int WBIAS_BITS = ::WBIAS_BITS, WBIAS_W = ::WBIAS_W, WS_BITS_WBIAS = 0;  // no per-tensor shift here
  static const int PARAM_BANKS = 16;  // lcm(8 lanes, 16 per word): a pragma value only, unused by g++
  static const long long EPS_Q48 = ::EPS_Q48;
};

template <int DIM>
static void run(Kind kind, uint64_t seed) {
  const int B = DIM / ACT_LANES;
  const int GB = fxm_container_bits(wbias_t::width), EPW = AXI_BITS / GB, GW = (DIM + EPW - 1) / EPW;
  const int CANARY = 16;
  const word_t pattern = ~word_t(0) - 777;
  TestRng rng(seed);
  std::vector<word_t> x(NT * B), y(NT * B + CANARY, pattern), gw(GW), bw(GW);
  std::vector<act_t> xv(NT * DIM);
  std::vector<wbias_t> g(DIM), bt(DIM);
  for (int t = 0; t < NT; t++)
    for (int f = 0; f < DIM; f++) {
      xv[t * DIM + f] = act_t(sample(kind, rng, f));
      fxm_lane_set<act_t, CB>(x[t * B + f / ACT_LANES], f % ACT_LANES, xv[t * DIM + f]);
    }
  for (int f = 0; f < DIM; f++) {
    g[f] = wbias_t(rng.uniform(-2, 2));
    bt[f] = wbias_t(rng.uniform(-1, 1));
    fxm_lane_set<wbias_t, GB>(gw[f / EPW], f % EPW, g[f]);
    fxm_lane_set<wbias_t, GB>(bw[f / EPW], f % EPW, bt[f]);
  }
  edgemoe_count::counters()[1] = 0;
  EDGEMOE_OP_BEGIN(1);
  layernorm<ln_test_config<DIM> >(x.data(), y.data(), gw.data(), bw.data());
  EDGEMOE_OP_BEGIN(0);

  double max_err = 0, max_g = 0, max_n = 0, max_r = 0;
  for (int f = 0; f < DIM; f++) max_g = std::fmax(max_g, std::fabs(g[f].to_double()));
  for (int t = 0; t < NT; t++) {
    double mean = 0, var = 0;
    for (int f = 0; f < DIM; f++) mean += xv[t * DIM + f].to_double();
    mean /= DIM;
    for (int f = 0; f < DIM; f++) var += std::pow(xv[t * DIM + f].to_double() - mean, 2);
    var /= DIM;
    double r = 1 / std::sqrt(var + EPS);
    max_r = std::fmax(max_r, r);
    for (int f = 0; f < DIM; f++) {
      double n = (xv[t * DIM + f].to_double() - mean) * r;
      max_n = std::fmax(max_n, std::fabs(n));
      double want = n * g[f].to_double() + bt[f].to_double();
      double got = fxm_lane_get<act_t, CB>(y[t * B + f / ACT_LANES], f % ACT_LANES).to_double();
      max_err = std::fmax(max_err, std::fabs(got - want));
    }
  }
  int overruns = 0;
  for (int i = 0; i < CANARY; i++) overruns += (y[NT * B + i] != pattern);
  printf("case_%s_%d %d %d %.6e %.9g %.9g %.9g %llu %d\n", KIND_NAMES[kind], DIM, DIM, NT, max_err, max_g, max_n,
         max_r, edgemoe_count::counters()[1], overruns);
}

int main() {
  for (int k = RANDOM; k <= ONE_HOT; k++) {
    run<192>((Kind)k, 100 + k);
    run<32>((Kind)k, 200 + k);
    run<384>((Kind)k, 300 + k);
  }
  return 0;
}
