// residual_add: x += y in place, checked element by element against act_t addition (exact, wrapping), plus the
// tick count. Prints `key value` lines for test/kernel/residual.test.ts.
#include <cstdio>
#include <vector>
#define EDGEMOE_COUNT_CYCLES
#include "params.h"
#include "count_cycles.h"
#include "residual_add.h"
#include "test_rng.h"

using namespace edgemoe;  // the kernel library's namespace

static const int CB = AXI_BITS / ACT_LANES;

/** A residual_add instance: N tokens of DIM features (the generated params.h writes one such struct per call site). */
template <int T_N, int T_DIM>
struct add_config {
  typedef ::act_t act_t;
  typedef ::word_t word_t;
  static const int N = T_N, DIM = T_DIM, ACT_LANES = ::ACT_LANES;
};

template <int N, int DIM>
static void run(uint64_t seed) {
  const int W = N * (DIM / ACT_LANES), CANARY = 8;
  const word_t pattern = ~word_t(0) - 99;
  TestRng rng(seed);
  std::vector<word_t> x(W + CANARY, pattern), y(W), x0;
  for (int i = 0; i < W; i++)
    for (int j = 0; j < ACT_LANES; j++) {
      // Mostly ordinary values; every 16th pair overflows the act_t range and must wrap.
      bool big = (i * ACT_LANES + j) % 16 == 5;
      fxm_lane_set<act_t, CB>(x[i], j, act_t(big ? 400.0 : rng.uniform(-40, 40)));
      fxm_lane_set<act_t, CB>(y[i], j, act_t(big ? 300.5 : rng.uniform(-40, 40)));
    }
  x0 = x;
  edgemoe_count::counters()[1] = 0;
  EDGEMOE_OP_BEGIN(1);
  residual_add<add_config<N, DIM> >(x.data(), y.data());
  EDGEMOE_OP_BEGIN(0);
  int wrong = 0, wrapped = 0, overruns = 0;
  for (int i = 0; i < W; i++)
    for (int j = 0; j < ACT_LANES; j++) {
      double a = fxm_lane_get<act_t, CB>(x0[i], j).to_double(), b = fxm_lane_get<act_t, CB>(y[i], j).to_double();
      double got = fxm_lane_get<act_t, CB>(x[i], j).to_double();
      double want = a + b;  // exact in double; act_t wraps modulo 1024
      if (want >= 512) { want -= 1024; wrapped++; }
      if (got != want) wrong++;
    }
  for (int i = 0; i < CANARY; i++) overruns += (x[W + i] != pattern);
  printf("case_%d_%d %d %d %llu %d %d %d\n", N, DIM, N, DIM, edgemoe_count::counters()[1], wrong, wrapped, overruns);
}

int main() {
  run<129, 192>(1);
  run<5, 32>(2);
  run<17, 384>(3);
  return 0;
}
