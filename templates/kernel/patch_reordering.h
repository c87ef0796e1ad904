// Patch reordering for MoE (Edge-MoE innovation 5): gate each token, queue it (patch index + probability) for its
// top-k experts, then run every ACTIVE expert once over its queue with the unified linear unit, gathering rows by
// patch index and scattering results back to the same slot. Tokens never move; each active expert's weights are
// fetched once per block instead of once per token.
//
// Usage (include after params.h and unified_linear.h):
//   load_gate_weights(wmem + WO_GATE[block][task]);        // the task's [E][D] gate (stored transposed)
//   moe_gate(u);                                           // u = LN2 output; fills the queues and the metaqueue
//   moe_experts(out, u, hidden, wmem, w1, b1, w2, b2);     // out = Σ_k p_k · expert_k(u), per token
//
// Gating (m3vit.md §2, edge-moe.md §4(5)): logits l = u·w_gate[task] (products truncated to acc_t, summed in acc_t,
// then taken as act_t); the single-pass softmax statistics (single_pass_softmax.h) run over ALL experts; top-k keeps
// the k largest logits with ties to the lower expert index (strict >); each pick's probability is
// p = e^(l − m) · (1/s), NOT renormalised over the top k (gotcha 3). The insertion computes every slot from the
// previous slots explicitly, and an empty slot counts as −∞, so no unassigned slot is ever read (gotcha 2).
//
// Cycle model (EDGEMOE_TICK, generator/kernels/moe.ts): gate load one word per cycle; logits one act word per cycle
// (EXPERTS × ACT_LANES MACs); softmax + top-k one expert per cycle; queue appends one pick per cycle; metaqueue one
// expert per cycle; experts: zero the output (one word per cycle), then per active expert two weight + bias loads and
// two compute_linear passes over its queue.
#ifndef EDGEMOE_PATCH_REORDERING_H
#define EDGEMOE_PATCH_REORDERING_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "single_pass_softmax.h"
#include "trace_hook.h"
#include "unified_linear.h"

// ---- on-chip state ----
static wlin_t gate_w[EXPERTS][DIM];
static pidx_t expert_queue_idx[EXPERTS][TOKENS];
static act_t expert_queue_p[EXPERTS][TOKENS];
static int expert_queue_len[EXPERTS];
static int expert_meta[EXPERTS];  // active experts, ascending
static int expert_meta_len;

/** Loads one task's gate [EXPERTS][DIM] (wlin_t, word-aligned) on chip, one word per cycle. */
inline void load_gate_weights(const word_t *wmem, int sh = 0) {
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
        gate_w[e][dw * WLIN_LANES + j] = fxm_lane_get_shifted<wlin_t, WLIN_BITS, WLIN_W>(word, j, sh);
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
        gate_w[e][d] = fxm_lane_get_shifted<wlin_t, WLIN_BITS, WLIN_W>(word, j, sh);
        if (++d == DIM) {
          d = 0;
          e++;
        }
      }
    }
  }
}

/** Gating of every token of u [TOKENS][DIM]: fills expert_queue_* (token order) and the metaqueue. */
inline void moe_gate(const word_t *u) {
#pragma HLS array_partition variable = gate_w complete dim = 1  // EXPERTS x ACT_LANES weights read per cycle
#pragma HLS array_partition variable = gate_w cyclic factor = ACT_LANES dim = 2
gate_reset:
  for (int e = 0; e < EXPERTS; e++) expert_queue_len[e] = 0;
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
      const word_t word = u[t * DIM_WORDS + wi];
    gate_logit_experts:
      for (int e = 0; e < EXPERTS; e++) {
#pragma HLS unroll
        acc_t a = logit[e];
      gate_logit_lanes:
        for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
          a += acc_t(act_get(word, j) * gate_w[e][wi * ACT_LANES + j]);
        }
        logit[e] = a;
      }
    }
    // Online softmax over all experts + top-k insertion, one expert per cycle.
    softmax_state_t st;
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
#pragma HLS pipeline II = 1
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
        top_l[j] = nl[j];
        top_e[j] = ne[j];
        top_ok[j] = nok[j];
      }
    }
    const act_t inv_s = softmax_inv_sum(st);
  gate_enqueue:
    for (int j = 0; j < TOP_K; j++) {
#pragma HLS pipeline II = 1
#pragma HLS dependence variable = expert_queue_len inter false  // a token's top-k experts are distinct
      EDGEMOE_TICK();
      const int e = top_e[j];
      const int n = expert_queue_len[e];
      expert_queue_idx[e][n] = t;
      expert_queue_p[e][n] = softmax_prob(top_l[j], st.m, inv_s);
      EDGEMOE_TRACE_GATE_PICK(t, j, e, expert_queue_p[e][n]);
      expert_queue_len[e] = n + 1;
    }
  }
  int n = 0;
gate_metaqueue:
  for (int e = 0; e < EXPERTS; e++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    if (expert_queue_len[e] > 0) expert_meta[n++] = e;
  }
  expert_meta_len = n;
}

/**
 * The expert loop: out = 0, then for each active expert e (ascending): hidden[patch] = GELU(W1[e]·u[patch] + b1[e])
 * for its queued patches (ping), out[patch] += p · (W2[e]·hidden[patch] + b2[e]) (pong). w1/b1/w2/b2 point at the
 * block's [E][H][D] / [E][H] / [E][D][H] / [E][D] tensors.
 */
inline void moe_experts(word_t *out, const word_t *u, word_t *hidden, const word_t *w1, const word_t *b1, const word_t *w2, const word_t *b2,
                        int sh_w1 = 0, int sh_b1 = 0, int sh_w2 = 0, int sh_b2 = 0) {
#pragma HLS inline  // into the top function, whose ALLOCATION shares compute_linear / load_linear_weights with it
moe_zero:
  for (int wi = 0; wi < TOKEN_BUF_WORDS; wi++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    out[wi] = 0;
  }
moe_active_experts:
  for (int a = 0; a < expert_meta_len; a++) {
#pragma HLS loop_tripcount min = 1 max = EXPERTS
    const int e = expert_meta[a];
    const int n = expert_queue_len[e];
    load_linear_weights(0, w1, e * EXPERT_HIDDEN * DIM, EXPERT_HIDDEN, DIM, sh_w1);
    load_linear_bias<wbias_t, WBIAS_BITS, WBIAS_LANES, WBIAS_W>(0, b1, e * EXPERT_HIDDEN, EXPERT_HIDDEN, sh_b1);
    compute_linear(hidden, u, 0, EXPERT_HIDDEN, DIM, n, expert_queue_idx, expert_queue_p, e, true, true, false);
    load_linear_weights(1, w2, e * DIM * EXPERT_HIDDEN, DIM, EXPERT_HIDDEN, sh_w2);
    load_linear_bias<wbias_t, WBIAS_BITS, WBIAS_LANES, WBIAS_W>(1, b2, e * DIM, DIM, sh_b2);
    compute_linear(out, hidden, 1, DIM, EXPERT_HIDDEN, n, expert_queue_idx, expert_queue_p, e, false, true, true);
  }
}

#endif  // EDGEMOE_PATCH_REORDERING_H
