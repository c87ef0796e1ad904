// Trip counts of templates/kernel/patch_reordering.h (gating, queues, expert loop) per invocation.
import { computeLinearTrips, loadLinearBiasTrips, loadLinearWeightsTrips } from './linear.ts';

export interface MoeSizes {
  tokens: number;
  dim: number;
  experts: number;
  topK: number;
  expertHidden: number;
  actLanes: number;
  tileIn: number;
  tileOut: number;
  /** Elements per word of the linear weights and of the biases. */
  wLanes: number;
  bLanes: number;
  /** Row-scale entries per word of the linear weights (per-channel scales), 0 or absent = none. */
  sLanes?: number;
  /** Weight ports of the linear loader (hardware.weightPorts; the gate loader reads one), default 1. */
  wPorts?: number;
}

/** moe_gate: gate-weight load (E·D words of the task's [E,D] gate), logits (one act word per cycle, E·lanes MACs),
 *  softmax + top-k (one expert per cycle), queue appends (one choice per cycle), metaqueue (one expert per cycle). */
export function moeGateTrips(s: MoeSizes): number {
  const load = loadLinearWeightsTrips(s.experts, s.dim, s.wLanes, 0, s.sLanes);
  const logits = s.tokens * (s.dim / s.actLanes);
  const softmaxTopk = s.tokens * s.experts;
  const queues = s.tokens * s.topK;
  const meta = s.experts;
  return load + logits + softmaxTopk + queues + meta;
}

/** hardware.gate = 'unified', the gate op (kernel.cpp; its weights load during attn proj): the zero bias (load_linear_
 *  bias), the logits on the unit (one TILE_OUT×TILE_IN tile per cycle over all tokens), then moe_route: the logit words
 *  into the on-chip store (one per cycle), the softmax + top-k (one (expert, token) per cycle), the appends (one pick
 *  per cycle), the metaqueue (one expert per cycle). */
export function moeGateUnifiedTrips(s: MoeSizes): number {
  const bias = loadLinearBiasTrips(s.experts, s.bLanes);
  const logits = computeLinearTrips(s.tokens, s.experts, s.dim, s.tileIn, s.tileOut);
  const store = s.tokens * (s.experts / s.actLanes);
  return bias + logits + store + s.experts * s.tokens + s.tokens * s.topK + s.experts;
}

/** moe_experts for given per-expert queue lengths (0 = inactive): zero the output, then per active expert
 *  W1/b1 load, FC1+GELU on its tokens, W2/b2 load, FC2 with score accumulation. */
export function moeExpertsTrips(s: MoeSizes, queueLens: readonly number[]): number {
  const H = s.expertHidden;
  const D = s.dim;
  let t = s.tokens * (D / s.actLanes);
  queueLens.forEach((n, e) => {
    if (n <= 0) return;
    t += loadLinearWeightsTrips(H, D, s.wLanes, e * H * D, s.sLanes, s.wPorts) + loadLinearBiasTrips(H, s.bLanes, e * H);
    t += computeLinearTrips(n, H, D, s.tileIn, s.tileOut);
    t += loadLinearWeightsTrips(D, H, s.wLanes, e * D * H, s.sLanes, s.wPorts) + loadLinearBiasTrips(D, s.bLanes, e * D);
    t += computeLinearTrips(n, D, H, s.tileIn, s.tileOut);
  });
  return t;
}

/** moe_experts trips when the tokens·topK choices spread so that every expert is active (the planning value). */
export function moeExpertsTripsAllActive(s: MoeSizes): number {
  const pairs = s.tokens * s.topK;
  const lens = Array.from({ length: s.experts }, (_, e) => Math.floor(pairs / s.experts) + (e < pairs % s.experts ? 1 : 0));
  return moeExpertsTrips(s, lens);
}
