// Patch reordering for MoE (Edge-MoE innovation 5): gate each token, queue it (patch index + probability) for its
// top-k experts, then run every ACTIVE expert once over its queue with the unified linear unit, gathering rows by
// patch index and scattering results back to the same slot. Tokens never move; each active expert's weights are
// fetched once per block instead of once per token.
//
// Usage, CONFIG_T a per-instance config struct (the generated params.h defines moe_config, hls4ml style) with members
// named as params.h's: typedef act_t, acc_t, wlin_t, word_t, pidx_t, lin_config (the linear unit's config);
// static const int TOKENS, EXPERTS, TOP_K, DIM, DIM_WORDS, TOKEN_BUF_WORDS, EXPERT_HIDDEN, ACT_LANES, ACT_BITS,
// GATE_SOFTMAX_II and the WLIN_* / WS_BITS_WLIN / LIN_SLOAD_MAX_WORDS weight-format members of linear_config.
//   load_gate_weights<CONFIG_T>(gate_w, wmem + WO_GATE[block][task], WS_GATE[block][task]);  // the task's [E][D] gate (stored transposed)
//   moe_gate<CONFIG_T>(u, gate_w, qidx, qp, qlen, meta, meta_len);  // u = LN2 output; fills the queues + metaqueue
// or, with the logits from the unified linear unit (hardware.gate = 'unified'; CONFIG_T then has GATE_LOGIT_WORDS):
//   moe_route<CONFIG_T>(logits, qidx, qp, qlen, meta, meta_len);     // logits [TOKENS][EXPERTS] act_t; same queues
//   moe_experts<CONFIG_T, STEP_T>(out, u, hidden, w1, b1, w2, b2, qidx, qp, qlen, meta, meta_len, wping, wpong, bping,
//               bpong, sh_w1, sh_b1, sh_w2, sh_b2);                           // per-tensor shifts (params.h WS_*)
// STEP_T::step(...) takes linear_step's arguments and runs it: the top function routes it to its one shared
// linear_step instance (ALLOCATION names a plain wrapper; a template name is ignored there, gotcha 9). With several
// weight ports (lin_config::WEIGHT_PORTS > 1) moe_experts also takes w1 / w2 in the other weight regions (w1_1 …,
// w2_1 …) and STEP_T::step linear_step's trailing wmem_next1 … arguments.
// The routing state (gate_w, qidx, qp, qlen, meta) and the ping/pong buffers belong to the caller (moe_buffers<CONFIG_T>).
// The header reads nothing from params.h (trace_hook.h, csim diagnostics only, does).
//
// Gating (m3vit.md §2, edge-moe.md §4(5)): logits l = u·w_gate[task] (products truncated to acc_t, summed in acc_t,
// then taken as act_t); the single-pass softmax statistics (single_pass_softmax.h) run over ALL experts; top-k keeps
// the k largest logits with ties to the lower expert index (strict >); each pick's probability is
// p = e^(l − m) · (1/s), NOT renormalised over the top k (gotcha 3). The insertion computes every slot from the
// previous slots explicitly, and an empty slot counts as −∞, so no unassigned slot is ever read (gotcha 2).
//
// Cycle model (EDGEMOE_TICK, generator/kernels/moe.ts): gate load one word per cycle; logits one act word per cycle
// (EXPERTS × ACT_LANES MACs); softmax + top-k one expert per GATE_SOFTMAX_II cycles; queue appends one pick per cycle; metaqueue one
// expert per cycle; experts: zero the output (one word per cycle), then per active expert two weight + bias loads and
// two compute_linear passes over its queue.
#ifndef EDGEMOE_PATCH_REORDERING_H
#define EDGEMOE_PATCH_REORDERING_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "hls_stream.h"
#include "single_pass_softmax.h"
#include "trace_hook.h"
#include "unified_linear.h"

namespace edgemoe {

// ---- routing state: owned by the caller (the top function), passed in; nothing mutable lives in this header ----
template <class CONFIG_T>
struct moe_buffers {
  /** The task's gate weights [EXPERTS][DIM]. */
  typedef typename CONFIG_T::wlin_t gate_w_t[CONFIG_T::EXPERTS][CONFIG_T::DIM];
  typedef const typename CONFIG_T::wlin_t cgate_w_t[CONFIG_T::EXPERTS][CONFIG_T::DIM];  // read-only view (as lin_buffers)
  /** The expert queues: patch indices and gate probabilities, [EXPERTS][TOKENS]. */
  typedef typename CONFIG_T::pidx_t qidx_t[CONFIG_T::EXPERTS][CONFIG_T::TOKENS];
  typedef typename CONFIG_T::act_t qp_t[CONFIG_T::EXPERTS][CONFIG_T::TOKENS];
};

/** Loads one task's gate [EXPERTS][DIM] (wlin_t, word-aligned) on chip, one word per cycle (a load process). */
template <class CONFIG_T>
void load_gate_weights(typename moe_buffers<CONFIG_T>::gate_w_t gate_w, const typename CONFIG_T::word_t *wmem, int sh = 0) {
  typedef typename CONFIG_T::word_t word_t;
  const int EXPERTS = CONFIG_T::EXPERTS, DIM = CONFIG_T::DIM, WLIN_LANES = CONFIG_T::WLIN_LANES, WLIN_SCALED = CONFIG_T::WLIN_SCALED;
  // Per-channel scales (one per expert row): as load_linear_weights.
  ap_uint<16> rs[WLIN_SCALED ? EXPERTS : 1];
  if (WLIN_SCALED) load_row_scales<CONFIG_T, WLIN_SCALED ? EXPERTS : 1>(rs, wmem + (sh >> 8), 0, EXPERTS);
  if (WLIN_SCALED) sh &= 255;
  const int total = EXPERTS * DIM;
  const int words = (total + WLIN_LANES - 1) / WLIN_LANES;
  if (DIM % WLIN_LANES == 0) {  // every preset: lane j always writes column bank j % ACT_LANES (II=1, see moe_gate)
    const int row_words = DIM / WLIN_LANES;
    int e = 0, dw = 0;
  gate_load_rows:
    for (int wi = 0; wi < words; wi++) {
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = wmem[wi];
    gate_load_row_lanes:
      for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
        gate_w[e][dw * WLIN_LANES + j] = wlin_lane<CONFIG_T>(word, j, sh, rs[WLIN_SCALED ? e : 0]);
      }
      if (++dw == row_words) {
        dw = 0;
        e++;
      }
    }
    return;
  }
  int e = 0, d = 0;
gate_load_words:
  for (int wi = 0; wi < words; wi++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = wmem[wi];
  gate_load_lanes:
    for (int j = 0; j < WLIN_LANES; j++) {
#pragma HLS unroll
      if (wi * WLIN_LANES + j < total) {
        gate_w[e][d] = wlin_lane<CONFIG_T>(word, j, sh, rs[WLIN_SCALED ? e : 0]);
        if (++d == DIM) {
          d = 0;
          e++;
        }
      }
    }
  }
}

/** Gate reader: the TOKENS x DIM_WORDS words of u, one per cycle (one burst). */
template <class CONFIG_T>
void gate_read(const typename CONFIG_T::word_t *u, hls::stream<typename CONFIG_T::word_t> &us) {
#pragma HLS inline off  // a DATAFLOW process of its own
  const int TOKEN_BUF_WORDS = CONFIG_T::TOKEN_BUF_WORDS;
gate_read_words:
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) {
#pragma HLS pipeline II = 1
    us.write(u[i]);
  }
}

/** Gating compute: per token, logits (EXPERTS x ACT_LANES MACs per word, adder trees), online softmax + top-k over
 *  the experts, queue appends; then the metaqueue. Touches only the stream and on-chip arrays. */
template <class CONFIG_T, int T_GATE_SOFTMAX_II = CONFIG_T::GATE_SOFTMAX_II>
void gate_compute(hls::stream<typename CONFIG_T::word_t> &us, typename moe_buffers<CONFIG_T>::cgate_w_t gate_w,
                  typename moe_buffers<CONFIG_T>::qidx_t qidx, typename moe_buffers<CONFIG_T>::qp_t qp, int qlen[CONFIG_T::EXPERTS],
                  int meta[CONFIG_T::EXPERTS], int &meta_len) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  const int EXPERTS = CONFIG_T::EXPERTS, TOKENS = CONFIG_T::TOKENS, TOP_K = CONFIG_T::TOP_K, DIM_WORDS = CONFIG_T::DIM_WORDS;
  const int ACT_LANES = CONFIG_T::ACT_LANES, ACT_BITS = CONFIG_T::ACT_BITS;
gate_reset:
  for (int e = 0; e < EXPERTS; e++) qlen[e] = 0;
gate_tokens:
  for (int t = 0; t < TOKENS; t++) {
    acc_t logit[EXPERTS];
#pragma HLS array_partition variable = logit complete
  gate_logit_init:
    for (int e = 0; e < EXPERTS; e++) logit[e] = 0;
  gate_logit_words:
    for (int wi = 0; wi < DIM_WORDS; wi++) {
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = us.read();
    gate_logit_experts:
      for (int e = 0; e < EXPERTS; e++) {
#pragma HLS unroll
        acc_t prod[ACT_LANES];
#pragma HLS array_partition variable = prod complete
      gate_logit_lanes:
        for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
          prod[j] = fxm_lane_get<act_t, ACT_BITS>(word, j) * gate_w[e][wi * ACT_LANES + j];
        }
        logit[e] = logit[e] + fxm_tree_sum<acc_t, ACT_LANES>(prod);
      }
    }
    // Online softmax over all experts + top-k insertion, one expert per GATE_SOFTMAX_II cycles.
    softmax_state_t<act_t> st;
    softmax_reset(st);
    act_t top_l[TOP_K];
    int top_e[TOP_K];
    bool top_ok[TOP_K];
#pragma HLS array_partition variable = top_l complete
#pragma HLS array_partition variable = top_e complete
#pragma HLS array_partition variable = top_ok complete
  gate_top_init:
    for (int j = 0; j < TOP_K; j++) {
      top_l[j] = 0;
      top_e[j] = 0;
      top_ok[j] = false;
    }
  gate_softmax_topk:
    for (int e = 0; e < EXPERTS; e++) {
#pragma HLS pipeline II = T_GATE_SOFTMAX_II  // the latency of s <- s*e + 1 (plan.loops): one row, a distance of 1
      EDGEMOE_TICK();
      const act_t l = act_t(logit[e]);
      EDGEMOE_TRACE_GATE_LOGIT(t, e, l);  // csim routing diagnostics only (trace_hook.h)
      softmax_update(st, l);
      // beats[j]: l goes at or above slot j (an empty slot is beaten by anything; ties do not beat).
      bool beats[TOP_K];
    gate_topk_cmp:
      for (int j = 0; j < TOP_K; j++) {
#pragma HLS unroll
        beats[j] = !top_ok[j] || l > top_l[j];
      }
      act_t nl[TOP_K];
      int ne[TOP_K];
      bool nok[TOP_K];
    gate_topk_insert:
      for (int j = 0; j < TOP_K; j++) {
#pragma HLS unroll
        if (!beats[j]) {  // keep the previous occupant explicitly
          nl[j] = top_l[j];
          ne[j] = top_e[j];
          nok[j] = top_ok[j];
        } else if (j == 0 || !beats[j - 1]) {  // l lands here
          nl[j] = l;
          ne[j] = e;
          nok[j] = true;
        } else {  // shifted down from slot j-1
          nl[j] = top_l[j - 1];
          ne[j] = top_e[j - 1];
          nok[j] = top_ok[j - 1];
        }
      }
    gate_topk_commit:
      for (int j = 0; j < TOP_K; j++) {
#pragma HLS unroll
        top_l[j] = nl[j];
        top_e[j] = ne[j];
        top_ok[j] = nok[j];
      }
    }
    const act_t inv_s = softmax_inv_sum(st);
  gate_enqueue:
    for (int j = 0; j < TOP_K; j++) {
#pragma HLS pipeline II = 1
#pragma HLS dependence variable = qlen inter false  // a token's top-k experts are distinct
      EDGEMOE_TICK();
      const int e = top_e[j];
      const int n = qlen[e];
      qidx[e][n] = t;
      qp[e][n] = softmax_prob(top_l[j], st.m, inv_s);
      EDGEMOE_TRACE_GATE_PICK(t, j, e, qp[e][n]);
      qlen[e] = n + 1;
    }
  }
  int n = 0;
gate_metaqueue:
  for (int e = 0; e < EXPERTS; e++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    EDGEMOE_COUNT_ROUTE(e, qlen[e]);  // csim cycle tests only (count_cycles.h)
    if (qlen[e] > 0) meta[n++] = e;
  }
  meta_len = n;
}

/** Gating of every token of u [TOKENS][DIM]: fills the queues (token order) and the metaqueue (reader -> compute). */
template <class CONFIG_T, int T_DIM_WORDS = CONFIG_T::DIM_WORDS>
void moe_gate(const typename CONFIG_T::word_t *u, typename moe_buffers<CONFIG_T>::cgate_w_t gate_w,
              typename moe_buffers<CONFIG_T>::qidx_t qidx, typename moe_buffers<CONFIG_T>::qp_t qp, int qlen[CONFIG_T::EXPERTS],
              int meta[CONFIG_T::EXPERTS], int &meta_len) {
#pragma HLS inline off
#pragma HLS dataflow
  hls::stream<typename CONFIG_T::word_t> us;
#pragma HLS stream variable = us depth = T_DIM_WORDS  // a token ahead while the softmax of the previous one runs
  gate_read<CONFIG_T>(u, us);
  gate_compute<CONFIG_T>(us, gate_w, qidx, qp, qlen, meta, meta_len);
}

// ---- hardware.gate = 'unified': the logits come from the unified linear unit (kernel.cpp runs the task's gate
// [EXPERTS][DIM] as a layer with a zero bias on all tokens and writes the act_t logits, GATE_LOGIT_WORDS words per
// token, to a DRAM region); moe_route does the rest. The unit's logits equal the own array's bit for bit: both
// truncate each product to acc_t and add them in acc_t, which wraps (validated), so any grouping gives the same sum,
// and both take the sum to act_t once. The routing then runs the own gate's arithmetic in the same order per token:
// online softmax and top-k over experts 0 .. EXPERTS-1, p = e^(l - m) · (1/s), appends in token order. ----

/** Expert index of a top-k slot (EXPERTS ≤ 64). */
typedef ap_uint<7> gate_eidx_t;

/** Routing reader: the TOKENS x GATE_LOGIT_WORDS logit words, one per cycle (one burst). */
template <class CONFIG_T>
void gate_route_read(const typename CONFIG_T::word_t *logits, hls::stream<typename CONFIG_T::word_t> &ls) {
#pragma HLS inline off  // a DATAFLOW process of its own
  const int WORDS = CONFIG_T::TOKENS * CONFIG_T::GATE_LOGIT_WORDS;
gate_route_read_words:
  for (int i = 0; i < WORDS; i++) {
#pragma HLS pipeline II = 1
    ls.write(logits[i]);
  }
}

/** Routing compute: keeps the logits on chip, then runs the softmax + top-k expert-major over all tokens (token t's
 *  state is next touched TOKENS iterations later, so the rescale s·e + 1 no longer bounds the II and no loop is
 *  entered per token), then the queue appends (a token's picks, tokens in order) and the metaqueue. */
template <class CONFIG_T, int T_TOKENS = CONFIG_T::TOKENS>
void gate_route_compute(hls::stream<typename CONFIG_T::word_t> &ls, typename moe_buffers<CONFIG_T>::qidx_t qidx,
                        typename moe_buffers<CONFIG_T>::qp_t qp, int qlen[CONFIG_T::EXPERTS], int meta[CONFIG_T::EXPERTS], int &meta_len) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int EXPERTS = CONFIG_T::EXPERTS, TOKENS = CONFIG_T::TOKENS, TOP_K = CONFIG_T::TOP_K;
  const int ACT_LANES = CONFIG_T::ACT_LANES, ACT_BITS = CONFIG_T::ACT_BITS, LW = CONFIG_T::GATE_LOGIT_WORDS;
  word_t lg[TOKENS * LW];  // token t's logit word w at t·LW + w
  act_t st_m[TOKENS];      // per token: the online softmax's running max and sum
  softmax_sum_t st_s[TOKENS];
  act_t top_l[TOKENS][TOP_K];  // per token: the top-k slots so far
  gate_eidx_t top_e[TOKENS][TOP_K];
  bool top_ok[TOKENS][TOP_K];
#pragma HLS array_partition variable = top_l complete dim = 2  // every slot of a token read and written per cycle
#pragma HLS array_partition variable = top_e complete dim = 2
#pragma HLS array_partition variable = top_ok complete dim = 2
  ap_uint<16> len[EXPERTS];  // queue lengths (≤ TOKENS ≤ 16385) as registers: consecutive appends may hit one queue
#pragma HLS array_partition variable = len complete
gate_route_reset:
  for (int e = 0; e < EXPERTS; e++) {
#pragma HLS unroll
    len[e] = 0;
  }
gate_route_store:
  for (int i = 0; i < TOKENS * LW; i++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    lg[i] = ls.read();
  }
  int t = 0, e = 0, ew = 0, wi = 0, lane = 0;  // wi = t·LW + e / ACT_LANES, lane = e % ACT_LANES, counted
  // The state of token t (st_*, top_*) is read, updated and written back, then next read TOKENS iterations later: at
  // least its update latency (validated), so II 1 (the dependence pragmas give HLS that distance).
gate_route_softmax:
  for (int n = 0; n < EXPERTS * TOKENS; n++) {
#pragma HLS pipeline II = 1
#pragma HLS dependence variable = st_m inter true distance = T_TOKENS
#pragma HLS dependence variable = st_s inter true distance = T_TOKENS
#pragma HLS dependence variable = top_l inter true distance = T_TOKENS
#pragma HLS dependence variable = top_e inter true distance = T_TOKENS
#pragma HLS dependence variable = top_ok inter true distance = T_TOKENS
    EDGEMOE_TICK();
    const act_t l = fxm_lane_get<act_t, ACT_BITS>(lg[wi], lane);
    EDGEMOE_TRACE_GATE_LOGIT(t, e, l);  // csim routing diagnostics only (trace_hook.h)
    softmax_state_t<act_t> st;
    if (e == 0) {  // the token's first expert: a fresh row (as softmax_reset)
      softmax_reset(st);
    } else {
      st.m = st_m[t];
      st.s = st_s[t];
    }
    softmax_update(st, l);
    st_m[t] = st.m;
    st_s[t] = st.s;
    // Top-k insertion as the own gate's: beats[j] when l goes at or above slot j (an empty slot is beaten by
    // anything; ties do not beat); every slot computed from the previous slots explicitly.
    act_t pl[TOP_K];
    gate_eidx_t pe[TOP_K];
    bool pok[TOP_K], beats[TOP_K];
  gate_route_topk_cmp:
    for (int j = 0; j < TOP_K; j++) {
#pragma HLS unroll
      pl[j] = top_l[t][j];
      pe[j] = top_e[t][j];
      pok[j] = e != 0 && top_ok[t][j];
      beats[j] = !pok[j] || l > pl[j];
    }
  gate_route_topk_insert:
    for (int j = 0; j < TOP_K; j++) {
#pragma HLS unroll
      if (!beats[j]) {  // keep the previous occupant explicitly
        top_l[t][j] = pl[j];
        top_e[t][j] = pe[j];
        top_ok[t][j] = pok[j];
      } else if (j == 0 || !beats[j - 1]) {  // l lands here
        top_l[t][j] = l;
        top_e[t][j] = e;
        top_ok[t][j] = true;
      } else {  // shifted down from slot j-1
        top_l[t][j] = pl[j - 1];
        top_e[t][j] = pe[j - 1];
        top_ok[t][j] = pok[j - 1];
      }
    }
    wi += LW;
    if (++t == TOKENS) {  // the next expert, over all tokens again
      t = 0;
      e++;
      if (++lane == ACT_LANES) {
        lane = 0;
        ew++;
      }
      wi = ew;
    }
  }
  int j = 0;
  t = 0;
gate_route_enqueue:
  for (int n = 0; n < TOKENS * TOP_K; n++) {
#pragma HLS pipeline II = 1
#pragma HLS dependence variable = qidx inter false  // each (expert, slot) is written once
#pragma HLS dependence variable = qp inter false
    EDGEMOE_TICK();
    // 1/s of the token, at each of its picks: held across iterations it would carry the reciprocal's latency.
    softmax_state_t<act_t> fin;
    fin.m = st_m[t];
    fin.s = st_s[t];
    const act_t inv_s = softmax_inv_sum(fin);
    const int ex = top_e[t][j];
    const int q = len[ex];
    const act_t p = softmax_prob(top_l[t][j], fin.m, inv_s);
    qidx[ex][q] = t;
    qp[ex][q] = p;
    EDGEMOE_TRACE_GATE_PICK(t, j, ex, p);
    len[ex] = q + 1;
    if (++j == TOP_K) {
      j = 0;
      t++;
    }
  }
  int m = 0;
gate_route_meta:
  for (int x = 0; x < EXPERTS; x++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    EDGEMOE_COUNT_ROUTE(x, len[x]);  // csim cycle tests only (count_cycles.h)
    qlen[x] = len[x];
    if (len[x] > 0) meta[m++] = x;
  }
  meta_len = m;
}

/** hardware.gate = 'unified': routes the logits the linear unit wrote at `logits` ([TOKENS][EXPERTS] act_t, in rows of
 *  GATE_LOGIT_WORDS words): fills the queues (token order) and the metaqueue (reader -> compute). */
template <class CONFIG_T>
void moe_route(const typename CONFIG_T::word_t *logits, typename moe_buffers<CONFIG_T>::qidx_t qidx, typename moe_buffers<CONFIG_T>::qp_t qp,
               int qlen[CONFIG_T::EXPERTS], int meta[CONFIG_T::EXPERTS], int &meta_len) {
#pragma HLS inline off
#pragma HLS dataflow
  hls::stream<typename CONFIG_T::word_t> ls;
#pragma HLS stream variable = ls depth = 2  // the store takes a word per cycle
  gate_route_read<CONFIG_T>(logits, ls);
  gate_route_compute<CONFIG_T>(ls, qidx, qp, qlen, meta, meta_len);
}

/** STEP_T::step of the expert loop: with several weight ports (PORTS) the next weights' pointers into the other weight
 *  regions follow linear_step's arguments; with one, STEP_T::step has no such arguments and they are dropped. */
template <class CONFIG_T, class STEP_T, bool PORTS>
struct moe_step {
  typedef typename CONFIG_T::lin_config L;
  typedef typename CONFIG_T::word_t word_t;
  static void run(word_t *dst, const word_t *src, typename lin_buffers<L>::w_t w, typename lin_buffers<L>::b_t bias, int out_dim, int in_dim,
                  int rows, const typename moe_buffers<CONFIG_T>::qidx_t qidx, const typename moe_buffers<CONFIG_T>::qp_t qp, int queue, bool use_gelu,
                  bool use_expert, bool use_score, const word_t *bmem, int b_first, int b_sh, bool b_attn, typename lin_buffers<L>::w_t wnext,
                  const word_t *wmem_next, int next_first, int next_out, int next_in, int next_sh, const word_t *, const word_t *, const word_t *) {
#pragma HLS inline
    STEP_T::step(dst, src, w, bias, out_dim, in_dim, rows, qidx, qp, queue, use_gelu, use_expert, use_score, bmem, b_first, b_sh, b_attn, wnext,
                 wmem_next, next_first, next_out, next_in, next_sh);
  }
};

template <class CONFIG_T, class STEP_T>
struct moe_step<CONFIG_T, STEP_T, true> {
  typedef typename CONFIG_T::lin_config L;
  typedef typename CONFIG_T::word_t word_t;
  static void run(word_t *dst, const word_t *src, typename lin_buffers<L>::w_t w, typename lin_buffers<L>::b_t bias, int out_dim, int in_dim,
                  int rows, const typename moe_buffers<CONFIG_T>::qidx_t qidx, const typename moe_buffers<CONFIG_T>::qp_t qp, int queue, bool use_gelu,
                  bool use_expert, bool use_score, const word_t *bmem, int b_first, int b_sh, bool b_attn, typename lin_buffers<L>::w_t wnext,
                  const word_t *wmem_next, int next_first, int next_out, int next_in, int next_sh, const word_t *x1, const word_t *x2,
                  const word_t *x3) {
#pragma HLS inline
    STEP_T::step(dst, src, w, bias, out_dim, in_dim, rows, qidx, qp, queue, use_gelu, use_expert, use_score, bmem, b_first, b_sh, b_attn, wnext,
                 wmem_next, next_first, next_out, next_in, next_sh, x1, x2, x3);
  }
};

/**
 * The expert loop with real double buffering: out = 0, W1 of the first active expert into ping, then for each
 * active expert e (ascending): hidden[patch] = GELU(W1[e]·u[patch] + b1[e]) from ping WHILE W2[e] loads into pong;
 * out[patch] += p · (W2[e]·hidden[patch] + b2[e]) from pong WHILE W1 of the next active expert loads into ping
 * (Edge-MoE's load order, made concurrent by linear_step's DATAFLOW). w1/b1/w2/b2 point at the block's
 * [E][H][D] / [E][H] / [E][D][H] / [E][D] tensors. bping and bpong may be the same buffer (the top function passes
 * its one lin_bbuf twice): each linear_step loads its biases before it computes.
 */
template <class CONFIG_T, class STEP_T, int T_EXPERTS = CONFIG_T::EXPERTS>
void moe_experts(typename CONFIG_T::word_t *out, const typename CONFIG_T::word_t *u, typename CONFIG_T::word_t *hidden,
                 const typename CONFIG_T::word_t *w1, const typename CONFIG_T::word_t *b1, const typename CONFIG_T::word_t *w2,
                 const typename CONFIG_T::word_t *b2, const typename moe_buffers<CONFIG_T>::qidx_t qidx,
                 const typename moe_buffers<CONFIG_T>::qp_t qp, const int qlen[CONFIG_T::EXPERTS], const int meta[CONFIG_T::EXPERTS],
                 int meta_len, typename lin_buffers<typename CONFIG_T::lin_config>::w_t wping,
                 typename lin_buffers<typename CONFIG_T::lin_config>::w_t wpong, typename lin_buffers<typename CONFIG_T::lin_config>::b_t bping,
                 typename lin_buffers<typename CONFIG_T::lin_config>::b_t bpong, int sh_w1 = 0, int sh_b1 = 0, int sh_w2 = 0, int sh_b2 = 0,
                 const typename CONFIG_T::word_t *w1_1 = 0, const typename CONFIG_T::word_t *w1_2 = 0, const typename CONFIG_T::word_t *w1_3 = 0,
                 const typename CONFIG_T::word_t *w2_1 = 0, const typename CONFIG_T::word_t *w2_2 = 0, const typename CONFIG_T::word_t *w2_3 = 0) {
#pragma HLS inline  // into the top function, whose ALLOCATION shares linear_step (through STEP_T) with it
  const int DIM = CONFIG_T::DIM, EXPERT_HIDDEN = CONFIG_T::EXPERT_HIDDEN;
  typedef moe_step<CONFIG_T, STEP_T, (lin_weight_ports<typename CONFIG_T::lin_config>::N > 1)> step;
  const int TOKEN_BUF_WORDS = CONFIG_T::TOKEN_BUF_WORDS;
moe_zero:
  for (int wi = 0; wi < TOKEN_BUF_WORDS; wi++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    out[wi] = 0;
  }
  if (meta_len > 0)  // prologue: W1 of the first active expert (a pure load: rows = 0)
    step::run(hidden, u, wpong, bpong, 0, 0, 0, qidx, qp, 0, false, false, false, b1, 0, 0, false, wping, w1, meta[0] * EXPERT_HIDDEN * DIM,
              EXPERT_HIDDEN, DIM, sh_w1, w1_1, w1_2, w1_3);
moe_active_experts:
  for (int a = 0; a < meta_len; a++) {
#pragma HLS loop_tripcount min = 1 max = T_EXPERTS
    const int e = meta[a];
    const int n = qlen[e];
    const bool more = a + 1 < meta_len;
    const int e_next = more ? meta[a + 1] : e;
    step::run(hidden, u, wping, bping, EXPERT_HIDDEN, DIM, n, qidx, qp, e, true, true, false, b1, e * EXPERT_HIDDEN, sh_b1, false, wpong, w2,
              e * DIM * EXPERT_HIDDEN, DIM, EXPERT_HIDDEN, sh_w2, w2_1, w2_2, w2_3);
    step::run(out, hidden, wpong, bpong, DIM, EXPERT_HIDDEN, n, qidx, qp, e, false, true, true, b2, e * DIM, sh_b2, false, wping, w1,
              e_next * EXPERT_HIDDEN * DIM, more ? EXPERT_HIDDEN : 0, DIM, sh_w1, w1_1, w1_2, w1_3);
  }
}

}  // namespace edgemoe

#endif  // EDGEMOE_PATCH_REORDERING_H
