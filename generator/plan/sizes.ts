// Sizes and element types of a plan, derived from a validated config.
import { PRECISION_CLASSES, activationsOnChip, attentionFused, gateUnified, patchUnified, type Config, type FixedType, type PrecisionClass } from '../config/schema.ts';
import { containerBits } from '../config/rules.ts';
import { cppType, frac } from '../fixed.ts';
import { channelScale } from './precision.ts';
import type { PlanSizes, PlanType, PlanTypes } from './types.ts';

/** params.h typedef name of each precision class (the names are the kernel contract). */
export const TYPE_NAMES: Record<PrecisionClass, string> = {
  activation: 'act_t',
  accumulator: 'acc_t',
  linearWeight: 'wlin_t',
  attnBias: 'wattnb_t',
  bias: 'wbias_t',
  patchWeight: 'wpatch_t',
  pixel: 'pixel_t',
};

/** Images one kernel call takes when the caller does not say. */
export const DEFAULT_MAX_IMAGES = 4;

/** The plan type of one precision class. */
export function planType(cls: PrecisionClass, t: FixedType, axiBits: number, storedW = t.W, declared: FixedType = t): PlanType {
  const cb = containerBits(storedW);
  const ch = channelScale(declared);
  return {
    ...(ch ? { scale: { ...ch, lanes: axiBits / 16 } } : {}),
    name: TYPE_NAMES[cls],
    cls,
    cpp: cppType(t),
    W: t.W,
    I: t.I,
    signed: t.signed,
    frac: frac(t),
    storedW,
    containerBits: cb,
    lanes: cb > 0 ? axiBits / cb : 0,
  };
}

/** Every element type of the config; `onChip` gives a class's on-chip (union) type when per-tensor types widen it. */
export function planTypes(c: Config, onChip?: Record<PrecisionClass, FixedType>): PlanTypes {
  const out = {} as PlanTypes;
  for (const cls of PRECISION_CLASSES) out[cls] = planType(cls, onChip?.[cls] ?? c.precision[cls], c.hardware.axiBits, c.precision[cls].W, c.precision[cls]);
  return out;
}

/** The sizes of params.h. */
export function planSizes(c: Config, types: PlanTypes, maxImages: number): PlanSizes {
  const m = c.model;
  const [C, H, W] = m.image;
  const gridH = H / m.patch;
  const gridW = W / m.patch;
  const tokens = 1 + gridH * gridW;
  const dim = m.dim;
  const mlpHidden = Math.round(dim * m.mlpRatio);
  const eh = m.moe.expertHidden;
  const tileIn = c.hardware.linearTile.in;
  const tileOut = c.hardware.linearTile.out;
  const P = c.hardware.attnParallel;
  const actLanes = types.activation.lanes;
  // Linear layers the unified unit runs: [out, in] pairs.
  const shapes: Array<[number, number]> = [[dim, dim], [mlpHidden, dim], [dim, mlpHidden], [eh, dim], [dim, eh]];
  // hardware.patchEmbed = 'unified': the patch matrix [dim][C·p·p] is one more layer of the unit.
  const K = C * m.patch * m.patch;
  if (patchUnified(c)) shapes.push([dim, K]);
  // hardware.gate = 'unified': the gate [experts][dim] is one more layer of the unit.
  if (gateUnified(c)) shapes.push([m.moe.experts, dim]);
  const linWeightTiles = Math.max(...shapes.map(([o, i]) => (o / tileOut) * (i / tileIn)));
  return {
    dim,
    heads: m.heads,
    headDim: dim / m.heads,
    tokens,
    gridH,
    gridW,
    patch: m.patch,
    inCh: C,
    imgH: H,
    imgW: W,
    depth: m.depth,
    mlpHidden,
    experts: m.moe.experts,
    topK: m.moe.topK,
    expertHidden: eh,
    tasks: m.tasks.length,
    tileIn,
    tileOut,
    attnP: P,
    qBlocks: Math.ceil((tokens + P - 1) / P),
    maxImages,
    axiBits: c.hardware.axiBits,
    weightPorts: c.hardware.weightPorts ?? 1,
    actLanes,
    linMaxIn: Math.max(...shapes.map(([, i]) => i)),
    linMaxOut: Math.max(...shapes.map(([o]) => o)),
    linWeightTiles,
    hiddenWidth: Math.max(mlpHidden, eh),
    pePatches: gridW % 2 === 0 ? 2 : 1,
    peDims: dim % actLanes === 0 ? actLanes : 1,
    ...(patchUnified(c) ? { patchUnified: true as const } : {}),
    ...(activationsOnChip(c) ? { actOnChip: true as const } : {}),
    ...(attentionFused(c) ? { attnFused: true as const } : {}),
    ...(gateUnified(c) ? { gateUnified: true as const } : {}),
  };
}

/** Inputs per patch of the patch embedding (C·p·p): the patch matrix's width. */
export const patchInputs = (s: Pick<PlanSizes, 'inCh' | 'patch'>): number => s.inCh * s.patch * s.patch;

/** The narrowest input of a layer the unified linear unit runs (the row cache's reuse distance in input tiles). */
export function linMinIn(s: PlanSizes): number {
  return Math.min(s.dim, s.mlpHidden, s.expertHidden, ...(s.patchUnified ? [patchInputs(s)] : []));
}
