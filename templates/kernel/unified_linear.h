// Unified, flexible linear unit (Edge-MoE innovation 4): ONE engine serves Q, K, V, proj, the dense MLP and every
// expert MLP. y[t] = W·x[t] + b with W a PyTorch [out][in] matrix held on chip in TILE_OUT×TILE_IN tiles.
//
// Usage, CONFIG_T a per-instance config struct (the generated params.h defines linear_config, hls4ml style) with
// members named as params.h's (the kernel contract):
//   typedef act_t, acc_t, wlin_t, wattnb_t, wbias_t, word_t, pidx_t;
//   static const int TOKENS, EXPERTS, DIM, MLP_HIDDEN, EXPERT_HIDDEN, ACT_LANES, ACT_BITS, TILE_IN, TILE_OUT;
//   static const int LIN_WBUF_TILES, LIN_MAX_IN, LIN_MAX_OUT, LIN_MIN_IN, LIN_IN_TILES_MAX, LIN_OUT_TILES_MAX, LIN_TILES_II;
//   static const int LIN_WLOAD_PORTS_II;   with WEIGHT_PORTS > 1: the port loader's II (the plan's, from the banking)
//   static const int LIN_WLOAD_MAX_WORDS, LIN_BLOAD_MAX_WORDS, LIN_SLOAD_MAX_WORDS;   loop tripcounts
//   static const int WLIN_*, WATTNB_*, WBIAS_* (BITS, LANES, W), WLIN_SCALED, WLIN_SCALE_BITS, WLIN_SCALE_LANES, WS_BITS_*;
// The caller owns two weight buffers ping/pong (lin_buffers<CONFIG_T>::w_t) and a bias buffer (::b_t):
//   load_linear_weights<CONFIG_T>(wping, wmem + WO_X_WEIGHT, first_elem, out_dim, in_dim, WS_X_WEIGHT, wmem1, wmem2, wmem3);
//   load_linear_bias<CONFIG_T, wattnb_t, WATTNB_BITS, WATTNB_LANES, WATTNB_W>(bping, wmem + WO_X_BIAS, first_elem, out_dim, WS_X_BIAS);
//   compute_linear<CONFIG_T>(dst, src, wping, bping, out_dim, in_dim, rows, queue_idx, queue_p, queue, use_gelu, use_expert, use_score);
//   linear_step<CONFIG_T>(dst, src, wping, bping, ..., bmem, b_first, b_sh, b_attn, wpong, wmem_next, next_first, next_out,
//               next_in, next_sh, wmem_next, wmem_next, wmem_next);  // bias of ping's layer, then compute ping while
//               the next layer loads into pong (one weight port: wmem_next stands in for the three port pointers)
// With CONFIG_T::WEIGHT_PORTS = N > 1 (hardware.weightPorts; absent = 1) the rows of every matrix alternate over N
// weight regions on N m_axi ports (row r in region r mod N, every part at the tensor's own offset): the loader, and
// linear_overlap / linear_step around it, take the other regions' pointers to the same tensor as wmem1 … wmem3, and
// one reader process per port streams its rows while the loader fills N rows of a tile per cycle. Those three are
// always real pointers (a design with fewer ports repeats one it has: kernel.cpp's linear_unit_step): no null m_axi
// pointer reaches a function that is not inlined.
// The header reads nothing from params.h, so one translation unit may instantiate it with several configs. ALLOCATION
// ignores a template name with its argument list (gotcha 9): the top function shares ONE linear_step instance through a
// plain wrapper of its own (kernel.cpp's linear_unit_step).
// queue_idx / queue_p are the [EXPERTS][TOKENS] expert queues and `queue` the expert whose row is used: an index, not
// a row pointer, so HLS never sees a sub-array at a run-time offset passed into the engine (Edge-MoE passes the expert
// index too). A single-queue overload (queue_idx[TOKENS], queue_p[TOKENS]) serves csim drivers.
// Modes of compute_linear (run time, one instance for every call site; use_patch, the last argument of linear_step /
// compute_linear, exists in every config but only a CONFIG_T with PATCH_UNIFIED = 1 has its reader path):
//   direct     rows = TOKENS, token t reads src row t and writes dst row t;
//   use_expert token r of the expert queue: reads src row queue_idx[r] (gather) and writes dst row queue_idx[r]
//              (scatter), so tokens never move in DRAM (Edge-MoE's patch reordering);
//   use_score  dst row += queue_p[r] · y (read-modify-write: two experts of a token accumulate in place);
//   use_gelu   y = GELU(y) through gelu_approx.h before it is written;
//   use_patch  hardware.patchEmbed = 'unified': src is one image [C][H][W] of pixel_t, row r is patch r (row-major
//              over the GRID_H x GRID_W grid), its C·p·p inputs in (c, ky, kx) order (lin_read_patch); dst direct.
// A row of `w` features occupies ceil(w / ACT_LANES) words at token stride ceil(w / ACT_LANES) (kernel contract).
//
// Arithmetic (as Edge-MoE, edge-moe.md §6): the accumulator starts at the bias; every product x·w is truncated to
// acc_t BEFORE it is added (so with Edge-MoE's acc_t = act_t = ap_fixed<32,10> each product loses its bits below
// 2^-22); a wider accumulator from the config keeps more of each product, because the truncation target is acc_t.
// The result is converted to act_t once, after the last input tile.
//
// Cycle model (EDGEMOE_TICK, generator/kernels/linear.ts): loads move one AXI word per cycle; compute does one tile
// (TILE_OUT·TILE_IN MACs) per cycle, rows · (out/TILE_OUT) · (in/TILE_IN) cycles. compute_linear is a dataflow
// region (reader -> compute -> writer, below): the input row arrives as tiles during the first output tile and is
// cached (xrow), finished output words are written as soon as their last tile is done. On hardware the first
// row's first output tile waits for the reader when an input tile spans several words (2 for Edge-MoE's 16 x 8);
// later rows are read ahead while the previous row computes.
#ifndef EDGEMOE_UNIFIED_LINEAR_H
#define EDGEMOE_UNIFIED_LINEAR_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"
#include "count_cycles.h"
#include "fixed_math.h"
#include "gelu_approx.h"

namespace edgemoe {

/** Weight ports of a config: CONFIG_T::WEIGHT_PORTS when the config declares it (hardware.weightPorts > 1), else 1. */
template <int>
struct lin_int_void {
  typedef void type;
};
template <class CONFIG_T, class = void>
struct lin_weight_ports {
  static const int N = 1;
};
template <class CONFIG_T>
struct lin_weight_ports<CONFIG_T, typename lin_int_void<CONFIG_T::WEIGHT_PORTS>::type> {
  static const int N = CONFIG_T::WEIGHT_PORTS;
};

/** hardware.patchEmbed = 'unified': CONFIG_T::PATCH_UNIFIED = 1 when the config declares it (absent = 0). The reader
 *  then has a patch path (lin_read_patch) and the config carries IN_CH, PATCH, GRID_H, GRID_W, IMG_H, IMG_W, PIXEL_BITS
 *  and pixel_t. */
template <class CONFIG_T, class = void>
struct lin_patch_unified {
  static const bool ON = false;
};
template <class CONFIG_T>
struct lin_patch_unified<CONFIG_T, typename lin_int_void<CONFIG_T::PATCH_UNIFIED>::type> {
  static const bool ON = CONFIG_T::PATCH_UNIFIED != 0;
};

/** Words of a row of n activations (the token stride of an n-wide buffer). */
template <class CONFIG_T>
int act_row_words(int n) { return (n + CONFIG_T::ACT_LANES - 1) / CONFIG_T::ACT_LANES; }

// ---- weight buffers: the caller owns them (the top function declares ping and pong as two separate arrays, so a
// load into one never has to wait for a compute reading the other; no state lives in this header) ----
template <class CONFIG_T>
struct lin_buffers {
  /** One weight buffer (ping or pong): the largest layer in TILE_OUT x TILE_IN tiles. */
  typedef typename CONFIG_T::wlin_t w_t[CONFIG_T::LIN_WBUF_TILES][CONFIG_T::TILE_OUT][CONFIG_T::TILE_IN];
  /** The bias buffer. */
  typedef typename CONFIG_T::acc_t b_t[CONFIG_T::LIN_MAX_OUT];
  // Read-only views (const on a dependent array typedef is not applied to its elements by g++).
  typedef const typename CONFIG_T::wlin_t cw_t[CONFIG_T::LIN_WBUF_TILES][CONFIG_T::TILE_OUT][CONFIG_T::TILE_IN];
  typedef const typename CONFIG_T::acc_t cb_t[CONFIG_T::LIN_MAX_OUT];
};

/** Sizes derived from a config: the reader / writer geometry and the weight layout. */
template <class CONFIG_T>
struct lin_geometry {
  /** 1 when every linear input width (DIM, MLP_HIDDEN, EXPERT_HIDDEN) is a whole number of weight words, so a weight
   *  word never straddles two matrix rows and its lane j always lands in the same in-tile column bank (below). */
  static const bool WROWS_WORD_ALIGNED = CONFIG_T::DIM % CONFIG_T::WLIN_LANES == 0 && CONFIG_T::MLP_HIDDEN % CONFIG_T::WLIN_LANES == 0 &&
                                         CONFIG_T::EXPERT_HIDDEN % CONFIG_T::WLIN_LANES == 0;
  static const int WORDS_PER_XTILE = CONFIG_T::TILE_IN >= CONFIG_T::ACT_LANES ? CONFIG_T::TILE_IN / CONFIG_T::ACT_LANES : 1;    // input words per tile
  static const int XTILES_PER_WORD = CONFIG_T::ACT_LANES > CONFIG_T::TILE_IN ? CONFIG_T::ACT_LANES / CONFIG_T::TILE_IN : 1;     // input tiles per word
  static const int WORDS_PER_YTILE = CONFIG_T::TILE_OUT >= CONFIG_T::ACT_LANES ? CONFIG_T::TILE_OUT / CONFIG_T::ACT_LANES : 1;  // output words per tile
  static const int YTILES_PER_WORD = CONFIG_T::ACT_LANES > CONFIG_T::TILE_OUT ? CONFIG_T::ACT_LANES / CONFIG_T::TILE_OUT : 1;   // output tiles per word
  static const int READ_MAX = CONFIG_T::TOKENS * CONFIG_T::LIN_IN_TILES_MAX * WORDS_PER_XTILE;    // reader iterations of one call (tripcount)
  static const int WRITE_MAX = CONFIG_T::TOKENS * CONFIG_T::LIN_OUT_TILES_MAX * WORDS_PER_YTILE;  // writer iterations of one call (tripcount)
  static const int TILES_MAX = CONFIG_T::TOKENS * CONFIG_T::LIN_OUT_TILES_MAX * CONFIG_T::LIN_IN_TILES_MAX;  // compute iterations (tripcount)
  static const int IN_TILES_MIN = CONFIG_T::LIN_MIN_IN / CONFIG_T::TILE_IN;  // fewest input tiles of a layer: xrow's reuse distance
};


/**
 * Loads the [out_dim][in_dim] matrix whose element 0 is element `first` counted from wmem (one AXI word per cycle)
 * into `wbuf` as tiles in out-major, in-minor order: tile (o / TILE_OUT)·(in_dim / TILE_IN) + i / TILE_IN.
 * When LIN_WROWS_WORD_ALIGNED (every preset; `first` is then a multiple of WLIN_LANES, as every caller passes a whole
 * number of matrices), a word's lanes are whole tile rows or one part of a tile row, and lin_wload_put stores them
 * with constant column banks: lane j at column j % TILE_IN when TILE_IN ≤ WLIN_LANES, else column c from lane
 * c % WLIN_LANES under the enable c / WLIN_LANES == (word of the tile row). A lane bank then has WLIN_LANES / TILE_IN
 * store sites (at least one) per row it holds, which the plan's banking counts against its write ports
 * (generator/plan/storage.ts). (The general path counts (o, i) per element; HLS cannot prove its writes hit distinct
 * banks.)
 */
/** Per-channel weight scales (WLIN_SCALED): loads the 16-bit entries of rows row0 .. row0 + rows − 1 of a scale
 *  table (one word per cycle) into rs. Entry = sh | m << 8 (params.h). */
template <class CONFIG_T, int N, int T_SLOAD_MAX_WORDS = CONFIG_T::LIN_SLOAD_MAX_WORDS>
void load_row_scales(ap_uint<16> rs[N], const typename CONFIG_T::word_t *smem, int row0, int rows) {
  typedef typename CONFIG_T::word_t word_t;
  const int WLIN_SCALE_LANES = CONFIG_T::WLIN_SCALE_LANES;
  const int lane0 = row0 % WLIN_SCALE_LANES;
  const int words = rows > 0 ? (lane0 + rows + WLIN_SCALE_LANES - 1) / WLIN_SCALE_LANES : 0;
  const word_t *base = smem + row0 / WLIN_SCALE_LANES;
lin_sload_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_SLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = base[wi];
  lin_sload_lanes:
    for (int j = 0; j < WLIN_SCALE_LANES; j++) {
#pragma HLS unroll
      const int r = wi * WLIN_SCALE_LANES + j - lane0;
      if (r >= 0 && r < rows) rs[r] = word.range(16 * j + 15, 16 * j);
    }
  }
}

/** Weight j of a word in row scale entry e's row (WLIN_SCALED) or with the tensor's shift alone. */
template <class CONFIG_T>
typename CONFIG_T::wlin_t wlin_lane(const typename CONFIG_T::word_t &word, int j, int sh, const ap_uint<16> &e) {
  typedef typename CONFIG_T::wlin_t wlin_t;
  if (CONFIG_T::WLIN_SCALED)
    return fxm_lane_get_scaled<wlin_t, CONFIG_T::WLIN_BITS, CONFIG_T::WLIN_W, CONFIG_T::WLIN_SCALE_BITS, CONFIG_T::WS_BITS_WLIN>(
        word, j, sh - int(e.range(7, 0)), e.range(15, 8));
  return fxm_lane_get_shifted<wlin_t, CONFIG_T::WLIN_BITS, CONFIG_T::WLIN_W, CONFIG_T::WS_BITS_WLIN>(word, j, sh);
}

// ---- several weight ports (WEIGHT_PORTS > 1): a reader per port, the loader takes a word of each per cycle ----

/** One weight port's reader: `words` consecutive words from p into ws, one per cycle (the port's only m_axi access).
 *  T_WORDS_MAX: its share of a load (LIN_WLOAD_MAX_WORDS / PORTS), the loop tripcount. */
template <class CONFIG_T, int T_WORDS_MAX>
void lin_wport_read(const typename CONFIG_T::word_t *p, int words, hls::stream<typename CONFIG_T::word_t> &ws) {
#pragma HLS inline off  // one process per port (of lin_wload_ports's DATAFLOW)
lin_wport_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_WORDS_MAX
#pragma HLS pipeline II = 1
    ws.write(p[wi]);
  }
}

/** Stores the WLIN_LANES weights v of one word into tile row r, the word's first weight in tile `tile` at column
 *  cw·WLIN_LANES (cw = 0 when a word spans whole tile rows: TILE_IN ≤ WLIN_LANES). Every store has a constant column
 *  bank: lane j goes to column j % TILE_IN of tile tile + j / TILE_IN, or, when a tile row takes several words, column
 *  c is written from lane c % WLIN_LANES under the run-time enable c / WLIN_LANES == cw (one store site per bank). */
template <class CONFIG_T>
FXM_INLINE void lin_wload_put(typename lin_buffers<CONFIG_T>::w_t wbuf, int tile, int r, int cw, const typename CONFIG_T::wlin_t v[CONFIG_T::WLIN_LANES]) {
#pragma HLS inline
  const int TILE_IN = CONFIG_T::TILE_IN, WLIN_LANES = CONFIG_T::WLIN_LANES;
  if (TILE_IN > WLIN_LANES) {
  lin_wload_put_cols:
    for (int c = 0; c < TILE_IN; c++) {
#pragma HLS unroll
      if (c / WLIN_LANES == cw) wbuf[tile][r][c] = v[c % WLIN_LANES];
    }
  } else {
  lin_wload_put_lanes:
    for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
      wbuf[tile + j / TILE_IN][r][j % TILE_IN] = v[j];
    }
  }
}

/** The loader of PORTS streams: word wi of port k is word wi % row_words of matrix row PORTS·(wi / row_words) + k, so
 *  one cycle fills the PORTS rows g·PORTS … g·PORTS + PORTS − 1 of a tile (row group g, PORTS | TILE_OUT). The stores
 *  are unrolled over all TILE_OUT rows with the run-time enable r / PORTS == g, so each one names a constant row bank
 *  and a bank sees one store site per row it holds (HLS cannot prove a run-time row index distinct per port). rs: the
 *  rows' scale entries (WLIN_SCALED), entry og·PORTS + k of row group og (a constant bank k of the cyclic-PORTS
 *  partition). T_II: the plan's II (generator/plan/loops.ts, from the banking's writes per bank and write ports). */
template <class CONFIG_T, int PORTS, int T_WORDS_MAX, int T_WLOAD_II = CONFIG_T::LIN_WLOAD_PORTS_II>
void lin_wload_fill(typename lin_buffers<CONFIG_T>::w_t wbuf, hls::stream<typename CONFIG_T::word_t> ws[PORTS], const ap_uint<16> *rs, int words,
                    int in_dim, int sh) {
#pragma HLS inline off  // the loader process
  typedef typename CONFIG_T::wlin_t wlin_t;
  const int TILE_IN = CONFIG_T::TILE_IN, TILE_OUT = CONFIG_T::TILE_OUT, WLIN_LANES = CONFIG_T::WLIN_LANES;
  const int WLIN_SCALED = CONFIG_T::WLIN_SCALED;
  const int GROUPS = TILE_OUT / PORTS;                                     // row groups of a tile
  const int COL_WORDS = TILE_IN > WLIN_LANES ? TILE_IN / WLIN_LANES : 1;  // words of one tile row
  const int TILE_STEP = TILE_IN > WLIN_LANES ? 1 : WLIN_LANES / TILE_IN;  // tiles a word spans (or 1 per COL_WORDS words)
  const int row_words = in_dim / WLIN_LANES;
  const int in_tiles = in_dim / TILE_IN;
  int iw = 0, og = 0;    // word of the row, row group of the matrix (rows og·PORTS + k)
  int g = 0, trow = 0;   // row group of the tile (og % GROUPS) and its first tile ((og / GROUPS) · in_tiles), counted
  int xt = 0, cw = 0;    // tile of the row and column word of the tile of word iw, counted
lin_wload_ports:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_WORDS_MAX
#pragma HLS pipeline II = T_WLOAD_II
    EDGEMOE_TICK();
    wlin_t v[PORTS][WLIN_LANES];
#pragma HLS array_partition variable = v complete dim = 0  // registers
  lin_wload_port_words:
    for (int k = 0; k < PORTS; k++) {
#pragma HLS unroll
      const typename CONFIG_T::word_t word = ws[k].read();
    lin_wload_port_lanes:
      for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
        v[k][j] = wlin_lane<CONFIG_T>(word, j, sh, rs[WLIN_SCALED ? og * PORTS + k : 0]);
      }
    }
  lin_wload_port_rows:
    for (int r = 0; r < TILE_OUT; r++) {
#pragma HLS unroll
      if (r / PORTS == g) lin_wload_put<CONFIG_T>(wbuf, trow + xt, r, cw, v[r % PORTS]);
    }
    if (++cw == COL_WORDS) {
      cw = 0;
      xt += TILE_STEP;
    }
    if (++iw == row_words) {
      iw = 0;
      cw = 0;
      xt = 0;
      og++;
      if (++g == GROUPS) {
        g = 0;
        trow += in_tiles;
      }
    }
  }
}

/** A load over PORTS weight ports (load_linear_weights' arguments): the rows' scales (WLIN_SCALED, from the weights
 *  region, PORTS read per cycle by the loader), then the readers and the loader as one DATAFLOW region; a form per
 *  supported PORTS (the primary template is never called: one port takes load_linear_weights' own loops). */
template <class CONFIG_T, int PORTS>
struct lin_wload_ports {
  static void run(typename lin_buffers<CONFIG_T>::w_t, const typename CONFIG_T::word_t *, const typename CONFIG_T::word_t *,
                  const typename CONFIG_T::word_t *, const typename CONFIG_T::word_t *, int, int, int, int) {}
};

/** The row scales of a PORTS-port load into rs (sh carries the table's word offset above bit 8, as for one port). */
template <class CONFIG_T, int N>
void lin_wload_port_scales(ap_uint<16> rs[N], const typename CONFIG_T::word_t *wmem, int first, int out_dim, int in_dim, int sh) {
#pragma HLS inline
  if (CONFIG_T::WLIN_SCALED && out_dim > 0) load_row_scales<CONFIG_T, N>(rs, wmem + (sh >> 8), first / in_dim, out_dim);
}

template <class CONFIG_T>
void lin_wload_ports2(typename lin_buffers<CONFIG_T>::w_t wbuf, const typename CONFIG_T::word_t *p0, const typename CONFIG_T::word_t *p1,
                      const ap_uint<16> *rs, int words, int in_dim, int sh) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  hls::stream<typename CONFIG_T::word_t> ws[2];
#pragma HLS stream variable = ws depth = 2  // each reader runs a word ahead of the loader
  const int MAXW = CONFIG_T::LIN_WLOAD_MAX_WORDS / 2 + 1;  // a port's share of the largest load (tripcount)
  lin_wport_read<CONFIG_T, MAXW>(p0, words, ws[0]);
  lin_wport_read<CONFIG_T, MAXW>(p1, words, ws[1]);
  lin_wload_fill<CONFIG_T, 2, MAXW>(wbuf, ws, rs, words, in_dim, sh);
}

template <class CONFIG_T>
void lin_wload_ports4(typename lin_buffers<CONFIG_T>::w_t wbuf, const typename CONFIG_T::word_t *p0, const typename CONFIG_T::word_t *p1,
                      const typename CONFIG_T::word_t *p2, const typename CONFIG_T::word_t *p3, const ap_uint<16> *rs, int words, int in_dim,
                      int sh) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  hls::stream<typename CONFIG_T::word_t> ws[4];
#pragma HLS stream variable = ws depth = 2  // each reader runs a word ahead of the loader
  const int MAXW = CONFIG_T::LIN_WLOAD_MAX_WORDS / 4 + 1;  // a port's share of the largest load (tripcount)
  lin_wport_read<CONFIG_T, MAXW>(p0, words, ws[0]);
  lin_wport_read<CONFIG_T, MAXW>(p1, words, ws[1]);
  lin_wport_read<CONFIG_T, MAXW>(p2, words, ws[2]);
  lin_wport_read<CONFIG_T, MAXW>(p3, words, ws[3]);
  lin_wload_fill<CONFIG_T, 4, MAXW>(wbuf, ws, rs, words, in_dim, sh);
}

template <class CONFIG_T>
struct lin_wload_ports<CONFIG_T, 2> {
  static void run(typename lin_buffers<CONFIG_T>::w_t wbuf, const typename CONFIG_T::word_t *p0, const typename CONFIG_T::word_t *p1,
                  const typename CONFIG_T::word_t *, const typename CONFIG_T::word_t *, int first, int out_dim, int in_dim, int sh) {
#pragma HLS inline
    const int N = CONFIG_T::WLIN_SCALED ? CONFIG_T::LIN_MAX_OUT : 2;
    ap_uint<16> rs[N];
#pragma HLS array_partition variable = rs cyclic factor = 2  // two rows' scales read per cycle
    lin_wload_port_scales<CONFIG_T, N>(rs, p0, first, out_dim, in_dim, sh);
    const int off = first / (CONFIG_T::WLIN_LANES * 2);  // each part of the matrix starts this many words in
    lin_wload_ports2<CONFIG_T>(wbuf, p0 + off, p1 + off, rs, out_dim * (in_dim / CONFIG_T::WLIN_LANES) / 2, in_dim, CONFIG_T::WLIN_SCALED ? sh & 255 : sh);
  }
};

template <class CONFIG_T>
struct lin_wload_ports<CONFIG_T, 4> {
  static void run(typename lin_buffers<CONFIG_T>::w_t wbuf, const typename CONFIG_T::word_t *p0, const typename CONFIG_T::word_t *p1,
                  const typename CONFIG_T::word_t *p2, const typename CONFIG_T::word_t *p3, int first, int out_dim, int in_dim, int sh) {
#pragma HLS inline
    const int N = CONFIG_T::WLIN_SCALED ? CONFIG_T::LIN_MAX_OUT : 4;
    ap_uint<16> rs[N];
#pragma HLS array_partition variable = rs cyclic factor = 4  // four rows' scales read per cycle
    lin_wload_port_scales<CONFIG_T, N>(rs, p0, first, out_dim, in_dim, sh);
    const int off = first / (CONFIG_T::WLIN_LANES * 4);  // each part of the matrix starts this many words in
    lin_wload_ports4<CONFIG_T>(wbuf, p0 + off, p1 + off, p2 + off, p3 + off, rs, out_dim * (in_dim / CONFIG_T::WLIN_LANES) / 4, in_dim,
                               CONFIG_T::WLIN_SCALED ? sh & 255 : sh);
  }
};

/** With WEIGHT_PORTS > 1, wmem1 … point at the same tensor in the other weight regions and the matrix's rows alternate
 *  over them (`first` then counts a whole matrix of the tensor, as every caller passes). Ports the design does not
 *  have get a real pointer too (wmem with one port, wmem1 with two), never a null one: the function is not inlined,
 *  and an m_axi argument HLS does not remove must bind to a bundle (kernel.cpp's "no null m_axi pointer" rule). */
template <class CONFIG_T, int T_WLOAD_MAX_WORDS = CONFIG_T::LIN_WLOAD_MAX_WORDS>
void load_linear_weights(typename lin_buffers<CONFIG_T>::w_t wbuf, const typename CONFIG_T::word_t *wmem, int first, int out_dim,
                         int in_dim, int sh, const typename CONFIG_T::word_t *wmem1, const typename CONFIG_T::word_t *wmem2,
                         const typename CONFIG_T::word_t *wmem3) {
#pragma HLS inline off  // one loader process (of linear_overlap's DATAFLOW)
  typedef typename CONFIG_T::word_t word_t;
  const int TILE_IN = CONFIG_T::TILE_IN, TILE_OUT = CONFIG_T::TILE_OUT, WLIN_LANES = CONFIG_T::WLIN_LANES;
  const int WLIN_SCALED = CONFIG_T::WLIN_SCALED, LIN_MAX_OUT = CONFIG_T::LIN_MAX_OUT;
  const int PORTS = lin_weight_ports<CONFIG_T>::N;
  if (PORTS > 1) {  // rows alternate over the ports (WEIGHT_PORTS > 1: a form of its own, scales included)
    lin_wload_ports<CONFIG_T, PORTS>::run(wbuf, wmem, wmem1, wmem2, wmem3, first, out_dim, in_dim, sh);
    return;
  }
  // Per-channel scales: sh carries the scale table's word offset above bit 8 (params.h WS_*); its rows load first.
  ap_uint<16> rs[WLIN_SCALED ? LIN_MAX_OUT : 1];
  if (WLIN_SCALED && out_dim > 0) load_row_scales<CONFIG_T, WLIN_SCALED ? LIN_MAX_OUT : 1>(rs, wmem + (sh >> 8), first / in_dim, out_dim);
  if (WLIN_SCALED) sh &= 255;
  const int total = out_dim * in_dim;
  const int lane0 = first % WLIN_LANES;
  const int words = (lane0 + total + WLIN_LANES - 1) / WLIN_LANES;
  const int in_tiles = in_dim / TILE_IN;
  const word_t *base = wmem + first / WLIN_LANES;
  if (lin_geometry<CONFIG_T>::WROWS_WORD_ALIGNED) {
    const int row_words = in_dim / WLIN_LANES;
    const int COL_WORDS = TILE_IN > WLIN_LANES ? TILE_IN / WLIN_LANES : 1;  // words of one tile row
    const int TILE_STEP = TILE_IN > WLIN_LANES ? 1 : WLIN_LANES / TILE_IN;  // tiles a word spans (or 1 per COL_WORDS words)
    int o = 0, iw = 0;
    int oo = 0, trow = 0;  // o % TILE_OUT and (o / TILE_OUT) * in_tiles, counted (no run-time multiply per cycle)
    int xt = 0, cw = 0;    // tile of the row and column word of the tile of word iw, counted
  lin_wload_rows:
    for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_WLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = base[wi];
      typename CONFIG_T::wlin_t v[WLIN_LANES];
#pragma HLS array_partition variable = v complete  // registers
    lin_wload_row_lanes:
      for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
        v[j] = wlin_lane<CONFIG_T>(word, j, sh, rs[WLIN_SCALED ? o : 0]);
      }
      lin_wload_put<CONFIG_T>(wbuf, trow + xt, oo, cw, v);  // one row per cycle: its run-time row bank has one store site
      if (++cw == COL_WORDS) {
        cw = 0;
        xt += TILE_STEP;
      }
      if (++iw == row_words) {
        iw = 0;
        cw = 0;
        xt = 0;
        o++;
        if (++oo == TILE_OUT) {
          oo = 0;
          trow += in_tiles;
        }
      }
    }
    return;
  }
  int o = 0, i = 0;
  int oo = 0, trow = 0;  // o % TILE_OUT and (o / TILE_OUT) * in_tiles, counted
lin_wload_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_WLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = base[wi];
  lin_wload_lanes:
    for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
      const int e = wi * WLIN_LANES + j - lane0;
      if (e >= 0 && e < total) {
        wbuf[trow + i / TILE_IN][oo][i % TILE_IN] = wlin_lane<CONFIG_T>(word, j, sh, rs[WLIN_SCALED ? o : 0]);
        if (++i == in_dim) {
          i = 0;
          o++;
          if (++oo == TILE_OUT) {
            oo = 0;
            trow += in_tiles;
          }
        }
      }
    }
  }
}

/** Loads out_dim biases of type BT (CB-bit containers of SW-bit raw values, LANES per word; the tensor's raw value
 *  shifted left by sh into BT) starting at element `first` into `bbuf`. */
template <class CONFIG_T, class BT, int CB, int LANES, int SW = BT::width, int T_BLOAD_MAX_WORDS = CONFIG_T::LIN_BLOAD_MAX_WORDS>
void load_linear_bias(typename lin_buffers<CONFIG_T>::b_t bbuf, const typename CONFIG_T::word_t *wmem, int first, int out_dim, int sh = 0) {
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  const int DIM = CONFIG_T::DIM, MLP_HIDDEN = CONFIG_T::MLP_HIDDEN, EXPERT_HIDDEN = CONFIG_T::EXPERT_HIDDEN;
  const int WS_BITS_WATTNB = CONFIG_T::WS_BITS_WATTNB, WS_BITS_WBIAS = CONFIG_T::WS_BITS_WBIAS;
  // When every layer width is a whole number of bias words (every preset), `first` (a whole number of bias vectors
  // from the tensor start) is word-aligned: lane0 is the constant 0, so lane j writes element wi·LANES + j, a bank
  // HLS can place statically in the TILE_OUT-way partitioned bias buffer (II=1).
  const bool aligned = DIM % LANES == 0 && MLP_HIDDEN % LANES == 0 && EXPERT_HIDDEN % LANES == 0;
  const int lane0 = aligned ? 0 : first % LANES;
  const int words = (lane0 + out_dim + LANES - 1) / LANES;
  const word_t *base = wmem + first / LANES;
  // Shifter bits of the format's class (both when the two bias formats coincide): 0 leaves the lanes without one.
  constexpr bool attnb = CB == CONFIG_T::WATTNB_BITS && LANES == CONFIG_T::WATTNB_LANES && SW == CONFIG_T::WATTNB_W;
  constexpr bool mlpb = CB == CONFIG_T::WBIAS_BITS && LANES == CONFIG_T::WBIAS_LANES && SW == CONFIG_T::WBIAS_W;
  constexpr int SHB = (attnb && WS_BITS_WATTNB > WS_BITS_WBIAS) || !mlpb ? WS_BITS_WATTNB : WS_BITS_WBIAS;
lin_bload_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS loop_tripcount min = 1 max = T_BLOAD_MAX_WORDS
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = base[wi];
  lin_bload_lanes:
    for (int j = 0; j < LANES; j++) {
#pragma HLS unroll
      const int e = wi * LANES + j - lane0;
      if (e >= 0 && e < out_dim) bbuf[e] = acc_t(fxm_lane_get_shifted<BT, CB, SW, SHB>(word, j, sh));
    }
  }
}

// ---- compute_linear: a dataflow of reader -> compute -> writer (Edge-MoE's linear.cpp shape) ----
// Every m_axi access is in the reader (src: contiguous rows in one burst, or rows gathered by token) or the writer
// (dst: contiguous, or scattered by token and read-modify-write with use_score); the compute stage sees only streams and on-chip arrays. Each stage is ONE counter-driven pipelined loop
// over all its rows (Edge-MoE / finn style), so no pipeline fill or m_axi latency is paid per row. Only the compute
// loop ticks (EDGEMOE_TICK): reader and writer run beside it.

/** One input tile (TILE_IN activations) and one finished output tile (TILE_OUT activations, GELU applied). */
template <class CONFIG_T>
struct lin_xtile_t {
  typename CONFIG_T::act_t v[CONFIG_T::TILE_IN];
};
template <class CONFIG_T>
struct lin_ytile_t {
  typename CONFIG_T::act_t v[CONFIG_T::TILE_OUT];
};
/** Where a row is read from / written to (token index) and its gate probability (use_score). */
template <class CONFIG_T>
struct lin_rowinfo_t {
  int t;
  typename CONFIG_T::act_t score;
};

/** One reader step: lane(s) of `word` into the tile being filled; pushes the tile when it is complete. */
template <class CONFIG_T>
FXM_INLINE void lin_read_step(const typename CONFIG_T::word_t &word, int s, typename CONFIG_T::act_t xa[CONFIG_T::TILE_IN], hls::stream<lin_xtile_t<CONFIG_T> > &xs) {
  typedef typename CONFIG_T::act_t act_t;
  const int TILE_IN = CONFIG_T::TILE_IN, ACT_LANES = CONFIG_T::ACT_LANES, ACT_BITS = CONFIG_T::ACT_BITS;
  if (lin_geometry<CONFIG_T>::WORDS_PER_XTILE > 1) {  // several words fill one tile
  lin_read_fill_lanes:
    for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
      xa[(s % lin_geometry<CONFIG_T>::WORDS_PER_XTILE) * ACT_LANES + j] = fxm_lane_get<act_t, ACT_BITS>(word, j);
    }
  } else {  // one word holds one or more whole tiles
  lin_read_split_lanes:
    for (int k = 0; k < TILE_IN; k++) {
#pragma HLS unroll
      xa[k] = fxm_lane_get<act_t, ACT_BITS>(word, (s % lin_geometry<CONFIG_T>::XTILES_PER_WORD) * TILE_IN + k);
    }
  }
  if (s % lin_geometry<CONFIG_T>::WORDS_PER_XTILE == lin_geometry<CONFIG_T>::WORDS_PER_XTILE - 1) {  // the tile is complete
    lin_xtile_t<CONFIG_T> x;
  lin_read_push:
    for (int k = 0; k < TILE_IN; k++) {
#pragma HLS unroll
      x.v[k] = xa[k];
    }
    xs.write(x);
  }
}

/** Reader, direct path: rows 0..rows-1 are contiguous, so word i of the loop is word i / lin_geometry<CONFIG_T>::XTILES_PER_WORD of src
 *  (a sequential address with a fixed stride: one burst). */
template <class CONFIG_T, int T_READ_MAX = lin_geometry<CONFIG_T>::READ_MAX>
void lin_read_direct(const typename CONFIG_T::word_t *src, int in_dim, int rows, hls::stream<lin_xtile_t<CONFIG_T> > &xs, hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int TILE_IN = CONFIG_T::TILE_IN;
  const int steps = act_row_words<CONFIG_T>(in_dim) * lin_geometry<CONFIG_T>::XTILES_PER_WORD;  // = in_tiles * lin_geometry<CONFIG_T>::WORDS_PER_XTILE
  word_t word = 0;
  act_t xa[TILE_IN];  // the tile being filled
#pragma HLS array_partition variable = xa complete
  int r = 0, s = 0;
lin_read_direct_steps:
  for (int i = 0; i < rows * steps; i++) {
#pragma HLS loop_tripcount min = 1 max = T_READ_MAX
#pragma HLS pipeline II = 1
    if (s == 0) {
      lin_rowinfo_t<CONFIG_T> ri;
      ri.t = r;
      ri.score = 0;
      info.write(ri);
    }
    if (s % lin_geometry<CONFIG_T>::XTILES_PER_WORD == 0) word = src[i / lin_geometry<CONFIG_T>::XTILES_PER_WORD];
    lin_read_step<CONFIG_T>(word, s, xa, xs);
    if (++s == steps) {
      s = 0;
      r++;
    }
  }
}

/** Reader, gathered path (use_expert, or use_score): row r is token queue_idx[queue][r] (r without use_expert), a
 *  data-dependent row address, so each
 *  word is its own request (no burst; the estimator charges the m_axi latency over the outstanding requests). */
template <class CONFIG_T, int T_READ_MAX = lin_geometry<CONFIG_T>::READ_MAX>
void lin_read_gather(const typename CONFIG_T::word_t *src, int in_dim, int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS],
                            const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue, bool use_expert, bool use_score, hls::stream<lin_xtile_t<CONFIG_T> > &xs,
                            hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int TILE_IN = CONFIG_T::TILE_IN;
  const int in_words = act_row_words<CONFIG_T>(in_dim);
  const int steps = in_words * lin_geometry<CONFIG_T>::XTILES_PER_WORD;
  word_t word = 0;
  act_t xa[TILE_IN];
#pragma HLS array_partition variable = xa complete
  int r = 0, s = 0, t = 0;
lin_read_gather_steps:
  for (int i = 0; r < rows; i++) {  // ends on the row counter: no rows * steps multiply (no burst to keep here)
#pragma HLS loop_tripcount min = 1 max = T_READ_MAX
#pragma HLS pipeline II = 1
    if (s == 0) {
      lin_rowinfo_t<CONFIG_T> ri;
      ri.t = use_expert ? int(queue_idx[queue][r]) : r;
      ri.score = use_score ? queue_p[queue][r] : act_t(0);
      info.write(ri);
      t = ri.t;
    }
    if (s % lin_geometry<CONFIG_T>::XTILES_PER_WORD == 0) word = src[t * in_words + s / lin_geometry<CONFIG_T>::XTILES_PER_WORD];
    lin_read_step<CONFIG_T>(word, s, xa, xs);
    if (++s == steps) {
      s = 0;
      r++;
    }
  }
}

/** The patch reader's geometry (PATCH_UNIFIED configs): a step reads a group of G = min(pixels per word, PATCH)
 *  pixels of one image row (inside one AXI word: validated), XT tiles per group when G ≥ TILE_IN, or GT groups per
 *  tile when G < TILE_IN. A patch's C·p·p inputs come in (c, ky, kx) order, the patch matrix's column order. */
template <class CONFIG_T>
struct lin_patch_geometry {
  static const int PL = CONFIG_T::word_t::width / CONFIG_T::PIXEL_BITS;  // pixels per word
  static const int G = PL < CONFIG_T::PATCH ? PL : CONFIG_T::PATCH;
  static const int ROW_GROUPS = CONFIG_T::PATCH / G;  // groups per patch row of pixels
  static const int XT = G >= CONFIG_T::TILE_IN ? G / CONFIG_T::TILE_IN : 1;
  static const int GT = CONFIG_T::TILE_IN > G ? CONFIG_T::TILE_IN / G : 1;
  static const int STEPS = CONFIG_T::IN_CH * CONFIG_T::PATCH * ROW_GROUPS * XT;  // steps per patch
  static const int PATCHES = CONFIG_T::GRID_H * CONFIG_T::GRID_W;
};

/** Reader, patch path (hardware.patchEmbed = 'unified'): row r is patch r = (py, px) of the image at img, its
 *  C·p·p pixels converted to act_t (the pixel type's values are exact in act_t when act_t has ≥ its fraction bits).
 *  Fixed trip count; the element address is counted (no multiply). Each group is its own request: single beats. */
template <class CONFIG_T, int T_STEPS = lin_patch_geometry<CONFIG_T>::PATCHES * lin_patch_geometry<CONFIG_T>::STEPS>
void lin_read_patch(const typename CONFIG_T::word_t *img, hls::stream<lin_xtile_t<CONFIG_T> > &xs, hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::pixel_t pixel_t;
  typedef typename CONFIG_T::word_t word_t;
  typedef lin_patch_geometry<CONFIG_T> PG;
  const int TILE_IN = CONFIG_T::TILE_IN, PATCH = CONFIG_T::PATCH, IMG_W = CONFIG_T::IMG_W, IMG_H = CONFIG_T::IMG_H;
  const int G = PG::G, PL = PG::PL;
  act_t gv[G];       // the group being split into tiles
  act_t xa[TILE_IN];  // the tile being filled
#pragma HLS array_partition variable = gv complete
#pragma HLS array_partition variable = xa complete
  int r = 0, px = 0, c = 0, ky = 0, kg = 0, sub = 0, gi = 0;
  int pb = 0;   // element index of the patch's pixel (0, py·PATCH, px·PATCH)
  int off = 0;  // c·IMG_H·IMG_W + ky·IMG_W + kg·G
lin_read_patch_steps:
  for (int i = 0; i < T_STEPS; i++) {
#pragma HLS pipeline II = 1
    if (c == 0 && ky == 0 && kg == 0 && sub == 0) {
      lin_rowinfo_t<CONFIG_T> ri;
      ri.t = r;
      ri.score = 0;
      info.write(ri);
    }
    if (sub == 0) {
      const int e = pb + off;
      const word_t word = img[e / PL];
      const int l0 = G == PL ? 0 : e % PL;  // a multiple of G: the group lies inside the word
    lin_read_patch_pixels:
      for (int q = 0; q < G; q++) {
#pragma HLS unroll
        gv[q] = act_t(fxm_lane_get<pixel_t, CONFIG_T::PIXEL_BITS>(word, l0 + q));
      }
    }
    if (G >= TILE_IN) {  // one group holds XT tiles
    lin_read_patch_split:
      for (int k = 0; k < TILE_IN; k++) {
#pragma HLS unroll
        xa[k] = gv[sub * TILE_IN + k];
      }
    } else {  // GT groups fill one tile
    lin_read_patch_fill:
      for (int q = 0; q < G; q++) {
#pragma HLS unroll
        xa[gi * G + q] = gv[q];
      }
    }
    if (G >= TILE_IN || gi == PG::GT - 1) {
      lin_xtile_t<CONFIG_T> x;
    lin_read_patch_push:
      for (int k = 0; k < TILE_IN; k++) {
#pragma HLS unroll
        x.v[k] = xa[k];
      }
      xs.write(x);
    }
    if (++sub == PG::XT) {
      sub = 0;
      if (++gi == PG::GT) gi = 0;
      off += G;
      if (++kg == PG::ROW_GROUPS) {
        kg = 0;
        off += IMG_W - PATCH;
        if (++ky == PATCH) {
          ky = 0;
          off += (IMG_H - PATCH) * IMG_W;
          if (++c == CONFIG_T::IN_CH) {
            c = 0;
            off = 0;
            r++;
            pb += PATCH;
            if (++px == CONFIG_T::GRID_W) {
              px = 0;
              pb += (PATCH - 1) * IMG_W;
            }
          }
        }
      }
    }
  }
}

/** The patch path of lin_read, present only for PATCH_UNIFIED configs (the primary template is never called). */
template <class CONFIG_T, bool ON>
struct lin_patch_reader {
  static void run(const typename CONFIG_T::word_t *, hls::stream<lin_xtile_t<CONFIG_T> > &, hls::stream<lin_rowinfo_t<CONFIG_T> > &) {}
};
template <class CONFIG_T>
struct lin_patch_reader<CONFIG_T, true> {
  static void run(const typename CONFIG_T::word_t *img, hls::stream<lin_xtile_t<CONFIG_T> > &xs, hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
#pragma HLS inline
    lin_read_patch<CONFIG_T>(img, xs, info);
  }
};

/** Reader: the direct, the gathered or (PATCH_UNIFIED, use_patch: src is then an image) the patch path (one process;
 *  only one of its loops runs per call). */
template <class CONFIG_T>
void lin_read(const typename CONFIG_T::word_t *src, int in_dim, int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS],
                     const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue, bool use_expert, bool use_score,
                     hls::stream<lin_xtile_t<CONFIG_T> > &xs, hls::stream<lin_rowinfo_t<CONFIG_T> > &info, bool use_patch) {
#pragma HLS inline off  // a DATAFLOW process of its own
  if (lin_patch_unified<CONFIG_T>::ON && use_patch)  // compile-time false without PATCH_UNIFIED
    lin_patch_reader<CONFIG_T, lin_patch_unified<CONFIG_T>::ON>::run(src, xs, info);
  else if (use_expert || use_score)  // the writer takes the same path (one info entry per row either way)
    lin_read_gather<CONFIG_T>(src, in_dim, rows, queue_idx, queue_p, queue, use_expert, use_score, xs, info);
  else
    lin_read_direct<CONFIG_T>(src, in_dim, rows, xs, info);
}

/** Compute: one TILE_OUT x TILE_IN tile per cycle from (w, bias), each output an explicit adder tree of TILE_IN
 *  products; each finished output tile goes to the writer. One loop over rows x out tiles x in tiles. */
template <class CONFIG_T, int T_TILES_MAX = lin_geometry<CONFIG_T>::TILES_MAX, int T_TILES_II = CONFIG_T::LIN_TILES_II,
          int T_IN_TILES_MIN = CONFIG_T::LIN_MIN_IN / CONFIG_T::TILE_IN>  // xrow's reuse distance
void lin_compute(typename lin_buffers<CONFIG_T>::cw_t w, typename lin_buffers<CONFIG_T>::cb_t bias, int out_dim, int in_dim, int rows, bool use_gelu,
                        hls::stream<lin_xtile_t<CONFIG_T> > &xs, hls::stream<lin_rowinfo_t<CONFIG_T> > &info_in, hls::stream<lin_ytile_t<CONFIG_T> > &ys,
                        hls::stream<lin_rowinfo_t<CONFIG_T> > &info_out) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  const int TILE_IN = CONFIG_T::TILE_IN, TILE_OUT = CONFIG_T::TILE_OUT, LIN_MAX_IN = CONFIG_T::LIN_MAX_IN;
  act_t xrow[LIN_MAX_IN];  // the row's inputs, kept from the first output tile for the later ones
#pragma HLS array_partition variable = xrow cyclic factor = TILE_IN  // TILE_IN inputs read per cycle
  const int out_tiles = out_dim / TILE_OUT;
  const int in_tiles = in_dim / TILE_IN;
  acc_t acc[TILE_OUT];
#pragma HLS array_partition variable = acc complete
  int ot = 0, it = 0, r = 0;
  int tile = 0;  // ot * in_tiles + it, counted (no run-time multiply)
lin_tiles:
  for (int n = 0; r < rows; n++) {  // ends on the row counter: no rows * out_tiles * in_tiles multiply
#pragma HLS loop_tripcount min = 1 max = T_TILES_MAX
#pragma HLS pipeline II = T_TILES_II  // 1 unless a layer has fewer than 3 input tiles (plan.loops)
#pragma HLS dependence variable = xrow inter true distance = T_IN_TILES_MIN  // tile it: written at ot 0, read in_tiles later
    EDGEMOE_TICK();
    if (ot == 0 && it == 0) info_out.write(info_in.read());
    act_t xv[TILE_IN];
#pragma HLS array_partition variable = xv complete
    if (ot == 0) {  // first output tile: take the tile from the reader and keep it for the later output tiles
      const lin_xtile_t<CONFIG_T> x = xs.read();
    lin_keep_inputs:
      for (int i = 0; i < TILE_IN; i++) {
#pragma HLS unroll
        xv[i] = x.v[i];
        xrow[it * TILE_IN + i] = x.v[i];
      }
    } else {
    lin_reuse_inputs:
      for (int i = 0; i < TILE_IN; i++) {
#pragma HLS unroll
        xv[i] = xrow[it * TILE_IN + i];
      }
    }
  lin_tile_out:
    for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
      acc_t prod[TILE_IN];
#pragma HLS array_partition variable = prod complete
    lin_tile_in:
#ifndef __SYNTHESIS__
#pragma GCC unroll 64  // csim speed: constant lane indices (g++ does not unroll on its own)
#endif
      for (int i = 0; i < TILE_IN; i++) {
#pragma HLS unroll
        prod[i] = xv[i] * w[tile][o][i];  // product truncated to acc_t first
      }
      const acc_t a = it == 0 ? bias[ot * TILE_OUT + o] : acc[o];
      acc[o] = a + fxm_tree_sum<acc_t, TILE_IN>(prod);
    }
    if (it == in_tiles - 1) {
      lin_ytile_t<CONFIG_T> y;
    lin_finish:
      for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
        act_t v = act_t(acc[o]);
        if (use_gelu) v = gelu_approx(v);
        y.v[o] = v;
      }
      ys.write(y);
    }
    tile++;
    if (++it == in_tiles) {
      it = 0;
      if (++ot == out_tiles) {
        ot = 0;
        tile = 0;
        r++;
      }
    }
  }
}

/** One writer step: takes an output tile when one is due and gathers the lanes of the word being written into yw;
 *  returns true when yw holds a whole word, with its word index in the row in `wi`. */
template <class CONFIG_T>
FXM_INLINE bool lin_write_step(int s, hls::stream<lin_ytile_t<CONFIG_T> > &ys, typename CONFIG_T::act_t ya[CONFIG_T::TILE_OUT], typename CONFIG_T::act_t yw[CONFIG_T::ACT_LANES], int &wi) {
  const int TILE_OUT = CONFIG_T::TILE_OUT, ACT_LANES = CONFIG_T::ACT_LANES;
  if (s % lin_geometry<CONFIG_T>::WORDS_PER_YTILE == 0) {
    const lin_ytile_t<CONFIG_T> y = ys.read();
  lin_write_pop:
    for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
      ya[o] = y.v[o];
    }
  }
  if (lin_geometry<CONFIG_T>::WORDS_PER_YTILE > 1 || lin_geometry<CONFIG_T>::YTILES_PER_WORD == 1) {  // a tile fills whole words
  lin_write_take_lanes:
    for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
      yw[j] = ya[(s % lin_geometry<CONFIG_T>::WORDS_PER_YTILE) * ACT_LANES + j];
    }
    wi = s;
    return true;
  }
  // several tiles fill one word
lin_write_gather_lanes:
  for (int o = 0; o < TILE_OUT; o++) {
#pragma HLS unroll
    yw[(s % lin_geometry<CONFIG_T>::YTILES_PER_WORD) * TILE_OUT + o] = ya[o];
  }
  wi = s / lin_geometry<CONFIG_T>::YTILES_PER_WORD;
  return s % lin_geometry<CONFIG_T>::YTILES_PER_WORD == lin_geometry<CONFIG_T>::YTILES_PER_WORD - 1;
}

/** Writer, direct path: rows 0..rows-1 are contiguous, so the loop's full words go to sequential addresses (one
 *  burst). */
template <class CONFIG_T, int T_WRITE_MAX = lin_geometry<CONFIG_T>::WRITE_MAX>
void lin_write_direct(typename CONFIG_T::word_t *dst, int out_dim, int rows, hls::stream<lin_ytile_t<CONFIG_T> > &ys, hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int TILE_OUT = CONFIG_T::TILE_OUT, ACT_LANES = CONFIG_T::ACT_LANES, ACT_BITS = CONFIG_T::ACT_BITS;
  const int steps = (out_dim / TILE_OUT) * lin_geometry<CONFIG_T>::WORDS_PER_YTILE;  // = out_words when a tile fills whole words
  act_t ya[TILE_OUT];   // the output tile being written
  act_t yw[ACT_LANES];  // the outputs of the word being written
#pragma HLS array_partition variable = ya complete
#pragma HLS array_partition variable = yw complete
  int s = 0;
lin_write_direct_steps:
  for (int n = 0; n < rows * steps; n++) {
#pragma HLS loop_tripcount min = 1 max = T_WRITE_MAX
#pragma HLS pipeline II = 1
    if (s == 0) info.read();  // row r is token r
    int wi;
    if (lin_write_step<CONFIG_T>(s, ys, ya, yw, wi)) {
      word_t word = 0;
    lin_write_direct_lanes:
      for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
        fxm_lane_set<act_t, ACT_BITS>(word, j, yw[j]);
      }
      dst[n / lin_geometry<CONFIG_T>::YTILES_PER_WORD] = word;
    }
    if (++s == steps) s = 0;
  }
}

/** Writer, scattered path (use_expert, or use_score): row r goes to token t = its queue entry (a data-dependent row address, one
 *  request per word); use_score adds score · y to the word already in dst (read-modify-write). */
template <class CONFIG_T, int T_WRITE_MAX = lin_geometry<CONFIG_T>::WRITE_MAX>
void lin_write_gather(typename CONFIG_T::word_t *dst, int out_dim, int rows, bool use_score, hls::stream<lin_ytile_t<CONFIG_T> > &ys,
                             hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  const int TILE_OUT = CONFIG_T::TILE_OUT, ACT_LANES = CONFIG_T::ACT_LANES, ACT_BITS = CONFIG_T::ACT_BITS;
  const int out_words = act_row_words<CONFIG_T>(out_dim);
  const int steps = (out_dim / TILE_OUT) * lin_geometry<CONFIG_T>::WORDS_PER_YTILE;
  lin_rowinfo_t<CONFIG_T> ri;
  ri.t = 0;
  ri.score = 0;
  act_t ya[TILE_OUT];
  act_t yw[ACT_LANES];
#pragma HLS array_partition variable = ya complete
#pragma HLS array_partition variable = yw complete
  int s = 0, r = 0;
lin_write_gather_steps:
  for (int n = 0; r < rows; n++) {  // ends on the row counter: no rows * steps multiply (no burst to keep here)
#pragma HLS loop_tripcount min = 1 max = T_WRITE_MAX
#pragma HLS pipeline II = 1
#pragma HLS dependence variable = dst inter false  // each word is read (use_score) and written in one step only
    if (s == 0) ri = info.read();
    int wi;
    if (lin_write_step<CONFIG_T>(s, ys, ya, yw, wi)) {
      const int at = ri.t * out_words + wi;  // dst indexed directly: the dependence pragma names dst
      word_t word = use_score ? dst[at] : word_t(0);
    lin_write_lanes:
      for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
        fxm_lane_set<act_t, ACT_BITS>(word, j, use_score ? act_t(fxm_lane_get<act_t, ACT_BITS>(word, j) + acc_t(ri.score * yw[j])) : yw[j]);
      }
      dst[at] = word;
    }
    if (++s == steps) {
      s = 0;
      r++;
    }
  }
}

/** Writer: the direct or the scattered path (one process; only one of its loops runs per call). */
template <class CONFIG_T>
void lin_write(typename CONFIG_T::word_t *dst, int out_dim, int rows, bool use_expert, bool use_score, hls::stream<lin_ytile_t<CONFIG_T> > &ys,
                      hls::stream<lin_rowinfo_t<CONFIG_T> > &info) {
#pragma HLS inline off  // a DATAFLOW process of its own
  if (use_expert || use_score)  // the same choice as lin_read
    lin_write_gather<CONFIG_T>(dst, out_dim, rows, use_score, ys, info);
  else
    lin_write_direct<CONFIG_T>(dst, out_dim, rows, ys, info);
}

/** The engine's dataflow region: reader -> compute -> writer (arguments as compute_linear). */
template <class CONFIG_T, int T_XS_DEPTH = CONFIG_T::LIN_IN_TILES_MAX>  // a whole input row: the reader runs one row ahead
void lin_dataflow(typename CONFIG_T::word_t *dst, const typename CONFIG_T::word_t *src, typename lin_buffers<CONFIG_T>::cw_t w, typename lin_buffers<CONFIG_T>::cb_t bias, int out_dim, int in_dim,
                         int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue,
                         bool use_gelu, bool use_expert, bool use_score, bool use_patch = false) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  hls::stream<lin_xtile_t<CONFIG_T> > xs;
#pragma HLS stream variable = xs depth = T_XS_DEPTH
  hls::stream<lin_ytile_t<CONFIG_T> > ys;
#pragma HLS stream variable = ys depth = 4  // a tile per in_tiles cycles in, one per lin_geometry<CONFIG_T>::WORDS_PER_YTILE out
  hls::stream<lin_rowinfo_t<CONFIG_T> > info_rc, info_cw;  // row info: reader -> compute -> writer (no bypass)
#pragma HLS stream variable = info_rc depth = 4  // the reader runs at most about a row ahead
#pragma HLS stream variable = info_cw depth = 4
  lin_read<CONFIG_T>(src, in_dim, rows, queue_idx, queue_p, queue, use_expert, use_score, xs, info_rc, use_patch);
  lin_compute<CONFIG_T>(w, bias, out_dim, in_dim, rows, use_gelu, xs, info_rc, ys, info_cw);
  lin_write<CONFIG_T>(dst, out_dim, rows, use_expert, use_score, ys, info_cw);
}

/**
 * Runs the layer held in (w, bias) on `rows` tokens (see the modes above). queue_idx[queue] / queue_p[queue] are
 * the current expert's queue (ignored unless use_expert / use_score). src and dst must be different regions.
 */
template <class CONFIG_T>
void compute_linear(typename CONFIG_T::word_t *dst, const typename CONFIG_T::word_t *src, typename lin_buffers<CONFIG_T>::cw_t w, typename lin_buffers<CONFIG_T>::cb_t bias, int out_dim, int in_dim,
                           int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue,
                           bool use_gelu, bool use_expert, bool use_score, bool use_patch = false) {
#pragma HLS inline off  // the one engine (inside the one linear_step instance)
  lin_dataflow<CONFIG_T>(dst, src, w, bias, out_dim, in_dim, rows, queue_idx, queue_p, queue, use_gelu, use_expert, use_score, use_patch);
}

/** compute_linear with one queue (csim drivers; the top function uses the [EXPERTS][TOKENS] form): the queue is
 *  viewed as row 0 of an [EXPERTS][TOKENS] array, and only that row is read. */
template <class CONFIG_T>
void compute_linear(typename CONFIG_T::word_t *dst, const typename CONFIG_T::word_t *src, typename lin_buffers<CONFIG_T>::cw_t w, typename lin_buffers<CONFIG_T>::cb_t bias, int out_dim, int in_dim,
                           int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::TOKENS], const typename CONFIG_T::act_t queue_p[CONFIG_T::TOKENS], bool use_gelu, bool use_expert,
                           bool use_score) {
#pragma HLS inline off
  lin_dataflow<CONFIG_T>(dst, src, w, bias, out_dim, in_dim, rows, reinterpret_cast<const typename CONFIG_T::pidx_t(*)[CONFIG_T::TOKENS]>(queue_idx),
               reinterpret_cast<const typename CONFIG_T::act_t(*)[CONFIG_T::TOKENS]>(queue_p), 0, use_gelu, use_expert, use_score);
}

/** The concurrent part of linear_step: compute from (w, bias) beside the next layer's weight load into wnext. */
template <class CONFIG_T>
void linear_overlap(typename CONFIG_T::word_t *dst, const typename CONFIG_T::word_t *src, typename lin_buffers<CONFIG_T>::cw_t w, typename lin_buffers<CONFIG_T>::cb_t bias, int out_dim, int in_dim,
                           int rows, const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue,
                           bool use_gelu, bool use_expert, bool use_score, typename lin_buffers<CONFIG_T>::w_t wnext, const typename CONFIG_T::word_t *wmem_next,
                           int next_first, int next_out, int next_in, int next_sh, const typename CONFIG_T::word_t *wmem_next1,
                           const typename CONFIG_T::word_t *wmem_next2, const typename CONFIG_T::word_t *wmem_next3, bool use_patch = false) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  compute_linear<CONFIG_T>(dst, src, w, bias, out_dim, in_dim, rows, queue_idx, queue_p, queue, use_gelu, use_expert, use_score, use_patch);
  load_linear_weights<CONFIG_T>(wnext, wmem_next, next_first, next_out, next_in, next_sh, wmem_next1, wmem_next2, wmem_next3);
}

/**
 * Real double buffering: loads the current layer's out_dim biases (from element b_first of bmem, attention-bias
 * format when b_attn, else the MLP-bias format; shifted by b_sh), then computes the layer held in (w, bias) while the
 * next layer's weights load into `wnext` (the other buffer of the ping/pong pair). The compute and the load share no
 * array and no stream, so the DATAFLOW region runs them concurrently: the load costs max(compute, load) instead of
 * compute + load. rows = 0 and out_dim = 0 make it a pure load (the first layer of a chain); next_out = 0 a pure
 * compute. next_sh is the prefetched layer's per-tensor weight shift (params.h WS_*).
 *
 * ONE instance serves every linear of the design (ALLOCATION limit=1 on the top function's plain wrapper): it holds the one engine,
 * the one weight loader and the two bias loaders. Each call binds w to ping and wnext to pong or the other way round,
 * so HLS puts a 2:1 multiplexer on every bank port of the two weight buffers (read data and address of w, address and
 * enables of wnext): about banks × (width + 2 × address bits + 2) LUTs, counted by the estimator (plan.loops'
 * shared-argument list, generator/plan/loops.ts). `bias` is always the one lin_bbuf: loaded before the compute starts,
 * it needs no second buffer and no mux.
 */
template <class CONFIG_T>
void linear_step(typename CONFIG_T::word_t *dst, const typename CONFIG_T::word_t *src, typename lin_buffers<CONFIG_T>::w_t w, typename lin_buffers<CONFIG_T>::b_t bias, int out_dim, int in_dim, int rows,
                        const typename CONFIG_T::pidx_t queue_idx[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], const typename CONFIG_T::act_t queue_p[CONFIG_T::EXPERTS][CONFIG_T::TOKENS], int queue, bool use_gelu,
                        bool use_expert, bool use_score, const typename CONFIG_T::word_t *bmem, int b_first, int b_sh, bool b_attn, typename lin_buffers<CONFIG_T>::w_t wnext,
                        const typename CONFIG_T::word_t *wmem_next, int next_first, int next_out, int next_in, int next_sh,
                        const typename CONFIG_T::word_t *wmem_next1, const typename CONFIG_T::word_t *wmem_next2,
                        const typename CONFIG_T::word_t *wmem_next3, bool use_patch = false) {
#pragma HLS inline off
  if (b_attn)
    load_linear_bias<CONFIG_T, typename CONFIG_T::wattnb_t, CONFIG_T::WATTNB_BITS, CONFIG_T::WATTNB_LANES, CONFIG_T::WATTNB_W>(bias, bmem, b_first, out_dim, b_sh);
  else
    load_linear_bias<CONFIG_T, typename CONFIG_T::wbias_t, CONFIG_T::WBIAS_BITS, CONFIG_T::WBIAS_LANES, CONFIG_T::WBIAS_W>(bias, bmem, b_first, out_dim, b_sh);
  linear_overlap<CONFIG_T>(dst, src, w, bias, out_dim, in_dim, rows, queue_idx, queue_p, queue, use_gelu, use_expert, use_score, wnext, wmem_next,
                 next_first, next_out, next_in, next_sh, wmem_next1, wmem_next2, wmem_next3, use_patch);
}

}  // namespace edgemoe

#endif  // EDGEMOE_UNIFIED_LINEAR_H
