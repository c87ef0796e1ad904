// The MoE routing record the kernel traces after each gate under -DEDGEMOE_TRACE (templates/kernel/trace_hook.h):
// per token one row of activation-container elements (32 or 16 bits) — EXPERTS gate logits (act_t raw), TOP_K pick
// probabilities (act_t raw, pick order), TOP_K expert indices (integers of the container width) — padded to whole AXI
// words.
import type { PlanSizes } from './types.ts';

/** Column layout of one token's row of the routing record. */
export interface RouteLayout {
  experts: number;
  topK: number;
  tokens: number;
  /** First column of the logits, the probabilities and the expert indices. */
  logitCol: number;
  probCol: number;
  idxCol: number;
  /** Words per token row (MOE_ROUTE_ROW_WORDS in params.h) and elements per row (padding included). */
  rowWords: number;
  rowElems: number;
  /** Words of the whole record (what the trace hook receives). */
  words: number;
}

/** The routing record layout of a plan's sizes. */
export function routeLayout(s: PlanSizes): RouteLayout {
  const rowWords = Math.ceil((s.experts + 2 * s.topK) / s.actLanes);
  return {
    experts: s.experts,
    topK: s.topK,
    tokens: s.tokens,
    logitCol: 0,
    probCol: s.experts,
    idxCol: s.experts + s.topK,
    rowWords,
    rowElems: rowWords * s.actLanes,
    words: s.tokens * rowWords,
  };
}
