// Model statistics from a config alone: token count, MoE layout, parameter counts and MACs per image.
import type { Config, ModelConfig } from '../config/schema.ts';

/** The block indices that are MoE ('odd' = M³ViT's layout 1, 3, 5, …), ascending. */
export function moeBlockIndices(m: ModelConfig): number[] {
  if (Array.isArray(m.moe.blocks)) return [...m.moe.blocks].sort((a, b) => a - b);
  const parity = m.moe.blocks === 'odd' ? 1 : 0;
  return Array.from({ length: m.depth }, (_, i) => i).filter((i) => i % 2 === parity);
}

/** True when block `i` is MoE. */
export function isMoeBlock(m: ModelConfig, i: number): boolean {
  return moeBlockIndices(m).includes(i);
}

/** Patch grid [rows, cols]. */
export function patchGrid(m: ModelConfig): [number, number] {
  return [m.image[1] / m.patch, m.image[2] / m.patch];
}

/** Tokens per image: the patches plus the cls token. */
export function tokenCount(m: ModelConfig): number {
  const [gh, gw] = patchGrid(m);
  return 1 + gh * gw;
}

/** Dense MLP hidden size, dim · mlpRatio. */
export function mlpHidden(m: ModelConfig): number {
  return Math.round(m.dim * m.mlpRatio);
}

/** MACs of one layer, by kind. */
export interface LayerMacs {
  /** Q, K and V projections: N·D·3D. */
  qkv: number;
  /** Q·Kᵀ over all heads: heads·N·N·headDim (activation × activation). */
  qk: number;
  /** A·V over all heads: heads·N·N·headDim (activation × activation). */
  av: number;
  /** Output projection: N·D·D. */
  proj: number;
  /** Dense MLP (0 in MoE blocks): N·2·D·hidden. */
  mlp: number;
  /** Gate logits (0 in dense blocks): N·D·experts. */
  gate: number;
  /** Routed experts (0 in dense blocks): N·topK·2·D·expertHidden. */
  experts: number;
  total: number;
}

/** Everything `edgemoe validate` reports about a model. */
export interface ModelStats {
  tokens: number;
  grid: [number, number];
  headDim: number;
  mlpHidden: number;
  moeBlocks: number[];
  denseBlocks: number[];
  params: {
    /** Every backbone parameter, all experts and every task's gate. */
    total: number;
    /** Parameters one token of one task touches: topK experts per MoE block, one gate. */
    activePerToken: number;
    /** Expert weights and biases, all experts. */
    experts: number;
    /** Everything outside the experts (gates of all tasks included). */
    nonExpert: number;
  };
  macs: {
    /** Per image, one task. */
    total: number;
    patchEmbed: number;
    /** Summed over all layers, by kind. */
    byKind: { patchEmbed: number; qkv: number; qk: number; av: number; proj: number; mlp: number; gate: number; experts: number };
    /** Weight × activation (patch embed, qkv, proj, MLP, gate, experts). */
    weightAct: number;
    /** Activation × activation (Q·Kᵀ and A·V). */
    actAct: number;
    /** One entry per block, in order. */
    perLayer: LayerMacs[];
  };
}

/** MACs of block `i` for N tokens. */
function layerMacs(m: ModelConfig, moe: boolean, N: number): LayerMacs {
  const D = m.dim;
  const headDim = D / m.heads;
  const qkv = N * D * 3 * D;
  const qk = m.heads * N * N * headDim;
  const av = qk;
  const proj = N * D * D;
  const mlp = moe ? 0 : N * 2 * D * mlpHidden(m);
  const gate = moe ? N * D * m.moe.experts : 0;
  const experts = moe ? N * m.moe.topK * 2 * D * m.moe.expertHidden : 0;
  return { qkv, qk, av, proj, mlp, gate, experts, total: qkv + qk + av + proj + mlp + gate + experts };
}

/**
 * Statistics of a config's backbone. MACs count multiply-accumulates of the matrix products only
 * (not LayerNorm, softmax, GELU, bias or residual adds), per image and one task, as perf-anchors.md §4 does.
 */
export function modelStats(c: Config): ModelStats {
  const m = c.model;
  const D = m.dim;
  const [C] = m.image;
  const grid = patchGrid(m);
  const patches = grid[0] * grid[1];
  const N = 1 + patches;
  const Hm = mlpHidden(m);
  const E = m.moe.experts;
  const He = m.moe.expertHidden;
  const T = m.tasks.length;
  const moeBlocks = moeBlockIndices(m);
  const denseBlocks = Array.from({ length: m.depth }, (_, i) => i).filter((i) => !moeBlocks.includes(i));

  // Parameters (state-dict shapes of m3vit.md §4).
  const patchEmbed = D * C * m.patch * m.patch + D;
  const tokenParams = D + N * D; // cls_token + pos_embed
  const attn = 2 * D + 3 * D * D + (m.qkvBias ? 3 * D : 0) + D * D + D + 2 * D; // norm1, qkv, proj, norm2
  const dense = D * Hm + Hm + Hm * D + D;
  const oneExpert = He * D + He + D * He + D;
  const gateOneTask = D * E;
  const experts = moeBlocks.length * E * oneExpert;
  const nonExpert = patchEmbed + tokenParams + m.depth * attn + denseBlocks.length * dense + moeBlocks.length * T * gateOneTask;
  const activePerToken =
    patchEmbed + tokenParams + m.depth * attn + denseBlocks.length * dense + moeBlocks.length * (gateOneTask + m.moe.topK * oneExpert);

  const patchMacs = patches * C * m.patch * m.patch * D;
  const perLayer = Array.from({ length: m.depth }, (_, i) => layerMacs(m, moeBlocks.includes(i), N));
  const sum = (k: keyof LayerMacs) => perLayer.reduce((s, l) => s + l[k], 0);
  const byKind = {
    patchEmbed: patchMacs,
    qkv: sum('qkv'),
    qk: sum('qk'),
    av: sum('av'),
    proj: sum('proj'),
    mlp: sum('mlp'),
    gate: sum('gate'),
    experts: sum('experts'),
  };
  const actAct = byKind.qk + byKind.av;
  const total = patchMacs + sum('total');
  return {
    tokens: N,
    grid,
    headDim: D / m.heads,
    mlpHidden: Hm,
    moeBlocks,
    denseBlocks,
    params: { total: experts + nonExpert, activePerToken, experts, nonExpert },
    macs: { total, patchEmbed: patchMacs, byKind, weightAct: total - actAct, actAct, perLayer },
  };
}
