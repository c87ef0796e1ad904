// Reordered attention with constant bandwidth, Edge-MoE innovation (1), with the single-pass softmax (2) fused in.
//
// Usage: CONFIG_T a per-instance config struct (the generated params.h defines one, hls4ml style) with members
//   typedef act_t, acc_t, word_t;   activations, the MAC accumulator, the m_axi word (ap_uint<AXI_BITS>)
//   static const int N, DIM, HEADS, P, ACT_LANES;   tokens, features, heads, parallelism P, activations per word
//   static const int FIN_II;   finalize's II: ceil(rescale latency / P) (plan.loops)
//   attention_qk<CONFIG_T>(q, k, attn, info);   // scores + softmax statistics to DRAM scratch
//   attention_av<CONFIG_T>(attn, info, v, out); // softmax(scores)·V, rows written in natural order
//   attention_fused<CONFIG_T>(q, k, v, out);    // both in one DATAFLOW region, scores on chip (also needs
//                                               // SCORE_DEPTH, INFO_DEPTH: its FIFO depths from the plan)
// The header reads nothing from params.h, so one translation unit may instantiate it with several configs.
// q, k, v, out: activation regions [N][DIM] (token-major, DIM/ACT_LANES words per token, kernel contract).
// attn:  scores scratch, attn_scores_words(N, P, HEADS, ACT_LANES) words (layout below).
// info:  softmax-info scratch, attn_info_words(N, HEADS, ACT_LANES) words (layout below).
// Preconditions: DIM % HEADS == 0, (DIM / HEADS) % ACT_LANES == 0 (a feature block never straddles two heads),
// 1 <= P <= N. q/k (and v/out) should sit on different m_axi bundles to get one word from each per cycle. Each
// pass is a DATAFLOW of readers (every m_axi read, fixed trip counts), the II=1 compute loop, the finalize / prepare
// stage (II=1 over the P slots of each key, HEADS exp units and, in finalize, HEADS reciprocal units shared by the
// slots) and writers. Finalize / prepare keep pace with the compute loop while P * II <= DIM/ACT_LANES (finalize's II is
// ATTN_FIN_II = ceil(rescale latency / P) from the plan: Edge-MoE 4 * 2 <= 24).
// Cycles (EDGEMOE_TICK, generator/kernels/attention.ts): attn_qk_ticks(N, DIM, ACT_LANES, P) for each call,
// = ceil((N+P-1)/P) * N * DIM/ACT_LANES: Edge-MoE 33*129*24 = 102,168. Only the compute loops tick: readers,
// writers and the finalize / prepare stages run beside them (P iterations per key at their II against DIM/ACT_LANES).
//
// Schedule (Edge-MoE attention.cpp): P register slots each hold one query row. The outer loop runs over q-blocks
// b = 0 .. ceil((N+P-1)/P)-1, then keys kk = 0 .. N-1, then the DIM/ACT_LANES feature blocks d; each cycle reads ONE
// K block (and at most one Q block), whatever P is. Slot o is reloaded with row bP+o only during key step kk == o
// (staggered loading), so for kk >= o it works on row bP+o and for kk < o it still finishes row (b-1)P+o: every row
// r visits the keys in the rotated order r%P, r%P+1, ..., N-1, 0, ..., r%P-1, and rows with no valid index (slots
// o > 0 at kk < o in block 0, rows >= N in the last block) compute garbage that is never used. Unlike Edge-MoE the
// slots start at zero and rows >= N load zeros instead of reading past the Q region, so that garbage is
// deterministic (scores 0; their softmax info is never written and attn·V gives them p = 0 and never writes them).
// Score of (row, key, head) = sum over the head's feature blocks of (sum of the block's ACT_LANES products, each
// truncated to acc_t) * HEAD_DIM^-0.5, truncated to acc_t (Edge-MoE applies its 1/8 per 8-partial the same way).
// The scale is ap_ufixed<25,1> = floor(2^24 / sqrt(HEAD_DIM)), exact for powers of 4 (1/8 for 64, 1/4 for 16) and
// within 2^-24 otherwise (HEAD_DIM 32: 0.1767766, 2^-2.5 truncated).
//
// attn scores layout: one "step" per (q-block b, key kk), steps in order (b, kk), each step W_STEP =
// ceil(P*HEADS/ACT_LANES) words: score (slot o, head h) is element o*HEADS + h, element e in word e/ACT_LANES, lane
// e%ACT_LANES, as raw act_t in its AXI_BITS/ACT_LANES-bit container; unused lanes are 0. Edge-MoE (P 4, 3 heads,
// 8 lanes): 2 words per step, 33*129*2 words = 272,448 bytes, Edge-MoE's size (it pads each slot to 4 heads, we
// pack the 12 scores densely; both give 2 words). attention_av reads it back in the same order.
// softmax-info layout: per token t, W_INFO = ceil(2*HEADS/ACT_LANES) words from word t*W_INFO: element 2h is 1/s and
// element 2h+1 is m of head h (act_t each), unused lanes 0: Edge-MoE's [r0,m0,r1,m1,r2,m2,pad,pad], 129 words.
#ifndef EDGEMOE_REORDERED_ATTENTION_H
#define EDGEMOE_REORDERED_ATTENTION_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"
#include "count_cycles.h"
#include "fixed_math.h"
#include "single_pass_softmax.h"

namespace edgemoe {

/** Number of q-blocks: ceil((N + P - 1) / P) (one more than ceil(N/P) when the last rows wrap into it). */
constexpr int attn_q_blocks(int n, int p) { return (n + 2 * p - 2) / p; }
/** Words of one (q-block, key) step of the scores scratch. */
constexpr int attn_step_words(int p, int heads, int lanes) { return (p * heads + lanes - 1) / lanes; }
/** Size of the scores scratch region in words. */
constexpr int attn_scores_words(int n, int p, int heads, int lanes) {
  return attn_q_blocks(n, p) * n * attn_step_words(p, heads, lanes);
}
/** Words of one token's softmax info (1/s and m per head). */
constexpr int attn_info_token_words(int heads, int lanes) { return (2 * heads + lanes - 1) / lanes; }
/** Size of the softmax-info scratch region in words. */
constexpr int attn_info_words(int n, int heads, int lanes) { return n * attn_info_token_words(heads, lanes); }
/** EDGEMOE_TICK count of one attention_qk (and of one attention_av) call. */
constexpr long long attn_qk_ticks(int n, int dim, int lanes, int p) {
  return (long long)attn_q_blocks(n, p) * n * (dim / lanes);
}

/** floor(sqrt(v)) for 64-bit v, bit by bit (constexpr, no recursion). */
constexpr unsigned long long attn_isqrt(unsigned long long v) {
  unsigned long long r = 0;
  for (int i = 31; i >= 0; i--) {  // one result bit per step, from 2^31 down
    unsigned long long bit = 1ULL << (2 * i);
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
  }
  return r;
}

/** Raw bits of the score scale HEAD_DIM^-0.5 as ap_ufixed<25,1>: floor(2^24/sqrt(hd)) = floor(sqrt(2^48/hd)). */
constexpr unsigned long long attn_scale_raw(int head_dim) { return attn_isqrt((1ULL << 48) / (unsigned long long)head_dim); }

typedef ap_ufixed<25, 1> attn_scale_t;

/** One (q-block, key) step: a value (score or probability) per slot and head. */
template <class CONFIG_T>
struct attn_step_t {
  typename CONFIG_T::act_t v[CONFIG_T::P][CONFIG_T::HEADS];
};

/** The row slot o works on at key step kk of q-block b (may be < 0 or >= N: garbage, never used). */
inline int attn_slot_row(int b, int kk, int o, int p) { return kk >= o ? b * p + o : (b - 1) * p + o; }

/** The slot whose row takes its last key at step kk (slot o >= 1 ends at kk = o-1, slot 0 at N-1), or -1. */
inline int attn_finishing_slot(int kk, int n, int p) {
  if (kk == n - 1) return 0;
  if (kk + 1 < p) return kk + 1;
  return -1;
}

/** A finished row's softmax statistics: 1/s and m per head (finalize -> info writer). */
template <class CONFIG_T>
struct attn_info_row_t {
  typename CONFIG_T::act_t inv_s[CONFIG_T::HEADS];
  typename CONFIG_T::act_t m[CONFIG_T::HEADS];
};

// ---- data movers: every m_axi access of attention lives in one of these (fixed trip counts, unconditional,
// sequential addresses, one direction each); the compute / finalize / prepare stages touch only streams. ----

/** Q reader: rows 0..N-1 in order (the compute stage loads slot kk of q-block b with row bP+kk, i.e. rows in order),
 *  then zero words for the padded rows of the last q-block (never read from DRAM). */
template <class CONFIG_T>
void attn_read_q(const typename CONFIG_T::word_t *q, hls::stream<typename CONFIG_T::word_t> &qs) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_P = CONFIG_T::P;
  const int B = T_DIM / CONFIG_T::ACT_LANES;
  const int PAD = attn_q_blocks(T_N, T_P) * T_P * B - T_N * B;
attn_read_q_words:
  for (int i = 0; i < T_N * B; i++) {
#pragma HLS pipeline II=1
    qs.write(q[i]);
  }
attn_read_q_pad:
  for (int i = 0; i < PAD; i++) {
#pragma HLS pipeline II=1
    qs.write(word_t(0));
  }
}

/** K (or V) reader: the whole [N][DIM] region once per q-block, one word per cycle (one burst per pass). */
template <class CONFIG_T>
void attn_read_kv(const typename CONFIG_T::word_t *kv, hls::stream<typename CONFIG_T::word_t> &ks) {
#pragma HLS inline off  // a DATAFLOW process of its own
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_P = CONFIG_T::P;
  const int B = T_DIM / CONFIG_T::ACT_LANES;
  const int NB = attn_q_blocks(T_N, T_P);
attn_read_kv_passes:
  for (int b = 0; b < NB; b++) {
  attn_read_kv_words:
    for (int i = 0; i < T_N * B; i++) {
#pragma HLS pipeline II=1
      ks.write(kv[i]);
    }
  }
}

/** Q·Kᵀ compute stage: one K block per cycle, P slots × ACT_LANES MACs (an adder tree per slot); one step of
 *  scores out per key. The (q-block, key, block) nest is one counter-driven loop (Edge-MoE's FOR_BLOCK style). */
template <class CONFIG_T>
void attn_qk_compute(hls::stream<typename CONFIG_T::word_t> &qs, hls::stream<typename CONFIG_T::word_t> &ks, hls::stream<attn_step_t<CONFIG_T> > &steps) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int B = T_DIM / CONFIG_T::ACT_LANES;  // feature blocks per token
  const int BH = B / T_HEADS;       // feature blocks per head
  const int NB = attn_q_blocks(T_N, T_P);
  constexpr unsigned long long SCALE_RAW = attn_scale_raw(T_DIM / T_HEADS);  // compile time: no isqrt loop in RTL
  const attn_scale_t scale = fxm_from_raw<attn_scale_t>(ap_uint<25>(SCALE_RAW));

  act_t q_slot[T_P][B][CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=q_slot complete dim=1  // all P slots read every cycle
#pragma HLS array_partition variable=q_slot complete dim=3  // all lanes of a block read every cycle
  acc_t score[T_P][T_HEADS];
#pragma HLS array_partition variable=score complete dim=0

  int io = 0, id = 0;  // slot and block by counters: no divider on i
qk_init_slots:
  for (int i = 0; i < T_P * B; i++) {
#pragma HLS pipeline II=1  // a block of a slot per cycle (all lanes): P*B cycles, not P*B*ACT_LANES
  qk_init_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) q_slot[io][id][j] = 0;  // deterministic garbage for block 0
    if (++id == B) {
      id = 0;
      io++;
    }
  }

  int kk = 0, d = 0;
qk_blocks:
  for (int i = 0; i < NB * T_N * B; i++) {
#pragma HLS pipeline II=1
    EDGEMOE_TICK();
    const word_t kw = ks.read();
    // Staggered loading: slot kk (if any) takes block d of its new row, at most one Q word per cycle.
    if (kk < T_P) {
      const word_t qw = qs.read();
    qk_load_lanes:
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) q_slot[kk][d][j] = fxm_lane_get<act_t, CB>(qw, j);
    }
    const int h = d / BH;
    const bool head_start = (d % BH) == 0;
  qk_slots:
    for (int o = 0; o < T_P; o++) {
#pragma HLS unroll
      acc_t prod[CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=prod complete
    qk_lanes:
#ifndef __SYNTHESIS__
#pragma GCC unroll 64  // csim speed: constant lane indices (g++ does not unroll on its own)
#endif
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
        prod[j] = q_slot[o][d][j] * fxm_lane_get<act_t, CB>(kw, j);  // truncated before accumulating
      }
      const acc_t partial = fxm_tree_sum<acc_t, CONFIG_T::ACT_LANES>(prod);
      const acc_t contrib = partial * scale;
      score[o][h] = head_start ? contrib : acc_t(score[o][h] + contrib);
    }
    if (d == B - 1) {
      attn_step_t<CONFIG_T> st;
    qk_emit:
      for (int o = 0; o < T_P; o++) {
#pragma HLS unroll
      qk_emit_heads:
        for (int hh = 0; hh < T_HEADS; hh++) st.v[o][hh] = score[o][hh];
      }
      steps.write(st);
    }
    if (++d == B) {
      d = 0;
      if (++kk == T_N) kk = 0;
    }
  }
}

/** Q·Kᵀ finalize stage: pipelined at II=1 over (q-block, key, slot), so each of the HEADS exp units (and HEADS
 *  reciprocal units) is time-multiplexed over the P slots (Edge-MoE's finalize_attn: one per head). It forwards each
 *  step's scores to the score writer and a finished row's (1/s, m) pairs to the info writer. Its II (ATTN_FIN_II) is
 *  ceil(latency of s <- s*e + 1 / P): a slot's state comes back every P iterations. P * II <= DIM/ACT_LANES keeps it at
 *  the compute stage's pace (the estimator models it as its own process either way). */
template <class CONFIG_T, int T_FIN_II = CONFIG_T::FIN_II>  // T_FIN_II: the pragma's II as one name
void attn_qk_finalize(hls::stream<attn_step_t<CONFIG_T> > &steps, hls::stream<attn_step_t<CONFIG_T> > &scores,
                      hls::stream<attn_info_row_t<CONFIG_T> > &infos) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int NB = attn_q_blocks(T_N, T_P);
  softmax_state_t<act_t> state[T_P][T_HEADS];
#pragma HLS array_partition variable=state complete dim=0
qk_fin_init:
  for (int o = 0; o < T_P; o++) {
  qk_fin_init_heads:
    for (int h = 0; h < T_HEADS; h++) softmax_reset(state[o][h]);
  }
  attn_step_t<CONFIG_T> st;
  int b = 0, kk = 0, o = 0;
qk_fin_slots:
  for (int i = 0; i < NB * T_N * T_P; i++) {
#pragma HLS pipeline II=T_FIN_II  // ceil(rescale latency / P) from the plan: s <- s*e + 1 spans P iterations
    if (o == 0) {
      st = steps.read();
      scores.write(st);
    }
    const int fo = attn_finishing_slot(kk, T_N, T_P);
    const int row = attn_slot_row(b, kk, o, T_P);
    softmax_state_t<act_t> cur[T_HEADS];
#pragma HLS array_partition variable=cur complete
  qk_fin_heads:
    for (int h = 0; h < T_HEADS; h++) {
#pragma HLS unroll
      softmax_state_t<act_t> s = state[0][h];  // slot o's state is at the head of the chain
      if (kk == o) softmax_reset(s);           // first key of row bP+o
      softmax_update(s, st.v[o][h]);
      cur[h] = s;
    }
    if (o == fo && row >= 0 && row < T_N) {  // rows finish in natural order 0..N-1
      attn_info_row_t<CONFIG_T> ir;
    qk_fin_info_heads:
      for (int h = 0; h < T_HEADS; h++) {
#pragma HLS unroll
        ir.inv_s[h] = softmax_inv_sum(cur[h]);
        ir.m[h] = cur[h].m;
      }
      infos.write(ir);
    }
  qk_fin_rotate:  // slot o+1 moves to the head; slot o re-enters at the tail, back at the head P iterations later
    for (int k = 0; k < T_P; k++) {
#pragma HLS unroll
    qk_fin_rotate_heads:
      for (int h = 0; h < T_HEADS; h++) state[k][h] = k + 1 < T_P ? state[k + 1][h] : cur[h];
    }
    if (++o == T_P) {
      o = 0;
      if (++kk == T_N) {
        kk = 0;
        b++;
      }
    }
  }
}

/** Score writer: every step's P×HEADS scores as W_STEP packed words, in (q-block, key) order. */
template <class CONFIG_T>
void attn_write_scores(hls::stream<attn_step_t<CONFIG_T> > &scores, typename CONFIG_T::word_t *attn) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int WS = attn_step_words(T_P, T_HEADS, CONFIG_T::ACT_LANES);
  const int NB = attn_q_blocks(T_N, T_P);
  act_t flat[WS * CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=flat complete
  int w = 0;
attn_write_scores_words:
  for (int i = 0; i < NB * T_N * WS; i++) {
#pragma HLS pipeline II=1
    if (w == 0) {
      const attn_step_t<CONFIG_T> st = scores.read();
    attn_write_scores_flat:
      for (int e = 0; e < WS * CONFIG_T::ACT_LANES; e++) flat[e] = e < T_P * T_HEADS ? st.v[e / T_HEADS][e % T_HEADS] : act_t(0);
    }
    word_t word = 0;
  attn_write_scores_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) fxm_lane_set<act_t, CB>(word, j, flat[w * CONFIG_T::ACT_LANES + j]);
    attn[i] = word;
    if (++w == WS) w = 0;
  }
}

/** Info writer: N rows of W_INFO words ([1/s, m] per head), in row order. */
template <class CONFIG_T>
void attn_write_info(hls::stream<attn_info_row_t<CONFIG_T> > &infos, typename CONFIG_T::word_t *info) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int WI = attn_info_token_words(T_HEADS, CONFIG_T::ACT_LANES);
  act_t flat[WI * CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=flat complete
  int w = 0;
attn_write_info_words:
  for (int i = 0; i < T_N * WI; i++) {
#pragma HLS pipeline II=1
    if (w == 0) {
      const attn_info_row_t<CONFIG_T> ir = infos.read();
    attn_write_info_flat:
      for (int e = 0; e < WI * CONFIG_T::ACT_LANES; e++)
        flat[e] = e < 2 * T_HEADS ? (e % 2 == 0 ? ir.inv_s[e / 2] : ir.m[e / 2]) : act_t(0);
    }
    word_t word = 0;
  attn_write_info_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) fxm_lane_set<act_t, CB>(word, j, flat[w * CONFIG_T::ACT_LANES + j]);
    info[i] = word;
    if (++w == WI) w = 0;
  }
}

/** Q·Kᵀ with reordering and single-pass softmax statistics: a dataflow of readers -> compute -> finalize ->
 *  writers (Edge-MoE's six processes). */
template <class CONFIG_T>
void attention_qk(const typename CONFIG_T::word_t *q, const typename CONFIG_T::word_t *k, typename CONFIG_T::word_t *attn, typename CONFIG_T::word_t *info) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  static_assert(T_DIM % T_HEADS == 0 && (T_DIM / T_HEADS) % CONFIG_T::ACT_LANES == 0, "a feature block must lie in one head");
  static_assert(T_P >= 1 && T_P <= T_N, "1 <= P <= N");
  hls::stream<word_t> qs, ks;
#pragma HLS stream variable=qs depth=2
#pragma HLS stream variable=ks depth=2
  hls::stream<attn_step_t<CONFIG_T> > steps, scores;
#pragma HLS stream variable=steps depth=2  // one step per key (DIM/ACT_LANES cycles)
#pragma HLS stream variable=scores depth=2
  hls::stream<attn_info_row_t<CONFIG_T> > infos;
#pragma HLS stream variable=infos depth=2
  attn_read_q<CONFIG_T>(q, qs);
  attn_read_kv<CONFIG_T>(k, ks);
  attn_qk_compute<CONFIG_T>(qs, ks, steps);
  attn_qk_finalize<CONFIG_T>(steps, scores, infos);
  attn_write_scores<CONFIG_T>(scores, attn);
  attn_write_info<CONFIG_T>(infos, info);
}

/** Score reader: the scores back in (q-block, key) order, one word per cycle, one step per W_STEP words. */
template <class CONFIG_T>
void attn_read_scores(const typename CONFIG_T::word_t *attn, hls::stream<attn_step_t<CONFIG_T> > &scores) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int WS = attn_step_words(T_P, T_HEADS, CONFIG_T::ACT_LANES);
  const int NB = attn_q_blocks(T_N, T_P);
  act_t flat[WS * CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=flat complete
  int w = 0;
attn_read_scores_words:
  for (int i = 0; i < NB * T_N * WS; i++) {
#pragma HLS pipeline II=1
    const word_t word = attn[i];
  attn_read_scores_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) flat[w * CONFIG_T::ACT_LANES + j] = fxm_lane_get<act_t, CB>(word, j);
    if (++w == WS) {
      w = 0;
      attn_step_t<CONFIG_T> st;
    attn_read_scores_unflat:
      for (int e = 0; e < T_P * T_HEADS; e++) st.v[e / T_HEADS][e % T_HEADS] = flat[e];
      scores.write(st);
    }
  }
}

/** Info reader: N rows of (1/s, m) per head, one word per cycle. */
template <class CONFIG_T>
void attn_read_info(const typename CONFIG_T::word_t *info, hls::stream<attn_info_row_t<CONFIG_T> > &infos) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int WI = attn_info_token_words(T_HEADS, CONFIG_T::ACT_LANES);
  act_t flat[WI * CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=flat complete
  int w = 0;
attn_read_info_words:
  for (int i = 0; i < T_N * WI; i++) {
#pragma HLS pipeline II=1
    const word_t word = info[i];
  attn_read_info_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) flat[w * CONFIG_T::ACT_LANES + j] = fxm_lane_get<act_t, CB>(word, j);
    if (++w == WI) {
      w = 0;
      attn_info_row_t<CONFIG_T> ir;
    attn_read_info_unflat:
      for (int h = 0; h < T_HEADS; h++) {
        ir.inv_s[h] = flat[2 * h];
        ir.m[h] = flat[2 * h + 1];
      }
      infos.write(ir);
    }
  }
}

/** attn·V prepare stage: pipelined at II=1 over (q-block, key, slot) with HEADS exp units time-multiplexed over the
 *  P slots. A slot takes its row's (1/s, m) when it starts the row (kk == slot); it emits p = e^(a - m)·(1/s) per
 *  slot and head, one step per key. */
template <class CONFIG_T>
void attn_av_prepare(hls::stream<attn_step_t<CONFIG_T> > &scores, hls::stream<attn_info_row_t<CONFIG_T> > &infos,
                     hls::stream<attn_step_t<CONFIG_T> > &probs) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  const int T_N = CONFIG_T::N, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int NB = attn_q_blocks(T_N, T_P);
  act_t slot_m[T_P][T_HEADS], slot_inv_s[T_P][T_HEADS];
#pragma HLS array_partition variable=slot_m complete dim=0
#pragma HLS array_partition variable=slot_inv_s complete dim=0
av_prep_init:
  for (int o = 0; o < T_P; o++) {
  av_prep_init_heads:
    for (int h = 0; h < T_HEADS; h++) {
      slot_m[o][h] = 0;
      slot_inv_s[o][h] = 0;  // garbage rows get p = 0
    }
  }
  attn_step_t<CONFIG_T> sc, pr;
  int b = 0, kk = 0, o = 0;
av_prep_slots:
  for (int i = 0; i < NB * T_N * T_P; i++) {
#pragma HLS pipeline II=1
    if (o == 0) sc = scores.read();
    attn_info_row_t<CONFIG_T> ir;
    const bool starts = kk == o;  // slot o starts row bP+o
    const bool valid = b * T_P + o < T_N;
    if (starts && valid) ir = infos.read();
  av_prep_heads:
    for (int h = 0; h < T_HEADS; h++) {
#pragma HLS unroll
      if (starts) {
        slot_inv_s[o][h] = valid ? ir.inv_s[h] : act_t(0);
        slot_m[o][h] = valid ? ir.m[h] : act_t(0);
      }
      pr.v[o][h] = softmax_prob(sc.v[o][h], slot_m[o][h], slot_inv_s[o][h]);
    }
    if (o == T_P - 1) probs.write(pr);
    if (++o == T_P) {
      o = 0;
      if (++kk == T_N) {
        kk = 0;
        b++;
      }
    }
  }
}

/** attn·V compute stage: one V block per cycle, P slots × ACT_LANES MACs; a finished row leaves block by block
 *  during its last key step, so rows reach the writer in natural order at one word per cycle. */
template <class CONFIG_T, int T_AV_II = CONFIG_T::AV_II>  // T_AV_II: the pragma's II as one name
void attn_av_compute(hls::stream<attn_step_t<CONFIG_T> > &probs, hls::stream<typename CONFIG_T::word_t> &vs, hls::stream<typename CONFIG_T::word_t> &outs) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  const int CB = word_t::width / CONFIG_T::ACT_LANES;
  const int B = T_DIM / CONFIG_T::ACT_LANES;
  const int BH = B / T_HEADS;
  const int NB = attn_q_blocks(T_N, T_P);

  acc_t acc[T_P][B][CONFIG_T::ACT_LANES];
#pragma HLS array_partition variable=acc complete dim=1  // all P slots update every cycle
#pragma HLS array_partition variable=acc complete dim=3
  int io = 0, id = 0;  // slot and block by counters: no divider on i
av_init_acc:
  for (int i = 0; i < T_P * B; i++) {
#pragma HLS pipeline II=1  // a block of a slot per cycle (all lanes): P*B cycles, not P*B*ACT_LANES
  av_init_lanes:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) acc[io][id][j] = 0;
    if (++id == B) {
      id = 0;
      io++;
    }
  }
  attn_step_t<CONFIG_T> p;
  int b = 0, kk = 0, d = 0;
av_blocks:
  for (int i = 0; i < NB * T_N * B; i++) {
#pragma HLS pipeline II=T_AV_II  // 1 unless DIM/ACT_LANES < 3 (plan.loops)
#pragma HLS dependence variable=acc inter true distance=B  // block d is next updated B iterations later (d cycles)
    EDGEMOE_TICK();
    const int fo = attn_finishing_slot(kk, T_N, T_P);
    const int out_row = (fo >= 0) ? attn_slot_row(b, kk, fo, T_P) : -1;
    if (d == 0) p = probs.read();
    const word_t vw = vs.read();
    const int h = d / BH;
    word_t ow = 0;
    acc_t fin[CONFIG_T::ACT_LANES];  // the finishing slot's new sums, selected before the one conversion per lane
#pragma HLS array_partition variable=fin complete
  av_fin_init:
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
      fin[j] = 0;
    }
  av_slots:
    for (int o = 0; o < T_P; o++) {
#pragma HLS unroll
    av_lanes:
#ifndef __SYNTHESIS__
#pragma GCC unroll 64  // csim speed: constant lane indices (g++ does not unroll on its own)
#endif
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
        acc_t prod = p.v[o][h] * fxm_lane_get<act_t, CB>(vw, j);  // truncated before accumulating
        acc_t nv = (kk == o) ? prod : acc_t(acc[o][d][j] + prod);  // kk == o: the row's first key
        acc[o][d][j] = nv;
        if (o == fo) fin[j] = nv;
      }
    }
  av_out_lanes:  // ACT_LANES conversions to act_t (a rounder each with a rounding act_t), not P × ACT_LANES
    for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
      fxm_lane_set<act_t, CB>(ow, j, act_t(fin[j]));
    }
    if (out_row >= 0 && out_row < T_N) outs.write(ow);
    if (++d == B) {
      d = 0;
      if (++kk == T_N) {
        kk = 0;
        b++;
      }
    }
  }
}

/** Output writer: the N rows in natural order, one word per cycle. */
template <class CONFIG_T>
void attn_write_out(hls::stream<typename CONFIG_T::word_t> &outs, typename CONFIG_T::word_t *out) {
#pragma HLS inline off  // a DATAFLOW process of its own
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM;
attn_write_out_words:
  for (int i = 0; i < T_N * (T_DIM / CONFIG_T::ACT_LANES); i++) {
#pragma HLS pipeline II=1
    out[i] = outs.read();
  }
}

/** softmax(Q·Kᵀ)·V from the scores and statistics of attention_qk: a dataflow of readers -> prepare -> compute ->
 *  writer (Edge-MoE's six processes). */
template <class CONFIG_T>
void attention_av(const typename CONFIG_T::word_t *attn, const typename CONFIG_T::word_t *info, const typename CONFIG_T::word_t *v, typename CONFIG_T::word_t *out) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  static_assert(T_DIM % T_HEADS == 0 && (T_DIM / T_HEADS) % CONFIG_T::ACT_LANES == 0, "a feature block must lie in one head");
  static_assert(T_P >= 1 && T_P <= T_N, "1 <= P <= N");
  hls::stream<attn_step_t<CONFIG_T> > scores, probs;
#pragma HLS stream variable=scores depth=2
#pragma HLS stream variable=probs depth=2  // one step per key (DIM/ACT_LANES cycles)
  hls::stream<attn_info_row_t<CONFIG_T> > infos;
#pragma HLS stream variable=infos depth=2
  hls::stream<word_t> vs, outs;
#pragma HLS stream variable=vs depth=2
#pragma HLS stream variable=outs depth=2
  attn_read_scores<CONFIG_T>(attn, scores);
  attn_read_info<CONFIG_T>(info, infos);
  attn_read_kv<CONFIG_T>(v, vs);
  attn_av_prepare<CONFIG_T>(scores, infos, probs);
  attn_av_compute<CONFIG_T>(probs, vs, outs);
  attn_write_out<CONFIG_T>(outs, out);
}

/** hardware.attention 'fused': Q·Kᵀ/softmax and softmax·V in ONE DATAFLOW region, the same eight processes as
 *  attention_qk + attention_av minus the DRAM score / info movers: finalize hands each step's scores and each finished
 *  row's (1/s, m) straight to prepare through FIFOs. Prepare starts row bP+o at step (b, o) and needs its (1/s, m),
 *  which finalize emits when the row takes its last key, N-1 steps later: softmax·V runs about one q-block behind
 *  Q·Kᵀ, with up to N-1 steps of scores waiting on chip, so the scores FIFO must hold N-1 steps plus the steps
 *  finalize forwards while a finished row's info is still in its pipeline (T_SCORE_DEPTH from the plan, checked by a
 *  bounded-FIFO model of both processes in test/kernel/attention.test.ts); shallower, finalize blocks on a full
 *  scores FIFO while prepare waits for an info still behind it: deadlock. The arithmetic is attention_qk's and
 *  attention_av's, unchanged (bit-identical output). v: its own region (q is still being read). Ticks: both compute
 *  loops, 2 * attn_qk_ticks per call. */
template <class CONFIG_T, int T_SCORE_DEPTH = CONFIG_T::SCORE_DEPTH, int T_INFO_DEPTH = CONFIG_T::INFO_DEPTH>
void attention_fused(const typename CONFIG_T::word_t *q, const typename CONFIG_T::word_t *k, const typename CONFIG_T::word_t *v,
                     typename CONFIG_T::word_t *out) {
#pragma HLS inline off  // keeps the DATAFLOW region a function of its own
#pragma HLS dataflow
  typedef typename CONFIG_T::word_t word_t;
  const int T_N = CONFIG_T::N, T_DIM = CONFIG_T::DIM, T_HEADS = CONFIG_T::HEADS, T_P = CONFIG_T::P;
  static_assert(T_DIM % T_HEADS == 0 && (T_DIM / T_HEADS) % CONFIG_T::ACT_LANES == 0, "a feature block must lie in one head");
  static_assert(T_P >= 1 && T_P <= T_N, "1 <= P <= N");
  static_assert(T_SCORE_DEPTH >= T_N, "the scores FIFO must hold the N-1 steps between a row's start and its (1/s, m)");
  static_assert(T_INFO_DEPTH >= 1, "the info FIFO needs a slot");
  hls::stream<word_t> qs, ks, vs, outs;
#pragma HLS stream variable=qs depth=2
#pragma HLS stream variable=ks depth=2
#pragma HLS stream variable=vs depth=2
#pragma HLS stream variable=outs depth=2
  hls::stream<attn_step_t<CONFIG_T> > steps, scores, probs;
#pragma HLS stream variable=steps depth=2  // one step per key (DIM/ACT_LANES cycles)
#pragma HLS stream variable=scores depth=T_SCORE_DEPTH  // a q-block of steps waits for its rows' (1/s, m) (above)
#pragma HLS stream variable=probs depth=2
  hls::stream<attn_info_row_t<CONFIG_T> > infos;
#pragma HLS stream variable=infos depth=T_INFO_DEPTH  // at most one row finishes per step; slack for the skew above
  attn_read_q<CONFIG_T>(q, qs);
  attn_read_kv<CONFIG_T>(k, ks);
  attn_read_kv<CONFIG_T>(v, vs);
  attn_qk_compute<CONFIG_T>(qs, ks, steps);
  attn_qk_finalize<CONFIG_T>(steps, scores, infos);
  attn_av_prepare<CONFIG_T>(scores, infos, probs);
  attn_av_compute<CONFIG_T>(probs, vs, outs);
  attn_write_out<CONFIG_T>(outs, out);
}

}  // namespace edgemoe

#endif  // EDGEMOE_REORDERED_ATTENTION_H
