// The per-op model of the estimator: each op of the plan as the pipelined loop nests the kernel library runs (trip
// counts from generator/kernels/*, the same formulas the C++ headers tick with) and the DRAM words it moves per region.
//
// Fill / latency model (documented assumptions, not measurements): a II=1 pipelined loop of T iterations entered
// once costs T + (depth − 1) + LOOP_OVERHEAD cycles. `depth` per nest is our estimate of the HLS pipeline depth of
// its body at 300 MHz (a MAC array with its adder tree ~12, the attention dot + online-softmax exp chain ~24,
// loads ~4). A nest re-entered k times (an inner pipelined loop under non-pipelined outer loops) pays the fill k
// times. DRAM latency is paid once per op (M_AXI_LATENCY, as set by run_hls.tcl's config_interface); later bursts
// are assumed to be issued ahead (outstanding reads) and covered by the bandwidth bound instead.
import type { DramRegion } from '../config/schema.ts';
import { attnQBlocks } from '../kernels/attention.ts';
import { containerBits } from '../kernels/layernorm.ts';
import { computeLinearTrips, loadLinearBiasTrips, loadLinearWeightsTrips, wordsSpanned } from '../kernels/linear.ts';
import { moeExpertsTrips, type MoeSizes } from '../kernels/moe.ts';
import { patchEmbedLoadTrips } from '../kernels/patch-embed.ts';
import { attnStepWords, softmaxInfoWords } from '../plan/dram.ts';
import type { Plan, PlanOp } from '../plan/index.ts';
import { STEP } from '../plan/schedule.ts';

/** Cycles a pipelined loop costs per entry beyond its iterations, besides its depth (loop entry/exit). */
export const LOOP_OVERHEAD = 2;
/** First-word latency of an m_axi read (run_hls.tcl: config_interface -m_axi_latency 64). */
export const M_AXI_LATENCY = 64;

/** Pipeline depth assumed for each kind of loop nest. */
export const DEPTH = {
  load: 4,
  linear: 12,
  attention: 24,
  layernorm: 12,
  residual: 4,
  patchMac: 10,
  write: 4,
  gateLogits: 10,
  gateSoftmax: 20,
  queue: 3,
} as const;

/** One pipelined loop nest of an op. */
export interface LoopNest {
  what: string;
  /** EDGEMOE_TICK calls (II=1 iterations). */
  trips: number;
  /** Times the pipelined loop is entered. */
  entries: number;
  depth: number;
  /** Weight / bias / parameter loads (hidden under compute in Edge-MoE's ideal model) vs compute. */
  load: boolean;
}

/** Words an op reads and writes per DRAM region. */
export type Traffic = Partial<Record<DramRegion, { read: number; write: number }>>;

/** The model of one op. */
export interface OpModel {
  op: PlanOp;
  nests: LoopNest[];
  traffic: Traffic;
  /** Useful multiply-accumulates (for the MAC/cycle figures). */
  macs: number;
}

/** How an MoE block's token-expert pairs fall on the experts. */
export interface MoeRouting {
  /** Tokens routed to each expert (length = experts; 0 = inactive). */
  queueLens: number[];
}

/** Queue lengths for `pairs` token-expert pairs spread as evenly as possible over `active` experts (the first ones). */
export function spreadPairs(experts: number, pairs: number, active: number): number[] {
  const a = Math.max(0, Math.min(experts, active, pairs));
  return Array.from({ length: experts }, (_, e) => (e < a ? Math.floor(pairs / a) + (e < pairs % a ? 1 : 0) : 0));
}

/** Expected number of distinct experts N tokens activate when each picks K of E uniformly: E·(1 − ((E−K)/E)^N). */
export function expectedActiveExperts(experts: number, topK: number, tokens: number): number {
  return experts * (1 - ((experts - topK) / experts) ** tokens);
}

const add = (t: Traffic, r: DramRegion, read: number, write: number) => {
  const cur = t[r] ?? { read: 0, write: 0 };
  t[r] = { read: cur.read + read, write: cur.write + write };
};

/** The loop nests and traffic of every op of the plan (per image); MoE expert ops use `routing` of their block. */
export function opModels(plan: Plan, routing: (block: number) => MoeRouting): OpModel[] {
  const s = plan.sizes;
  const t = plan.types;
  const lanes = s.actLanes;
  const dimW = s.dim / lanes;
  const rowW = (w: number) => Math.ceil(w / lanes);
  const wL = t.linearWeight.lanes;
  const nest = (what: string, trips: number, entries: number, depth: number, load = false): LoopNest => ({ what, trips, entries: trips > 0 ? entries : 0, depth, load });
  const out: OpModel[] = [];

  const linear = (op: PlanOp, outDim: number, inDim: number, biasLanes: number, src: DramRegion, dst: DramRegion): OpModel => {
    const wWords = loadLinearWeightsTrips(outDim, inDim, wL);
    const bWords = loadLinearBiasTrips(outDim, biasLanes);
    const traffic: Traffic = {};
    add(traffic, 'weights', wWords + bWords, 0);
    add(traffic, src, s.tokens * rowW(inDim), 0);
    add(traffic, dst, 0, s.tokens * rowW(outDim));
    return {
      op,
      nests: [
        nest('weight load', wWords, 1, DEPTH.load, true),
        nest('bias load', bWords, 1, DEPTH.load, true),
        nest('tiles', computeLinearTrips(s.tokens, outDim, inDim, s.tileIn, s.tileOut), s.tokens * (outDim / s.tileOut), DEPTH.linear),
      ],
      traffic,
      macs: s.tokens * outDim * inDim,
    };
  };

  for (const op of plan.ops) {
    const r = (i: number) => op.inputs[i]!;
    switch (op.kind) {
      case 'patch_embed': {
        const groups = s.gridW / s.pePatches;
        const mac = s.gridH * s.inCh * s.patch * groups * (s.dim / s.peDims);
        const traffic: Traffic = {};
        add(traffic, 'images', Math.ceil((s.inCh * s.imgH * s.imgW) / t.pixel.lanes), 0);
        add(traffic, 'weights', s.tokens * dimW, 0); // pos_embed (and cls row)
        add(traffic, 'x', 0, s.tokens * dimW);
        out.push({
          op,
          nests: [
            nest('patch MACs', mac, s.gridH * s.inCh * s.patch * groups, DEPTH.patchMac),
            nest('pos-embed add + write', s.gridH * s.gridW * dimW, s.gridH * s.gridW, DEPTH.write),
            nest('cls row', dimW, 1, DEPTH.write),
          ],
          traffic,
          macs: (s.tokens - 1) * s.dim * s.inCh * s.patch * s.patch,
        });
        break;
      }
      case 'layernorm': {
        const perWord = s.axiBits / containerBits(t.bias.W);
        const pw = Math.ceil(s.dim / perWord);
        const traffic: Traffic = {};
        add(traffic, 'weights', 2 * pw, 0);
        add(traffic, r(0), s.tokens * dimW, 0);
        add(traffic, op.output!, 0, s.tokens * dimW);
        out.push({
          op,
          nests: [nest('gamma/beta load', 2 * pw, 2, DEPTH.load, true), nest('statistics + normalise (dataflow)', s.tokens * dimW, s.tokens, DEPTH.layernorm)],
          traffic,
          macs: 3 * s.tokens * s.dim,
        });
        break;
      }
      case 'linear':
      case 'linear_gelu': {
        const [outDim, inDim] = op.kind === 'linear_gelu' ? [s.mlpHidden, s.dim] : op.inputs[0] === 'hidden' ? [s.dim, s.mlpHidden] : [s.dim, s.dim];
        // q/k/v/proj carry attention biases; the dense MLP layers (FFN steps) the MLP bias type.
        const biasLanes = op.step === STEP.ffn1 || op.step === STEP.ffn2 ? t.bias.lanes : t.attnBias.lanes;
        out.push(linear(op, outDim, inDim, biasLanes, r(0), op.output!));
        break;
      }
      case 'qk_softmax':
      case 'attn_v': {
        const nb = attnQBlocks(s.tokens, s.attnP);
        const steps = nb * s.tokens;
        const scoreWords = steps * attnStepWords(s);
        const infoWords = s.tokens * softmaxInfoWords(s);
        const traffic: Traffic = {};
        if (op.kind === 'qk_softmax') {
          add(traffic, 'tmp2', Math.min(nb * s.attnP, s.tokens) * dimW, 0); // each q row streams in once
          add(traffic, 'tmp3', steps * dimW, 0); // one K block per cycle, K re-read per q-block
          add(traffic, 'attn', 0, scoreWords);
          add(traffic, 'softmaxInfo', 0, infoWords);
        } else {
          add(traffic, 'attn', scoreWords, 0);
          add(traffic, 'softmaxInfo', infoWords, 0);
          add(traffic, 'tmp2', steps * dimW, 0); // one V block per cycle
          add(traffic, 'tmp1', 0, s.tokens * dimW);
        }
        out.push({ op, nests: [nest(op.kind === 'qk_softmax' ? 'Q·Kᵀ + softmax stats' : 'softmax·V', steps * dimW, steps, DEPTH.attention)], traffic, macs: s.tokens * s.tokens * s.dim });
        break;
      }
      case 'residual_add': {
        const traffic: Traffic = {};
        add(traffic, 'x', s.tokens * dimW, s.tokens * dimW);
        add(traffic, r(1), s.tokens * dimW, 0);
        out.push({ op, nests: [nest('x += y', s.tokens * dimW, 1, DEPTH.residual)], traffic, macs: 0 });
        break;
      }
      case 'moe_gate': {
        const load = loadLinearWeightsTrips(s.experts, s.dim, wL);
        const traffic: Traffic = {};
        add(traffic, 'weights', load, 0);
        add(traffic, 'tmp1', s.tokens * dimW, 0);
        out.push({
          op,
          nests: [
            nest('gate weight load', load, 1, DEPTH.load, true),
            nest('logits', s.tokens * dimW, s.tokens, DEPTH.gateLogits),
            nest('softmax + top-k', s.tokens * s.experts, s.tokens, DEPTH.gateSoftmax),
            nest('queue appends', s.tokens * s.topK, s.tokens, DEPTH.queue),
            nest('metaqueue', s.experts, 1, DEPTH.queue),
          ],
          traffic,
          macs: s.tokens * s.dim * s.experts,
        });
        break;
      }
      case 'moe_experts': {
        const lens = routing(op.block!).queueLens;
        const H = s.expertHidden;
        const D = s.dim;
        const nests: LoopNest[] = [nest('zero output', s.tokens * dimW, 1, DEPTH.residual)];
        const traffic: Traffic = {};
        add(traffic, 'tmp3', 0, s.tokens * dimW);
        let pairs = 0;
        lens.forEach((n, e) => {
          if (n <= 0) return;
          pairs += n;
          const w1 = loadLinearWeightsTrips(H, D, wL, e * H * D);
          const b1 = loadLinearBiasTrips(H, t.bias.lanes, e * H);
          const w2 = loadLinearWeightsTrips(D, H, wL, e * D * H);
          const b2 = loadLinearBiasTrips(D, t.bias.lanes, e * D);
          nests.push(nest(`expert ${e} loads`, w1 + b1 + w2 + b2, 4, DEPTH.load, true));
          nests.push(nest(`expert ${e} FC1+GELU`, computeLinearTrips(n, H, D, s.tileIn, s.tileOut), n * (H / s.tileOut), DEPTH.linear));
          nests.push(nest(`expert ${e} FC2·p`, computeLinearTrips(n, D, H, s.tileIn, s.tileOut), n * (D / s.tileOut), DEPTH.linear));
          add(traffic, 'weights', w1 + b1 + w2 + b2, 0);
          add(traffic, 'tmp1', n * dimW, 0);
          add(traffic, 'hidden', n * rowW(H), n * rowW(H));
          add(traffic, 'tmp3', n * dimW, n * dimW);
        });
        out.push({ op, nests, traffic, macs: pairs * 2 * H * D });
        break;
      }
      default: {
        const k: never = op.kind;
        throw new Error(`estimate: no model for op kind ${String(k)}`);
      }
    }
    // The model must tick exactly like the kernels: the plan's trips (MoE: all experts active) are the reference.
    const m = out[out.length - 1]!;
    if (op.kind !== 'moe_experts') {
      const ticks = m.nests.reduce((a, n) => a + n.trips, 0);
      if (ticks !== op.trips) throw new Error(`estimate: op ${op.name} models ${ticks} ticks, the plan says ${op.trips}`);
    } else {
      const ticks = m.nests.reduce((a, n) => a + n.trips, 0);
      const want = moeExpertsTrips(moeSizes(plan), routing(op.block!).queueLens);
      if (ticks !== want) throw new Error(`estimate: op ${op.name} models ${ticks} ticks, moeExpertsTrips says ${want}`);
    }
  }
  return out;
}

/** The MoE sizes of a plan (generator/kernels/moe.ts). */
export function moeSizes(plan: Plan): MoeSizes {
  const s = plan.sizes;
  return {
    tokens: s.tokens,
    dim: s.dim,
    experts: s.experts,
    topK: s.topK,
    expertHidden: s.expertHidden,
    actLanes: s.actLanes,
    tileIn: s.tileIn,
    tileOut: s.tileOut,
    wLanes: plan.types.linearWeight.lanes,
    bLanes: plan.types.bias.lanes,
  };
}

/** The one-time load (reload = 1): patch-embed weights and bias, ticked under op 0. */
export function reloadModel(plan: Plan): { nests: LoopNest[]; words: number } {
  const s = plan.sizes;
  const t = plan.types;
  const w = wordsSpanned(0, s.dim * s.inCh * s.patch * s.patch, t.patchWeight.lanes);
  const b = wordsSpanned(0, s.dim, t.bias.lanes);
  if (w + b !== patchEmbedLoadTrips({ dim: s.dim, inCh: s.inCh, patch: s.patch, gridH: s.gridH, gridW: s.gridW, actLanes: s.actLanes, pePatches: s.pePatches, peDims: s.peDims, wLanes: t.patchWeight.lanes, bLanes: t.bias.lanes })) {
    throw new Error('estimate: reload model disagrees with patchEmbedLoadTrips');
  }
  return { nests: [{ what: 'patch weights', trips: w, entries: 1, depth: DEPTH.load, load: true }, { what: 'patch bias', trips: b, entries: 1, depth: DEPTH.load, load: true }], words: w + b };
}
