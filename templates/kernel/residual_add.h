// Residual add: x += y over N tokens, in place, one word (ACT_LANES activations) per cycle, as Edge-MoE's add.cpp.
//
// Usage (include after params.h: needs act_t, word_t, ACT_LANES, AXI_BITS):
//   residual_add<N, DIM>(x, y);
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
template <int T_WORDS>
void residual_read(const word_t *src, hls::stream<word_t> &out) {
residual_read_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    out.write(src[i]);
  }
}

/** Adder: one word of x + y per cycle (ACT_LANES sums, each wrapping as act_t). */
template <int T_WORDS>
void residual_sum(hls::stream<word_t> &xs, hls::stream<word_t> &ys, hls::stream<word_t> &ss) {
  const int CB = AXI_BITS / ACT_LANES;
residual_sum_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    EDGEMOE_TICK();
    const word_t a = xs.read();
    const word_t b = ys.read();
    word_t s = 0;
  residual_lanes:
    for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
      act_t v = fxm_lane_get<act_t, CB>(a, j) + fxm_lane_get<act_t, CB>(b, j);
      fxm_lane_set<act_t, CB>(s, j, v);
    }
    ss.write(s);
  }
}

/** Writer: the sums back to the region in order, one word per cycle (one burst). */
template <int T_WORDS>
void residual_write(hls::stream<word_t> &in, word_t *dst) {
residual_write_words:
  for (int i = 0; i < T_WORDS; i++) {
#pragma HLS pipeline II=1
    dst[i] = in.read();
  }
}

/** x[t][f] += y[t][f] for every token t and feature f, in place: a dataflow of two readers -> adder -> writer, so
 *  no process reads and writes the same pointer. Word i of x is written only after the adder has read it, and
 *  the reader never needs a word the writer produces, so reading ahead of the writer is safe. */
template <int T_N, int T_DIM>
void residual_add(word_t *x, const word_t *y) {
  static_assert(T_DIM % ACT_LANES == 0, "DIM must be a multiple of ACT_LANES");
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  const int WORDS = T_N * (T_DIM / ACT_LANES);
  hls::stream<word_t> xs, ys, ss;
#pragma HLS stream variable=xs depth=2
#pragma HLS stream variable=ys depth=2
#pragma HLS stream variable=ss depth=2
  residual_read<WORDS>(x, xs);
  residual_read<WORDS>(y, ys);
  residual_sum<WORDS>(xs, ys, ss);
  residual_write<WORDS>(ss, x);
}

}  // namespace edgemoe

#endif  // EDGEMOE_RESIDUAL_ADD_H
