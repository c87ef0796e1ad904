// Per-op trace hook for csim: with -DEDGEMOE_TRACE the top function calls edgemoe_trace(op, region, words) after
// each op with the op's output region (the testbench / bridge defines it and writes the words out, so csim can be
// compared op by op with the float reference). Without the macro EDGEMOE_TRACE_OP expands to nothing.
#ifndef EDGEMOE_TRACE_HOOK_H
#define EDGEMOE_TRACE_HOOK_H

#ifdef EDGEMOE_TRACE
/** Defined by the testbench: called after op `op_id` with the `words` words of its output region. */
void edgemoe_trace(int op_id, const word_t *region, int words);
#define EDGEMOE_TRACE_OP(op, region, words) edgemoe_trace((op), (region), (words))
#else
#define EDGEMOE_TRACE_OP(op, region, words) ((void)0)
#endif

#endif  // EDGEMOE_TRACE_HOOK_H
