// The per-image op schedule of edge-moe.md §3: ids (= debug-stop ids), regions, trace names and trip counts.
import type { DramRegion } from '../config/schema.ts';
import { attnAvTicks, attnQkTicks } from '../kernels/attention.ts';
import { layernormTicks } from '../kernels/layernorm.ts';
import { linearOpTrips } from '../kernels/linear.ts';
import { residualAddTicks } from '../kernels/residual.ts';
import { moeExpertsTripsAllActive, moeGateTrips, moeGateUnifiedTrips, type MoeSizes } from '../kernels/moe.ts';
import { patchEmbedTrips, patchEmbedUnifiedTrips } from '../kernels/patch-embed.ts';
import { numel } from '../tensor.ts';
import { routeLayout } from './route.ts';
import { GATE_ZERO_BIAS } from './weights.ts';
import type { OpKind, PlanOp, PlanRegion, PlanSizes, PlanTypes } from './types.ts';

/** Ops per transformer block; block i's step k (1..OPS_PER_BLOCK) has id 1 + i·OPS_PER_BLOCK + k. */
export const OPS_PER_BLOCK = 12;

/** The id of the patch-embed op (the first op of every image). */
export const OP_PATCH_EMBED = 1;

/** Block step numbers (the k of an op id), shared with params.h. */
export const STEP = {
  ln1: 1,
  q: 2,
  k: 3,
  qk: 4,
  v: 5,
  attnV: 6,
  proj: 7,
  add1: 8,
  ln2: 9,
  ffn1: 10,
  ffn2: 11,
  add2: 12,
} as const;

/** Op id of block i's step k. */
export function blockOpId(block: number, step: number): number {
  return OP_PATCH_EMBED + block * OPS_PER_BLOCK + step;
}

/** The schedule for one image. */
export function buildSchedule(s: PlanSizes, t: PlanTypes, regions: Record<DramRegion, PlanRegion>, moeBlocks: ReadonlySet<number>): PlanOp[] {
  const ops: PlanOp[] = [];
  const lanes = s.actLanes;
  const rowWords = (w: number) => Math.ceil(w / lanes);
  const tokenWords = s.tokens * rowWords(s.dim);
  const wL = t.linearWeight.lanes;
  const sL = t.linearWeight.scale?.lanes ?? 0;
  // Double buffering (linear_step): Q loads its own weights; every linear prefetches the next one's of its block.
  const lin = (outDim: number, inDim: number, biasCls: 'attnBias' | 'bias', ownLoad: boolean, prefetch: [number, number] | null) =>
    linearOpTrips({
      rows: s.tokens,
      outDim,
      inDim,
      tileIn: s.tileIn,
      tileOut: s.tileOut,
      wLanes: wL,
      bLanes: t[biasCls].lanes,
      sLanes: sL,
      wPorts: s.weightPorts,
      ownLoad,
      prefetch: prefetch ? { outDim: prefetch[0], inDim: prefetch[1] } : null,
    });
  const moeSizes: MoeSizes = {
    tokens: s.tokens,
    dim: s.dim,
    experts: s.experts,
    topK: s.topK,
    expertHidden: s.expertHidden,
    actLanes: lanes,
    tileIn: s.tileIn,
    tileOut: s.tileOut,
    wLanes: wL,
    bLanes: t.bias.lanes,
    sLanes: sL,
    wPorts: s.weightPorts,
  };
  const lnTrips = layernormTicks(s.tokens, s.dim, lanes, s.axiBits, t.bias.containerBits);
  const addTrips = residualAddTicks(s.tokens, s.dim, lanes);
  const qkTrips = attnQkTicks(s.tokens, s.dim, lanes, s.attnP);
  const avTrips = attnAvTicks(s.tokens, s.dim, lanes, s.attnP);

  ops.push({
    id: OP_PATCH_EMBED,
    name: 'embed',
    kind: 'patch_embed',
    block: null,
    step: 0,
    inputs: ['images', 'weights'],
    output: 'x',
    outShape: [s.tokens, s.dim],
    outWords: tokenWords,
    traceWords: tokenWords,
    trace: 'embed',
    weights: ['patch_embed.proj.weight', 'patch_embed.proj.bias', 'pos_embed'],
    outType: t.activation.cpp,
    trips: s.patchUnified
      ? patchEmbedUnifiedTrips({ ...s, actLanes: lanes, wLanes: wL, bLanes: t.bias.lanes, sLanes: sL, wPorts: s.weightPorts })
      : patchEmbedTrips({
          dim: s.dim,
          inCh: s.inCh,
          patch: s.patch,
          gridH: s.gridH,
          gridW: s.gridW,
          actLanes: lanes,
          pePatches: s.pePatches,
          peDims: s.peDims,
          wLanes: t.patchWeight.lanes,
          bLanes: t.bias.lanes,
        }),
  });
  for (let i = 0; i < s.depth; i++) {
    const b = `blocks.${i}.`;
    const moe = moeBlocks.has(i);
    const op = (
      step: number,
      name: string,
      kind: OpKind,
      inputs: DramRegion[],
      output: DramRegion | null,
      outShape: number[],
      trace: string | null,
      weights: string[],
      trips: number,
    ) => {
      const outWords = output === null ? 0 : outShape.length === 2 ? outShape[0]! * rowWords(outShape[1]!) : Math.min(regions[output].words, Math.ceil(numel(outShape) / lanes));
      const traceWords = kind === 'moe_gate' ? routeLayout(s).words : outWords;
      ops.push({ id: blockOpId(i, step), name: `block${i}.${name}`, kind, block: i, step, inputs, output, outShape, outWords, traceWords, trace, weights, outType: t.activation.cpp, trips });
    };
    const tok: number[] = [s.tokens, s.dim];
    op(STEP.ln1, 'ln1', 'layernorm', ['x', 'weights'], 'tmp1', tok, `block${i}.ln1`, [`${b}norm1.weight`, `${b}norm1.bias`], lnTrips);
    op(STEP.q, 'q', 'linear', ['tmp1', 'weights'], 'tmp2', tok, `block${i}.q`, [`${b}attn.q.weight`, `${b}attn.q.bias`], lin(s.dim, s.dim, 'attnBias', true, [s.dim, s.dim]));
    op(STEP.k, 'k', 'linear', ['tmp1', 'weights'], 'tmp3', tok, `block${i}.k`, [`${b}attn.k.weight`, `${b}attn.k.bias`], lin(s.dim, s.dim, 'attnBias', false, [s.dim, s.dim]));
    const vOp = (out: DramRegion) => op(STEP.v, 'v', 'linear', ['tmp1', 'weights'], out, tok, `block${i}.v`, [`${b}attn.v.weight`, `${b}attn.v.bias`], lin(s.dim, s.dim, 'attnBias', false, [s.dim, s.dim]));
    if (s.attnFused) {
      // hardware.attention = 'fused': V first, into hidden (tmp2 holds Q until the attention has read it), then one op
      // for Q·Kᵀ/softmax and softmax·V with step attnV's id, name and trace (its output is the split design's); step
      // qk has no op (ids stay in time order; the testbench and bridge refuse or ignore a debug stop there).
      vOp('hidden');
      op(STEP.attnV, 'attn_ctx', 'attention', ['tmp2', 'tmp3', 'hidden'], 'tmp1', tok, `block${i}.attn_ctx`, [], qkTrips + avTrips);
    } else {
      op(STEP.qk, 'qk_softmax', 'qk_softmax', ['tmp2', 'tmp3'], 'attn', regions.attn.shape, null, [], qkTrips);
      vOp('tmp2');
      op(STEP.attnV, 'attn_ctx', 'attn_v', ['attn', 'softmaxInfo', 'tmp2'], 'tmp1', tok, `block${i}.attn_ctx`, [], avTrips);
    }
    op(STEP.proj, 'attn_out', 'linear', ['tmp1', 'weights'], 'tmp3', tok, `block${i}.attn_out`, [`${b}attn.proj.weight`, `${b}attn.proj.bias`], lin(s.dim, s.dim, 'attnBias', false, moe ? (s.gateUnified ? [s.experts, s.dim] : null) : [s.mlpHidden, s.dim]));
    op(STEP.add1, 'resid1', 'residual_add', ['x', 'tmp3'], 'x', tok, `block${i}.resid1`, [], addTrips);
    op(STEP.ln2, 'ln2', 'layernorm', ['x', 'weights'], 'tmp1', tok, `block${i}.ln2`, [`${b}norm2.weight`, `${b}norm2.bias`], lnTrips);
    if (moe) {
      const gates = Array.from({ length: s.tasks }, (_, tk) => `${b}mlp.gate.${tk}.w_gate`);
      // hardware.gate = 'unified': the logits go through the hidden region (written by the unit, read by the routing).
      op(STEP.ffn1, 'gate', 'moe_gate', s.gateUnified ? ['tmp1', 'weights', 'hidden'] : ['tmp1', 'weights'], null, [], null, s.gateUnified ? [...gates, GATE_ZERO_BIAS] : gates, s.gateUnified ? moeGateUnifiedTrips(moeSizes) : moeGateTrips(moeSizes));
      const ex = ['htoh4.weight', 'htoh4.bias', 'h4toh.weight', 'h4toh.bias'].map((n) => `${b}mlp.experts.${n}`);
      op(STEP.ffn2, 'mlp_out', 'moe_experts', ['tmp1', 'hidden', 'tmp3', 'weights'], 'tmp3', tok, `block${i}.mlp_out`, ex, moeExpertsTripsAllActive(moeSizes));
    } else {
      op(STEP.ffn1, 'fc1_act', 'linear_gelu', ['tmp1', 'weights'], 'hidden', [s.tokens, s.mlpHidden], `block${i}.fc1_act`, [`${b}mlp.fc1.weight`, `${b}mlp.fc1.bias`], lin(s.mlpHidden, s.dim, 'bias', false, [s.dim, s.mlpHidden]));
      op(STEP.ffn2, 'mlp_out', 'linear', ['hidden', 'weights'], 'tmp3', tok, `block${i}.mlp_out`, [`${b}mlp.fc2.weight`, `${b}mlp.fc2.bias`], lin(s.dim, s.mlpHidden, 'bias', false, null));
    }
    op(STEP.add2, 'out', 'residual_add', ['x', 'tmp3'], 'x', tok, `block${i}.out`, [], addTrips);
  }
  return ops;
}
