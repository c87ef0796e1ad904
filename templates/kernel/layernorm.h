// LayerNorm over the features of each token: y = ((x - mean) * rsqrt(var + eps)) * gamma + beta.
//
// Usage: layernorm<CONFIG_T>(x, y, gamma, beta), CONFIG_T a per-instance config struct (the generated params.h
// defines one per call site, hls4ml style) with members
//   typedef act_t, wbias_t, word_t;   activations, the LN parameters' on-chip type, the m_axi word (ap_uint<AXI_BITS>)
//   static const int N, DIM, ACT_LANES;   tokens, features per token, activations per word
//   static const int WBIAS_BITS, WBIAS_W;   container bits and stored raw bits of one packed gamma / beta element
//   static const int PARAM_BANKS;   gamma / beta banks (lcm(ACT_LANES, AXI_BITS / WBIAS_BITS), generator/plan/loops.ts)
//   static const long long EPS_Q48;
// The header reads nothing from params.h, so one translation unit may instantiate it with several configs.
// x: activation region [N][DIM] (read); y: activation region [N][DIM] (written; may not alias x).
// gamma, beta: the LN weight tensors [DIM] in the weights region (wbias_t in 8/16/32-bit containers packed
// little-end-first, each tensor word-aligned, kernel contract). EPS_Q48 = floor(eps * 2^48) (lnEpsQ48 in
// generator/kernels/layernorm.ts; 1e-6 -> 281474976).
// Preconditions: DIM % ACT_LANES == 0, DIM <= 4096, 2^-40 <= eps < 32 (r = rsqrt(var + eps) must stay < 2^20).
// Cycles (EDGEMOE_TICK, generator/kernels/layernorm.ts): 2 * ceil(DIM / (AXI_BITS / container bits)) for loading
// gamma and beta, plus N * DIM/ACT_LANES for the token loop (the statistics and normalise stages run as a dataflow
// pipeline, one word per cycle each; only the first ticks). Edge-MoE sizes: 24 + 3096 = 3120.
//
// Numerics (unlike Edge-MoE, which truncates 1/DIM to fm_t and every product to fm_t, losing small variances):
//  - pass 1 accumulates sum(x) and sum(x^2) EXACTLY (wide ap_fixed: all fraction bits of x and x^2 kept), so large
//    |x| (up to the act_t range) and variance > 1 cannot overflow, and tiny variances keep their bits;
//  - var = (DIM * sum(x^2) - sum(x)^2) / DIM^2 + eps: the numerator is exact (and >= 0), the one division is a
//    multiply by 1/DIM^2 with 38 + 2*ceil(log2 DIM) fraction bits (relative error < 2^-37);
//  - mean = sum(x) / DIM with 1/DIM to 47 + ceil(log2 DIM) fraction bits (error < 2^-37 for act_t <32,10>);
//  - r = fx_rsqrt(var) (fixed_math.h, relative error < 2^-31), kept to 40 fraction bits;
//  - ((x - mean) * r) keeps 40 fraction bits; * gamma + beta is exact; ONE truncation into act_t at the end.
// So |y - LayerNorm_double(x)| <= 1 LSB of act_t + |gamma| * (2^-28 |n| + 2^-36 r + 2^-40) (n = the normalised
// value; the 2^-28 is var's 48 fraction bits at var ~ eps = 1e-6), for variance >> 1 and << 1 alike; measured
// <= 2.39e-7 (one act_t LSB) for variances from 0 to 2.4e5 (test/kernel/layernorm.test.ts).
#ifndef EDGEMOE_LAYERNORM_H
#define EDGEMOE_LAYERNORM_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"
#include "count_cycles.h"
#include "fixed_math.h"

namespace edgemoe {

/** ceil(log2(v)) for v >= 1. */
constexpr int ln_clog2(int v) {
  int c = 0;
  for (int i = 0; i < 31; i++) c += ((1 << i) < v) ? 1 : 0;
  return c;
}

/** EDGEMOE_TICK count of one layernorm call (see the header comment). */
constexpr long long ln_ticks(int n, int dim, int lanes, int axi_bits, int param_bits) {
  return 2LL * ((dim + axi_bits / param_bits - 1) / (axi_bits / param_bits)) + (long long)n * (dim / lanes);
}

/** Per-token statistics handed from pass 1 to pass 2. */
template <class act_t>
struct ln_stats_t {
  ap_fixed<act_t::width + 24, act_t::iwidth> mean;  // 24 fraction bits more than act_t
  ap_ufixed<64, 24> r;                               // rsqrt(var + eps), 40 fraction bits
};

/** Input reader: the N x DIM/ACT_LANES words in order, one per cycle (one burst). */
template <class CONFIG_T>
void ln_read(const typename CONFIG_T::word_t *x, hls::stream<typename CONFIG_T::word_t> &xr) {
#pragma HLS inline off  // a DATAFLOW process of its own
ln_read_words:
  for (int i = 0; i < CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES); i++) {
#pragma HLS pipeline II=1
    xr.write(x[i]);
  }
}

/** Output writer: one word per cycle. */
template <class CONFIG_T>
void ln_write(hls::stream<typename CONFIG_T::word_t> &ys, typename CONFIG_T::word_t *y) {
#pragma HLS inline off  // a DATAFLOW process of its own
ln_write_words:
  for (int i = 0; i < CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES); i++) {
#pragma HLS pipeline II=1
    y[i] = ys.read();
  }
}

/** Pass 1: per token, takes DIM/ACT_LANES words (one per cycle), forwards them, and emits (mean, r). */
template <class CONFIG_T>
void ln_statistics(hls::stream<typename CONFIG_T::word_t> &xr, hls::stream<typename CONFIG_T::word_t> &xs,
                   hls::stream<ln_stats_t<typename CONFIG_T::act_t> > &stats) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, ACT_LANES = CONFIG_T::ACT_LANES;
  const long long T_EPS_Q48 = CONFIG_T::EPS_Q48;
  const int CB = word_t::width / ACT_LANES;
  const int B = T_DIM / ACT_LANES;
  const int WA = act_t::width, IA = act_t::iwidth;
  const int C2 = ln_clog2(T_DIM);
  // Exact accumulators: sum(x) needs C2 more integer bits than x, sum(x^2) 2*IA + C2 integer bits.
  typedef ap_fixed<WA + C2 + 1, IA + C2 + 1> sum_t;
  typedef ap_ufixed<2 * WA + C2, 2 * IA + C2> sumsq_t;
  typedef ap_ufixed<2 * WA + 2 * C2 + 1, 2 * IA + 2 * C2 + 1> varnum_t;  // DIM*sum(x^2) - sum(x)^2 >= 0, exact
  typedef ap_ufixed<2 * WA + 4, 2 * IA> var_t;                            // var + eps, 2*(WA-IA)+4 fraction bits
  const ap_ufixed<40, 2 - 2 * C2> INV_D2 =
      fxm_from_raw<ap_ufixed<40, 2 - 2 * C2> >(ap_uint<40>((1ULL << (38 + 2 * C2)) / ((unsigned long long)T_DIM * T_DIM)));
  const ap_ufixed<48, 1 - C2> INV_D =
      fxm_from_raw<ap_ufixed<48, 1 - C2> >(ap_uint<48>((1ULL << (47 + C2)) / (unsigned long long)T_DIM));
  const ap_ufixed<64, 16> EPS = fxm_from_raw<ap_ufixed<64, 16> >(ap_uint<64>((unsigned long long)T_EPS_Q48));
  const ap_uint<C2 + 2> DIM_U = T_DIM;

  sum_t sum = 0;
  sumsq_t sumsq = 0;
  int d = 0;
ln_pass1:
  for (int i = 0; i < T_N * B; i++) {  // tokens x blocks as one counter-driven loop: no fill per token
#pragma HLS pipeline II=1
    EDGEMOE_TICK();
    word_t w = xr.read();
    xs.write(w);
    sum_t bsum = 0;
    sumsq_t bsq = 0;
  ln_pass1_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
      act_t v = fxm_lane_get<act_t, CB>(w, j);
      bsum += v;
      bsq += v * v;  // exact square
    }
    sum = (d == 0) ? bsum : sum_t(sum + bsum);
    sumsq = (d == 0) ? bsq : sumsq_t(sumsq + bsq);
    if (d == B - 1) {
      varnum_t vn = DIM_U * sumsq - sum * sum;  // exact; >= 0 for any exact data (Cauchy-Schwarz)
      var_t var = vn * INV_D2 + EPS;
      ln_stats_t<act_t> st;
      st.mean = sum * INV_D;
      st.r = fx_rsqrt(var);
      stats.write(st);
    }
    if (++d == B) d = 0;
  }
}

/** Pass 2: per token, y = ((x - mean) * r) * gamma + beta, one word per cycle. */
template <class CONFIG_T>
void ln_normalise(hls::stream<typename CONFIG_T::word_t> &xs, hls::stream<ln_stats_t<typename CONFIG_T::act_t> > &stats,
                  const typename CONFIG_T::wbias_t gamma[CONFIG_T::DIM], const typename CONFIG_T::wbias_t beta[CONFIG_T::DIM],
                  hls::stream<typename CONFIG_T::word_t> &ys) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, ACT_LANES = CONFIG_T::ACT_LANES;
  const int CB = word_t::width / ACT_LANES;
  const int B = CONFIG_T::DIM / ACT_LANES;
  ln_stats_t<act_t> st;
  int d = 0;
ln_pass2:
  for (int i = 0; i < T_N * B; i++) {
#pragma HLS pipeline II=1
    if (d == 0) st = stats.read();
    word_t w = xs.read();
    word_t o = 0;
  ln_pass2_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
      act_t v = fxm_lane_get<act_t, CB>(w, j);
      ap_fixed<56, 16> n = (v - st.mean) * st.r;  // normalised value, 40 fraction bits
      act_t out = n * gamma[d * ACT_LANES + j] + beta[d * ACT_LANES + j];  // the one truncation to act_t
      fxm_lane_set<act_t, CB>(o, j, out);
    }
    ys.write(o);
    if (++d == B) d = 0;
  }
}

/** Pass 1 and pass 2 as a dataflow pipeline over the tokens. T_XS_DEPTH: the stream depth as one constant (HLS
 *  pragma values cannot be expressions); two tokens, so pass 1 of token t+1 overlaps pass 2 of token t. */
template <class CONFIG_T, int T_XS_DEPTH = 2 * (CONFIG_T::DIM / CONFIG_T::ACT_LANES)>
void ln_tokens_dataflow(const typename CONFIG_T::word_t *x, typename CONFIG_T::word_t *y,
                        const typename CONFIG_T::wbias_t gamma[CONFIG_T::DIM], const typename CONFIG_T::wbias_t beta[CONFIG_T::DIM]) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  typedef typename CONFIG_T::word_t word_t;
  hls::stream<word_t> xs;
#pragma HLS stream variable=xs depth=T_XS_DEPTH
  hls::stream<ln_stats_t<typename CONFIG_T::act_t> > stats;
#pragma HLS stream variable=stats depth=2  // one (mean, r) per token; the xs FIFO holds two tokens
  hls::stream<word_t> xr, ys;
#pragma HLS stream variable=xr depth=2
#pragma HLS stream variable=ys depth=2
  ln_read<CONFIG_T>(x, xr);
  ln_statistics<CONFIG_T>(xr, xs, stats);
  ln_normalise<CONFIG_T>(xs, stats, gamma, beta, ys);
  ln_write<CONFIG_T>(ys, y);
}

/** Loads one packed wbias_t tensor [DIM] (one word per cycle). */
template <class CONFIG_T>
void ln_load_param(const typename CONFIG_T::word_t *src, typename CONFIG_T::wbias_t dst[CONFIG_T::DIM], int sh = 0) {
  typedef typename CONFIG_T::wbias_t wbias_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_DIM = CONFIG_T::DIM;
  const int GB = CONFIG_T::WBIAS_BITS;  // the container of the stored width (wbias_t may be the wider per-tensor union)
  const int EPW = word_t::width / GB;  // elements per word
  const int WORDS = (T_DIM + EPW - 1) / EPW;
ln_load_words:
  for (int w = 0; w < WORDS; w++) {
#pragma HLS pipeline II=1
    EDGEMOE_TICK();
    word_t word = src[w];
  ln_load_lanes:
    for (int j = 0; j < EPW; j++) {
#pragma HLS unroll
      if (w * EPW + j < T_DIM) dst[w * EPW + j] = fxm_lane_get_shifted<wbias_t, GB, CONFIG_T::WBIAS_W, CONFIG_T::WS_BITS_WBIAS>(word, j, sh);
    }
  }
}

/** LayerNorm of N tokens (see the header comment for regions, layouts and numerics). */
/** T_PARAM_BANKS: CONFIG_T::PARAM_BANKS as one name (pragma values cannot be qualified names or expressions). */
template <class CONFIG_T, int T_PARAM_BANKS = CONFIG_T::PARAM_BANKS>
void layernorm(const typename CONFIG_T::word_t *x, typename CONFIG_T::word_t *y, const typename CONFIG_T::word_t *gamma,
               const typename CONFIG_T::word_t *beta, int sh_gamma = 0, int sh_beta = 0) {
  const int T_DIM = CONFIG_T::DIM;
  static_assert(CONFIG_T::DIM % CONFIG_T::ACT_LANES == 0, "DIM must be a multiple of ACT_LANES");
  static_assert(CONFIG_T::DIM <= 4096, "the 1/DIM^2 constant is sized for DIM <= 2^12");
  typename CONFIG_T::wbias_t g[T_DIM], bt[T_DIM];
#pragma HLS array_partition variable=g cyclic factor=T_PARAM_BANKS  // a word's lanes read in pass 2, loaded per cycle
#pragma HLS array_partition variable=bt cyclic factor=T_PARAM_BANKS
  ln_load_param<CONFIG_T>(gamma, g, sh_gamma);
  ln_load_param<CONFIG_T>(beta, bt, sh_beta);
  ln_tokens_dataflow<CONFIG_T>(x, y, g, bt);
}

}  // namespace edgemoe

#endif  // EDGEMOE_LAYERNORM_H
