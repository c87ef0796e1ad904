// Residual add: x += y over N tokens, in place, one word (ACT_LANES activations) per cycle, as Edge-MoE's add.cpp.
//
// Usage (include after params.h: needs act_t, word_t, ACT_LANES, AXI_BITS):
//   residual_add<N, DIM>(x, y);
// x: activation region [N][DIM], read and written in place; y: activation region [N][DIM], read. They should sit on
// different m_axi bundles (Edge-MoE: x on inout2, tmp3 on inout3) so each cycle reads one word of each.
// Each sum is exact in act_t's precision and wraps on overflow (AP_WRAP, like every Edge-MoE type).
// Cycles (EDGEMOE_TICK, generator/kernels/residual.ts): N * DIM/ACT_LANES (Edge-MoE: 129*24 = 3,096).
#ifndef EDGEMOE_RESIDUAL_ADD_H
#define EDGEMOE_RESIDUAL_ADD_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "fixed_math.h"

/** EDGEMOE_TICK count of one residual_add call. */
constexpr long long residual_add_ticks(int n, int dim, int lanes) { return (long long)n * (dim / lanes); }

/** x[t][f] += y[t][f] for every token t and feature f, in place. */
template <int T_N, int T_DIM>
void residual_add(word_t *x, const word_t *y) {
  static_assert(T_DIM % ACT_LANES == 0, "DIM must be a multiple of ACT_LANES");
  const int CB = AXI_BITS / ACT_LANES;
  const int WORDS = T_N * (T_DIM / ACT_LANES);
residual_words:
  for (int i = 0; i < WORDS; i++) {
#pragma HLS pipeline II=1
#pragma HLS dependence variable=x inter false  // word i is read and written only in iteration i
    EDGEMOE_TICK();
    word_t a = x[i];
    word_t b = y[i];
    word_t s = 0;
  residual_lanes:
    for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
      act_t v = fxm_lane_get<act_t, CB>(a, j) + fxm_lane_get<act_t, CB>(b, j);
      fxm_lane_set<act_t, CB>(s, j, v);
    }
    x[i] = s;
  }
}

#endif  // EDGEMOE_RESIDUAL_ADD_H
