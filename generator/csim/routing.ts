// MoE routing diagnostics: the kernel's per-token top-k picks (the routing record of trace_hook.h) against the float
// reference's block{i}.topk_idx / topk_p / gate_probs. A token whose expert set differs is almost always a near-tie
// between the k-th and (k+1)-th probability, where the fixed-point gate legitimately picks the other expert.
import { UserError } from '../errors.ts';
import { compareArrays, type Comparison } from '../reference/compare.ts';
import type { RouteLayout } from '../plan/index.ts';
import { asF64, type Tensor, type TensorMap } from '../tensor.ts';

/** The routing the kernel traced for one gate call. */
export interface KernelRouting {
  /** Gate logits [tokens][experts] as the kernel used them (act_t). */
  logits: Float64Array;
  /** Pick probabilities [tokens][topK], pick order (descending logit, ties to the lower expert). */
  probs: Float64Array;
  /** Picked experts [tokens][topK], pick order. */
  idx: Int32Array;
}

/** One token whose expert set differs from the reference's. */
export interface RoutingDiff {
  token: number;
  /** Expert sets, ascending. */
  csim: number[];
  reference: number[];
  /** The reference's k-th minus (k+1)-th largest gate probability of this token (small = near-tie). */
  margin: number;
}

/** Routing of one MoE block compared with the reference. */
export interface RoutingReport {
  block: number;
  /** Id and name of the gate op. */
  op: number;
  name: string;
  tokens: number;
  topK: number;
  differ: RoutingDiff[];
  /**
   * The picked experts' probabilities against the reference's, expert by expert, over the tokens with the same expert
   * set (null when none agree): the one topk_p figure, in the op table's row and in the routing line.
   */
  topkP: Comparison | null;
  /** Largest |p_csim − p_ref| of the picked experts over tokens with the same expert set (0 when none agree). */
  topkPMaxAbs: number;
  /** The reference's smallest k-th minus (k+1)-th probability margin over all tokens (how close the nearest tie is). */
  minMargin: number;
  /** What the kernel traced. */
  kernel: KernelRouting;
  /** The reference's picked experts [tokens][topK], its pick order (for the HTML routing maps). */
  referenceIdx: Int32Array;
}

/** Decodes a routing record (elements of `elemBits`, the activation container: 32 or 16; rows of layout.rowElems;
 *  probabilities/logits raw / 2^frac). */
export function decodeRouting(bytes: Uint8Array, layout: RouteLayout, frac: number, elemBits: 32 | 16 = 32): KernelRouting {
  const { tokens: N, experts: E, topK: K, rowElems } = layout;
  const eb = elemBits / 8;
  if (bytes.length < N * rowElems * eb) throw new UserError(`routing record has ${bytes.length} bytes, ${N} tokens × ${rowElems} elements need ${N * rowElems * eb}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = eb === 4 ? (t: number, col: number) => v.getInt32((t * rowElems + col) * 4, true) : (t: number, col: number) => v.getInt16((t * rowElems + col) * 2, true);
  const scale = 2 ** -frac;
  const logits = new Float64Array(N * E);
  const probs = new Float64Array(N * K);
  const idx = new Int32Array(N * K);
  for (let t = 0; t < N; t++) {
    for (let e = 0; e < E; e++) logits[t * E + e] = at(t, layout.logitCol + e) * scale;
    for (let j = 0; j < K; j++) {
      probs[t * K + j] = at(t, layout.probCol + j) * scale;
      const e = at(t, layout.idxCol + j);
      if (e < 0 || e >= E) throw new UserError(`routing record: token ${t} pick ${j} names expert ${e} (the design has ${E})`);
      idx[t * K + j] = e;
    }
  }
  return { logits, probs, idx };
}

/** The reference tensors of block i a routing comparison needs (throws naming the missing key). */
export function referenceRouting(trace: TensorMap, block: number): { topkIdx: Tensor; topkP: Tensor; gateProbs: Tensor; gateLogits: Tensor } {
  const get = (k: string) => {
    const t = trace.get(`block${block}.${k}`);
    if (!t) throw new UserError(`reference trace has no block${block}.${k}`);
    return t;
  };
  return { topkIdx: get('topk_idx'), topkP: get('topk_p'), gateProbs: get('gate_probs'), gateLogits: get('gate_logits') };
}

/** Compares the kernel's routing of one block with the reference (expert sets, margins, topk_p of agreeing tokens). */
export function compareRouting(k: KernelRouting, ref: { topkIdx: Tensor; topkP: Tensor; gateProbs: Tensor }, layout: RouteLayout, op: { block: number; id: number; name: string }): RoutingReport {
  const { tokens: N, experts: E, topK: K } = layout;
  const refIdx = Array.from(asF64(ref.topkIdx));
  const refP = asF64(ref.topkP);
  const probs = asF64(ref.gateProbs);
  if (refIdx.length !== N * K || probs.length !== N * E) throw new UserError(`reference routing of block ${op.block} is not [${N}][${K}] / [${N}][${E}]`);
  const differ: RoutingDiff[] = [];
  const mineP: number[] = [];
  const theirP: number[] = [];
  let minMargin = Infinity;
  for (let t = 0; t < N; t++) {
    const sorted = Array.from(probs.subarray(t * E, (t + 1) * E)).sort((a, b) => b - a);
    const margin = K < E ? sorted[K - 1]! - sorted[K]! : Infinity;
    minMargin = Math.min(minMargin, margin);
    const mine = Array.from(k.idx.subarray(t * K, (t + 1) * K));
    const theirs = refIdx.slice(t * K, (t + 1) * K);
    const a = [...mine].sort((x, y) => x - y);
    const b = [...theirs].sort((x, y) => x - y);
    if (a.some((e, j) => e !== b[j])) {
      differ.push({ token: t, csim: a, reference: b, margin });
      continue;
    }
    // Same set: compare each expert's probability (the pick order may differ at a tie).
    for (let j = 0; j < K; j++) {
      mineP.push(k.probs[t * K + j]!);
      theirP.push(refP[t * K + theirs.indexOf(mine[j]!)]!);
    }
  }
  // Position by position over all tokens would also compare different experts' probabilities (other sets, swapped ties).
  const topkP = mineP.length ? compareArrays(mineP, theirP) : null;
  return { block: op.block, op: op.id, name: op.name, tokens: N, topK: K, differ, topkP, topkPMaxAbs: topkP?.maxAbs ?? 0, minMargin, kernel: k, referenceIdx: Int32Array.from(refIdx) };
}
