// Two instances of each config-struct operator in one translation unit, without params.h: residual_add and layernorm
// each instantiated with two config structs that differ in sizes, lanes per word and activation type, and each
// instance checked against a double reference. Proves the headers take every type and size from their CONFIG_T.
// One line per instance for test/kernel/instances.test.ts:
//   add_<tag> N DIM LANES ACT_FRAC wrong wrapped overruns
//   ln_<tag> N DIM LANES ACT_FRAC max_abs_err max|gamma| max|n| max_r ticks overruns
//   lin_<tag> ROWS IN OUT LANES TILE_IN TILE_OUT wrong max|y − double| ACT_LSB overruns
#include <cmath>
#include <cstdio>
#include <vector>
#define EDGEMOE_COUNT_CYCLES
#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "layernorm.h"
#include "residual_add.h"
#include "unified_linear.h"
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

// The linear unit: instance A as Edge-MoE's types (8 × 32-bit lanes, 16 × 16 tiles, 48 → 32); instance B a 16-bit
// activation (16 lanes), a wider accumulator, an 8-input tile narrower than a word and a 32-output tile two words wide.
struct lin_a_config {
  typedef ap_fixed<32, 10> act_t;
  typedef ap_fixed<32, 10> acc_t;
  typedef ap_fixed<16, 2> wlin_t;
  typedef ap_fixed<16, 7> wattnb_t;
  typedef ap_fixed<16, 5> wbias_t;
  typedef word256_t word_t;
  typedef ap_uint<4> pidx_t;
  static const int TOKENS = 5, EXPERTS = 1, DIM = 48, MLP_HIDDEN = 48, EXPERT_HIDDEN = 48, ACT_LANES = 8, ACT_BITS = 32;
  static const int TILE_IN = 16, TILE_OUT = 16, LIN_WBUF_TILES = 6, LIN_MAX_IN = 48, LIN_MAX_OUT = 32, LIN_MIN_IN = 48;
  static const int LIN_IN_TILES_MAX = 3, LIN_OUT_TILES_MAX = 2, LIN_TILES_II = 1;
  static const int LIN_WLOAD_MAX_WORDS = 97, LIN_BLOAD_MAX_WORDS = 3, LIN_SLOAD_MAX_WORDS = 3;
  static const int WLIN_BITS = 16, WLIN_LANES = 16, WLIN_W = 16, WLIN_SCALED = 0, WLIN_SCALE_BITS = 0, WLIN_SCALE_LANES = 16;
  static const int WATTNB_BITS = 16, WATTNB_LANES = 16, WATTNB_W = 16, WBIAS_BITS = 16, WBIAS_LANES = 16, WBIAS_W = 16;
  static const int WS_BITS_WLIN = 0, WS_BITS_WATTNB = 0, WS_BITS_WBIAS = 0;
};
struct lin_b_config {
  typedef ap_fixed<16, 6> act_t;
  typedef ap_fixed<40, 12> acc_t;
  typedef ap_fixed<16, 2> wlin_t;
  typedef ap_fixed<16, 7> wattnb_t;
  typedef ap_fixed<16, 5> wbias_t;
  typedef word256_t word_t;
  typedef ap_uint<3> pidx_t;
  static const int TOKENS = 3, EXPERTS = 1, DIM = 32, MLP_HIDDEN = 32, EXPERT_HIDDEN = 32, ACT_LANES = 16, ACT_BITS = 16;
  static const int TILE_IN = 8, TILE_OUT = 32, LIN_WBUF_TILES = 8, LIN_MAX_IN = 32, LIN_MAX_OUT = 64, LIN_MIN_IN = 32;
  static const int LIN_IN_TILES_MAX = 4, LIN_OUT_TILES_MAX = 2, LIN_TILES_II = 1;
  static const int LIN_WLOAD_MAX_WORDS = 129, LIN_BLOAD_MAX_WORDS = 5, LIN_SLOAD_MAX_WORDS = 5;
  static const int WLIN_BITS = 16, WLIN_LANES = 16, WLIN_W = 16, WLIN_SCALED = 0, WLIN_SCALE_BITS = 0, WLIN_SCALE_LANES = 16;
  static const int WATTNB_BITS = 16, WATTNB_LANES = 16, WATTNB_W = 16, WBIAS_BITS = 16, WBIAS_LANES = 16, WBIAS_W = 16;
  static const int WS_BITS_WLIN = 0, WS_BITS_WATTNB = 0, WS_BITS_WBIAS = 0;
};

// y = W·x + b over every row (direct mode, the MLP bias format), against the fixed-point model (bias, then each
// product truncated to acc_t, result taken to act_t: exact while no sum overflows) and against float64.
template <class C>
static void run_lin(const char *tag, uint64_t seed) {
  typedef typename C::act_t act_t;
  typedef typename C::acc_t acc_t;
  typedef typename C::wlin_t wlin_t;
  typedef typename C::wbias_t wbias_t;
  const int ROWS = C::TOKENS, IN = C::LIN_MAX_IN, OUT = C::LIN_MAX_OUT, L = C::ACT_LANES, CB = C::ACT_BITS, CANARY = 4;
  const int IW = IN / L, OW = OUT / L;
  const word256_t pattern = ~word256_t(0) - 3;
  TestRng rng(seed);
  std::vector<word256_t> src(ROWS * IW), dst(ROWS * OW + CANARY, pattern), wmem(OUT * IN / 16), bmem((OUT + 15) / 16);
  std::vector<act_t> x(ROWS * IN);
  std::vector<wlin_t> w(OUT * IN);
  std::vector<wbias_t> b(OUT);
  for (int i = 0; i < ROWS * IN; i++) {
    x[i] = act_t(rng.uniform(-2, 2));
    fxm_lane_set<act_t, CB>(src[i / L], i % L, x[i]);
  }
  for (int i = 0; i < OUT * IN; i++) {
    w[i] = wlin_t(rng.uniform(-1, 1));
    fxm_lane_set<wlin_t, 16>(wmem[i / 16], i % 16, w[i]);
  }
  for (int o = 0; o < OUT; o++) {
    b[o] = wbias_t(rng.uniform(-1, 1));
    fxm_lane_set<wbias_t, 16>(bmem[o / 16], o % 16, b[o]);
  }
  static typename lin_buffers<C>::w_t wbuf;
  static typename lin_buffers<C>::b_t bbuf;
  typename C::pidx_t qi[C::TOKENS] = {};
  act_t qp[C::TOKENS] = {};
  load_linear_weights<C>(wbuf, wmem.data(), 0, OUT, IN, 0, wmem.data(), wmem.data(), wmem.data());
  load_linear_bias<C, wbias_t, 16, 16>(bbuf, bmem.data(), 0, OUT);
  compute_linear<C>(dst.data(), src.data(), wbuf, bbuf, OUT, IN, ROWS, qi, qp, false, false, false);
  int wrong = 0, overruns = 0;
  double max_err = 0;
  for (int r = 0; r < ROWS; r++)
    for (int o = 0; o < OUT; o++) {
      acc_t acc = acc_t(b[o]);
      double exact = b[o].to_double();
      for (int i = 0; i < IN; i++) {
        acc += acc_t(x[r * IN + i] * w[o * IN + i]);
        exact += x[r * IN + i].to_double() * w[o * IN + i].to_double();
      }
      const act_t got = fxm_lane_get<act_t, CB>(dst[r * OW + o / L], o % L);
      wrong += got != act_t(acc);
      max_err = std::fmax(max_err, std::fabs(got.to_double() - exact));
    }
  for (int i = 0; i < CANARY; i++) overruns += dst[ROWS * OW + i] != pattern;
  printf("lin_%s %d %d %d %d %d %d %d %.6e %.9g %d\n", tag, ROWS, IN, OUT, L, C::TILE_IN, C::TILE_OUT, wrong, max_err,
         std::ldexp(1.0, -(act_t::width - act_t::iwidth)), overruns);
}

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
  run_lin<lin_a_config>("a", 5);
  run_lin<lin_b_config>("b", 6);
  return 0;
}
