// Unified, flexible linear unit (Edge-MoE innovation 4): ONE engine serves Q, K, V, proj, the dense MLP and every
// expert MLP. y[t] = W·x[t] + b with W a PyTorch [out][in] matrix held on chip in TILE_OUT×TILE_IN tiles.
//
// Usage (include after params.h):
//   load_linear_weights(sel, wmem + WO_X_WEIGHT, first_elem, out_dim, in_dim);   // sel: 0 = ping, 1 = pong
//   load_linear_bias<wattnb_t, WATTNB_BITS, WATTNB_LANES>(sel, wmem + WO_X_BIAS, first_elem, out_dim);
//   compute_linear(dst, src, sel, out_dim, in_dim, rows, queue_idx, queue_p, use_gelu, use_expert, use_score);
// Modes of compute_linear (run time, one instance for every call site):
//   direct     rows = TOKENS, token t reads src row t and writes dst row t;
//   use_expert token r of the expert queue: reads src row queue_idx[r] (gather) and writes dst row queue_idx[r]
//              (scatter), so tokens never move in DRAM (Edge-MoE's patch reordering);
//   use_score  dst row += queue_p[r] · y (read-modify-write: two experts of a token accumulate in place);
//   use_gelu   y = GELU(y) through gelu_approx.h before it is written.
// A row of `w` features occupies ceil(w / ACT_LANES) words at token stride ceil(w / ACT_LANES) (kernel contract).
//
// Arithmetic (as Edge-MoE, edge-moe.md §6): the accumulator starts at the bias; every product x·w is truncated to
// acc_t BEFORE it is added (so with Edge-MoE's acc_t = act_t = ap_fixed<32,10> each product loses its bits below
// 2^-22); a wider accumulator from the config keeps more of each product, because the truncation target is acc_t.
// The result is converted to act_t once, after the last input tile.
//
// Cycle model (EDGEMOE_TICK, generator/kernels/linear.ts): loads move one AXI word per cycle; compute does one tile
// (TILE_OUT·TILE_IN MACs) per cycle, rows · (out/TILE_OUT) · (in/TILE_IN) cycles. The input row is read during the
// first output tile and cached (lin_xrow), finished output words are written as soon as their last tile is done.
#ifndef EDGEMOE_UNIFIED_LINEAR_H
#define EDGEMOE_UNIFIED_LINEAR_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "gelu_approx.h"

// ---- word packing (kernel contract: element j of a word at bits [j*CB, (j+1)*CB), raw in the low bits) ----

/** Element j of a word as type T stored in CB-bit containers (the low T::width bits are T's raw bits). */
template <class T, int CB>
inline T word_elem(const word_t &w, int j) {
  T v;
  v.range(T::width - 1, 0) = w.range(j * CB + T::width - 1, j * CB);
  return v;
}

/** Activation j of a word. */
inline act_t act_get(const word_t &w, int j) { return word_elem<act_t, ACT_BITS>(w, j); }

/** Stores activation v as lane j of a word (sign-extended into its container). */
inline void act_set(word_t &w, int j, act_t v) {
  ap_int<ACT_BITS> c = 0;
  c.range(act_t::width - 1, 0) = v.range(act_t::width - 1, 0);
  if (act_t::width < ACT_BITS && v < 0) c.range(ACT_BITS - 1, act_t::width) = -1;
  w.range(j * ACT_BITS + ACT_BITS - 1, j * ACT_BITS) = c.range(ACT_BITS - 1, 0);
}

/** Words of a row of n activations (the token stride of an n-wide buffer). */
inline int act_row_words(int n) { return (n + ACT_LANES - 1) / ACT_LANES; }

// ---- on-chip state: ping/pong weight buffers and bias tiles, sized by the largest layer (params.h) ----

static wlin_t lin_wbuf[2][LIN_WBUF_TILES][TILE_OUT][TILE_IN];
static acc_t lin_bias[2][LIN_MAX_OUT];

/** 1 when every linear input width (DIM, MLP_HIDDEN, EXPERT_HIDDEN) is a whole number of weight words, so a weight
 *  word never straddles two matrix rows and its lane j always lands in the same in-tile column bank (below). */
static const bool LIN_WROWS_WORD_ALIGNED =
    DIM % WLIN_LANES == 0 && MLP_HIDDEN % WLIN_LANES == 0 && EXPERT_HIDDEN % WLIN_LANES == 0;

/**
 * Loads the [out_dim][in_dim] matrix whose element 0 is element `first` counted from wmem (one AXI word per cycle)
 * into buffer `sel` as tiles in out-major, in-minor order: tile (o / TILE_OUT)·(in_dim / TILE_IN) + i / TILE_IN.
 * When LIN_WROWS_WORD_ALIGNED (every preset; `first` is then a multiple of WLIN_LANES, as every caller passes a whole
 * number of matrices), the column of lane j is iw·WLIN_LANES + j: HLS sees that lane j always writes column bank
 * j % TILE_IN of the partitioned lin_wbuf, so the 16 writes of a word go to 16 distinct banks and the loop keeps II=1.
 * (The general path counts (o, i) per element; HLS cannot prove its writes hit distinct banks.)
 */
inline void load_linear_weights(int sel, const word_t *wmem, int first, int out_dim, int in_dim) {
#pragma HLS inline off  // one shared loader (ALLOCATION limit=1 in the top function needs a real instance)
  const int total = out_dim * in_dim;
  const int lane0 = first % WLIN_LANES;
  const int words = (lane0 + total + WLIN_LANES - 1) / WLIN_LANES;
  const int in_tiles = in_dim / TILE_IN;
  const word_t *base = wmem + first / WLIN_LANES;
  if (LIN_WROWS_WORD_ALIGNED) {
    const int row_words = in_dim / WLIN_LANES;
    int o = 0, iw = 0;
  lin_wload_rows:
    for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = LIN_WLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = base[wi];
    lin_wload_row_lanes:
      for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
        const int i = iw * WLIN_LANES + j;
        lin_wbuf[sel][(o / TILE_OUT) * in_tiles + i / TILE_IN][o % TILE_OUT][i % TILE_IN] = word_elem<wlin_t, WLIN_BITS>(word, j);
      }
      if (++iw == row_words) {
        iw = 0;
        o++;
      }
    }
    return;
  }
  int o = 0, i = 0;
lin_wload_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = LIN_WLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = base[wi];
  lin_wload_lanes:
    for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
      const int e = wi * WLIN_LANES + j - lane0;
      if (e >= 0 && e < total) {
        lin_wbuf[sel][(o / TILE_OUT) * in_tiles + i / TILE_IN][o % TILE_OUT][i % TILE_IN] = word_elem<wlin_t, WLIN_BITS>(word, j);
        if (++i == in_dim) {
          i = 0;
          o++;
        }
      }
    }
  }
}

/** Loads out_dim biases of type BT (CB-bit containers, LANES per word) starting at element `first` into tile `sel`. */
template <class BT, int CB, int LANES>
void load_linear_bias(int sel, const word_t *wmem, int first, int out_dim) {
  const int lane0 = first % LANES;
  const int words = (lane0 + out_dim + LANES - 1) / LANES;
  const word_t *base = wmem + first / LANES;
lin_bload_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = LIN_BLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = base[wi];
  lin_bload_lanes:
    for (int j = 0; j < LANES; j++) {
#pragma HLS unroll
      const int e = wi * LANES + j - lane0;
      if (e >= 0 && e < out_dim) lin_bias[sel][e] = acc_t(word_elem<BT, CB>(word, j));
    }
  }
}

/**
 * Runs the layer held in buffer `sel` on `rows` tokens (see the modes above). queue_idx / queue_p are the expert
 * queue of the current expert (ignored unless use_expert / use_score).
 */
inline void compute_linear(word_t *dst, const word_t *src, int sel, int out_dim, int in_dim, int rows, const pidx_t queue_idx[TOKENS],
                           const act_t queue_p[TOKENS], bool use_gelu, bool use_expert, bool use_score) {
#pragma HLS inline off
  static act_t lin_xrow[LIN_MAX_IN];  // input row cache, filled during the first output tile
  static act_t lin_yrow[LIN_MAX_OUT + ACT_LANES];  // finished outputs waiting for their word to fill
#pragma HLS array_partition variable = lin_xrow cyclic factor = TILE_IN  // TILE_IN inputs read per cycle
#pragma HLS array_partition variable = lin_wbuf complete dim = 3  // a whole TILE_OUT x TILE_IN tile read per cycle
#pragma HLS array_partition variable = lin_wbuf complete dim = 4
#pragma HLS array_partition variable = lin_bias cyclic factor = TILE_OUT dim = 2  // TILE_OUT biases read per cycle
  const int in_words = act_row_words(in_dim);
  const int out_words = act_row_words(out_dim);
  const int out_tiles = out_dim / TILE_OUT;
  const int in_tiles = in_dim / TILE_IN;
lin_rows:
  for (int r = 0; r < rows; r++) {
#pragma HLS loop_tripcount min = 1 max = TOKENS
    const int t = use_expert ? int(queue_idx[r]) : r;
    const act_t score = use_score ? queue_p[r] : act_t(0);
    const word_t *in_row = src + t * in_words;
    word_t *out_row = dst + t * out_words;
    int rd = 0;  // next input word to read
    int wr = 0;  // next output word to write
    acc_t acc[TILE_OUT];
#pragma HLS array_partition variable = acc complete
  lin_out_tiles:
    for (int ot = 0; ot < out_tiles; ot++) {
#pragma HLS loop_tripcount min = 1 max = LIN_OUT_TILES_MAX
    lin_in_tiles:
      for (int it = 0; it < in_tiles; it++) {
#pragma HLS loop_tripcount min = 1 max = LIN_IN_TILES_MAX
#pragma HLS pipeline II = 1
        EDGEMOE_TICK();
        if (ot == 0) {
        // Read the words this input tile needs (first output tile only; later tiles reuse the cache).
        lin_read_words:
          for (int k = 0; k < TILE_IN / ACT_LANES + 1; k++) {
#pragma HLS unroll
            if (rd < in_words && rd * ACT_LANES < (it + 1) * TILE_IN) {
              const word_t word = in_row[rd];
            lin_read_lanes:
              for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
                if (rd * ACT_LANES + j < in_dim) lin_xrow[rd * ACT_LANES + j] = act_get(word, j);
              }
              rd++;
            }
          }
        }
        const int tile = ot * in_tiles + it;
      lin_tile_out:
        for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
          acc_t a = it == 0 ? lin_bias[sel][ot * TILE_OUT + o] : acc[o];
        lin_tile_in:
          for (int i = 0; i < TILE_IN; i++) {
#pragma HLS unroll
            a += acc_t(lin_xrow[it * TILE_IN + i] * lin_wbuf[sel][tile][o][i]);  // product truncated to acc_t first
          }
          acc[o] = a;
        }
        if (it == in_tiles - 1) {
        lin_finish:
          for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
            act_t y = act_t(acc[o]);
            if (use_gelu) y = gelu_approx(y);
            lin_yrow[ot * TILE_OUT + o] = y;
          }
          const int done = (ot + 1) * TILE_OUT;  // outputs finished so far
        lin_write_words:
          for (int k = 0; k < TILE_OUT / ACT_LANES + 1; k++) {
#pragma HLS unroll
            if (wr < out_words && ((wr + 1) * ACT_LANES <= done || done == out_dim)) {
              word_t word = use_score ? out_row[wr] : word_t(0);
            lin_write_lanes:
              for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
                const int f = wr * ACT_LANES + j;
                if (f < out_dim) {
                  const act_t y = lin_yrow[f];
                  act_set(word, j, use_score ? act_t(act_get(word, j) + acc_t(score * y)) : y);
                }
              }
              out_row[wr] = word;
              wr++;
            }
          }
        }
      }
    }
  }
}

#endif  // EDGEMOE_UNIFIED_LINEAR_H
