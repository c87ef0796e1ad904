// Residual add: x += y over N tokens, in place, one word (ACT_LANES activations) per cycle, as Edge-MoE's add.cpp.
//
// Usage: residual_add<CONFIG_T>(x, y), CONFIG_T a per-instance config struct (the generated params.h defines one per
// call site, hls4ml style) with members
//   typedef act_t, word_t;   the activation type and the m_axi word (ap_uint<AXI_BITS>)
//   static const int N, DIM, ACT_LANES;   tokens, features per token, activations per word
// The header reads nothing from params.h, so one translation unit may instantiate it with several configs.
// x: activation region [N][DIM], read and written in place; y: activation region [N][DIM], read. They should sit on
// different m_axi bundles (Edge-MoE: x on inout2, tmp3 on inout3) so each cycle reads one word of each.
// Each sum is exact in act_t's precision and wraps on overflow (AP_WRAP, like every Edge-MoE type).
// Cycles (EDGEMOE_TICK, generator/kernels/residual.ts): N * DIM/ACT_LANES (Edge-MoE: 129*24 = 3,096), ticked by the
// adder; the readers and the writer run beside it.
#ifndef EDGEMOE_RESIDUAL_ADD_H
#define EDGEMOE_RESIDUAL_ADD_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "fixed_math.h"
#include "hls_stream.h"

namespace edgemoe {

/** EDGEMOE_TICK count of one residual_add call. */
constexpr long long residual_add_ticks(int n, int dim, int lanes) { return (long long)n * (dim / lanes); }

/** Reader: the region's words in order, one per cycle (one burst). */
template <class CONFIG_T, int T_WORDS>
void residual_read(const typename CONFIG_T::word_t *src, hls::stream<typename CONFIG_T::word_t> &out) {
#pragma HLS inline off  // a DATAFLOW process of its own
residual_read_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    out.write(src[i]);
  }
}

/** One word of x + y: ACT_LANES sums, each wrapping as act_t (both residual forms add through it). */
template <class CONFIG_T>
typename CONFIG_T::word_t residual_word_sum(const typename CONFIG_T::word_t &a, const typename CONFIG_T::word_t &b) {
#pragma HLS inline
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  word_t s = 0;
residual_lanes:
  for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
    act_t v = fxm_lane_get<act_t, CB>(a, j) + fxm_lane_get<act_t, CB>(b, j);
    fxm_lane_set<act_t, CB>(s, j, v);
  }
  return s;
}

/** Adder: one word of x + y per cycle (ACT_LANES sums, each wrapping as act_t). */
template <class CONFIG_T, int T_WORDS>
void residual_sum(hls::stream<typename CONFIG_T::word_t> &xs, hls::stream<typename CONFIG_T::word_t> &ys,
                  hls::stream<typename CONFIG_T::word_t> &ss) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::word_t word_t;
residual_sum_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    EDGEMOE_TICK();
    const word_t a = xs.read();
    const word_t b = ys.read();
    ss.write(residual_word_sum<CONFIG_T>(a, b));
  }
}

/** Writer: the sums back to the region in order, one word per cycle (one burst). */
template <class CONFIG_T, int T_WORDS>
void residual_write(hls::stream<typename CONFIG_T::word_t> &in, typename CONFIG_T::word_t *dst) {
#pragma HLS inline off  // a DATAFLOW process of its own
residual_write_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    dst[i] = in.read();
  }
}

/** x[t][f] += y[t][f] for every token t and feature f, in place: a dataflow of two readers -> adder -> writer, so
 *  no process reads and writes the same pointer. Word i of x is written only after the adder has read it, and
 *  the reader never needs a word the writer produces, so reading ahead of the writer is safe. */
template <class CONFIG_T>
void residual_add(typename CONFIG_T::word_t *x, const typename CONFIG_T::word_t *y) {
  typedef typename CONFIG_T::word_t word_t;
  static_assert(CONFIG_T::DIM % CONFIG_T::ACT_LANES == 0, "DIM must be a multiple of ACT_LANES");
  static_assert(word_t::width % CONFIG_T::ACT_LANES == 0, "a word holds ACT_LANES whole containers");
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  const int WORDS = CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES);
  hls::stream<word_t> xs, ys, ss;
#pragma HLS stream variable=xs depth=2
#pragma HLS stream variable=ys depth=2
#pragma HLS stream variable=ss depth=2
  residual_read<CONFIG_T, WORDS>(x, xs);
  residual_read<CONFIG_T, WORDS>(y, ys);
  residual_sum<CONFIG_T, WORDS>(xs, ys, ss);
  residual_write<CONFIG_T, WORDS>(ss, x);
}

/** x += y in place for on-chip arrays (hardware.activations = 'onchip'): ONE process reads word i of x and y and
 *  writes word i of x, because a DATAFLOW region may not have one process read an on-chip array and another write it.
 *  A read and a write port of x per cycle (ram_2p); the write of word i never meets a later read of it. */
template <class CONFIG_T>
void residual_add_inplace(typename CONFIG_T::word_t x[CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES)],
                          const typename CONFIG_T::word_t y[CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES)]) {
  typedef typename CONFIG_T::word_t word_t;
  static_assert(CONFIG_T::DIM % CONFIG_T::ACT_LANES == 0, "DIM must be a multiple of ACT_LANES");
  static_assert(word_t::width % CONFIG_T::ACT_LANES == 0, "a word holds ACT_LANES whole containers");
#pragma HLS inline off  // one instance for both residual adds
  const int WORDS = CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES);
residual_rmw_words:
  for (int i = 0; i < WORDS; i++) {
#pragma HLS pipeline II=1
#pragma HLS dependence variable=x inter false  // word i is read and written in iteration i only
    EDGEMOE_TICK();
    const word_t a = x[i];
    const word_t b = y[i];
    x[i] = residual_word_sum<CONFIG_T>(a, b);
  }
}

/** The output writer of hardware.activations = 'onchip': one image's on-chip x to its DRAM token buffer, one word per
 *  cycle in one burst (the only m_axi access of the activations). */
template <class CONFIG_T>
void residual_copy_out(const typename CONFIG_T::word_t x[CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES)], typename CONFIG_T::word_t *out) {
#pragma HLS inline off  // the writer process
  const int WORDS = CONFIG_T::N * (CONFIG_T::DIM / CONFIG_T::ACT_LANES);
residual_out_words:
  for (int i = 0; i < WORDS; i++) {
#pragma HLS pipeline II=1
    out[i] = x[i];
  }
}

}  // namespace edgemoe

#endif  // EDGEMOE_RESIDUAL_ADD_H
