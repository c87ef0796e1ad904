// Per-op trace hook for csim: with -DEDGEMOE_TRACE the top function calls edgemoe_trace(op, region, words) after
// each op with the op's output region (the testbench / bridge defines it and writes the words out, so csim can be
// compared op by op with the float reference). Without the macro every EDGEMOE_TRACE_* expands to nothing and this
// header adds no state, so the synthesised kernel is unchanged.
//
// MoE routing (traced under the gate op's id, whose result otherwise stays on chip): moe_gate records, per token, one
// row of MOE_ROUTE_ROW_WORDS words of ACT_BITS-bit elements (the activation container, 32 or 16 bits; params.h;
// generator/plan/route.ts has the same layout):
//   columns [0, EXPERTS)                      gate logits as act_t raw bits (sign-extended to ACT_BITS)
//   columns [EXPERTS, EXPERTS+TOP_K)          the picks' probabilities as act_t raw bits, in pick order
//   columns [EXPERTS+TOP_K, EXPERTS+2*TOP_K)  the picks' expert indices as ACT_BITS-bit integers, in pick order
// EDGEMOE_TRACE_GATE_LOGIT / _PICK expand where fxm_lane_set (fixed_math.h) is visible, i.e. in patch_reordering.h.
#ifndef EDGEMOE_TRACE_HOOK_H
#define EDGEMOE_TRACE_HOOK_H

#ifdef EDGEMOE_TRACE
#include "ap_int.h"

/** Defined by the testbench: called after op `op_id` with the `words` words of its output region. */
void edgemoe_trace(int op_id, const word_t *region, int words);
#define EDGEMOE_TRACE_OP(op, region, words) edgemoe_trace((op), (region), (words))

/** The routing record of the latest moe_gate call: [TOKENS][MOE_ROUTE_ROW_WORDS] words (layout above); csim state
 *  local to this accessor, not a mutable array at namespace scope. */
inline word_t *moe_route_rec() {
  static word_t rec[TOKENS * MOE_ROUTE_ROW_WORDS];
  return rec;
}

/** The word of the routing record holding column `col` of token t. */
inline word_t &moe_route_word(int t, int col) { return moe_route_rec()[t * MOE_ROUTE_ROW_WORDS + col / ACT_LANES]; }

/** Stores an ACT_BITS-bit integer at column `col` of token t. */
inline void moe_route_set_int(int t, int col, int v) {
  const int lo = (col % ACT_LANES) * ACT_BITS;
  moe_route_word(t, col).range(lo + ACT_BITS - 1, lo) = ap_int<ACT_BITS>(v).range(ACT_BITS - 1, 0);
}

#define EDGEMOE_TRACE_GATE_LOGIT(t, e, l) fxm_lane_set<act_t, ACT_BITS>(moe_route_word((t), (e)), (e) % ACT_LANES, (l))
#define EDGEMOE_TRACE_GATE_PICK(t, j, e, p)                                          \
  do {                                                                               \
    fxm_lane_set<act_t, ACT_BITS>(moe_route_word((t), EXPERTS + (j)), (EXPERTS + (j)) % ACT_LANES, (p));   \
    moe_route_set_int((t), EXPERTS + TOP_K + (j), (e));                              \
  } while (0)
#define EDGEMOE_TRACE_GATE(op) edgemoe_trace((op), moe_route_rec(), TOKENS * MOE_ROUTE_ROW_WORDS)
#else
#define EDGEMOE_TRACE_OP(op, region, words) ((void)0)
#define EDGEMOE_TRACE_GATE_LOGIT(t, e, l) ((void)0)
#define EDGEMOE_TRACE_GATE_PICK(t, j, e, p) ((void)0)
#define EDGEMOE_TRACE_GATE(op) ((void)0)
#endif

#endif  // EDGEMOE_TRACE_HOOK_H
