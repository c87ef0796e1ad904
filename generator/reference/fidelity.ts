// The fidelity report of a fixed-point run against the float reference: output error figures and how many
// (token, MoE block) expert sets agree with the reference's.
import type { Comparison } from './compare.ts';

/** Reference margins (k-th − (k+1)-th gate probability) above this count as clear decisions, not near-ties. */
export const CLEAR_MARGIN = 1e-3;

/** Routing agreement over every (token, MoE block) pair. */
export interface TopKAgreement {
  /** Pairs whose expert set equals the reference's, and all pairs. */
  agree: number;
  total: number;
  /** agree / total. */
  share: number;
  /** Differing pairs whose reference margin exceeds CLEAR_MARGIN (a flip that is not a near-tie). */
  clearFlips: number;
  /** Of those, the ones whose token already picked other experts in an earlier MoE block (its input differs by then:
   *  a consequence of that flip, not of precision at this block). */
  clearAfterFlip: number;
}

/** Output error figures plus routing agreement (null when the design has no MoE block or routing was not traced). */
export interface Fidelity extends Comparison {
  topk: TopKAgreement | null;
}

/** What the routing comparison of one MoE block provides (csim/routing.ts RoutingReport and the profile's). */
export interface BlockRouting {
  tokens: number;
  /** The differing tokens (with their index when known), blocks in schedule order. */
  differ: ReadonlyArray<{ margin: number; token?: number }>;
}

/** Agreement over the blocks' routings (null when there are none). */
export function topKAgreement(blocks: readonly BlockRouting[], clearMargin = CLEAR_MARGIN): TopKAgreement | null {
  if (blocks.length === 0) return null;
  const total = blocks.reduce((s, b) => s + b.tokens, 0);
  const differ = blocks.reduce((s, b) => s + b.differ.length, 0);
  const clearFlips = blocks.reduce((s, b) => s + b.differ.filter((d) => d.margin > clearMargin).length, 0);
  const flipped = new Set<number>();
  let clearAfterFlip = 0;
  for (const b of blocks) {
    for (const d of b.differ) if (d.margin > clearMargin && d.token !== undefined && flipped.has(d.token)) clearAfterFlip++;
    for (const d of b.differ) if (d.token !== undefined) flipped.add(d.token);
  }
  return { agree: total - differ, total, share: total ? (total - differ) / total : 1, clearFlips, clearAfterFlip };
}

const num = (x: number) => (!Number.isFinite(x) ? String(x) : x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4));

/** One line: MSE, MSE/var, cosine, bias, max abs and the top-k agreement. */
export function formatFidelity(f: Fidelity): string {
  let s = `fidelity: MSE ${num(f.mse)}  MSE/var ${num(f.relMse)}  cosine ${f.cosine.toFixed(6)}  bias ${num(f.bias)}  max abs ${num(f.maxAbs)}`;
  if (f.topk) {
    s += `  top-k agreement ${f.topk.agree}/${f.topk.total} (${(100 * f.topk.share).toFixed(2)} %)`;
    s += `, ${f.topk.clearFlips} flip${f.topk.clearFlips === 1 ? '' : 's'} at reference margin > ${CLEAR_MARGIN}`;
    if (f.topk.clearAfterFlip > 0) s += ` (${f.topk.clearAfterFlip} after the same token's flip in an earlier MoE block)`;
  }
  return s;
}
