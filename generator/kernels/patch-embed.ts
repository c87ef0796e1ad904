// Trip counts of templates/kernel/patch_embed.h.
import { computeLinearTrips, loadLinearBiasTrips, loadLinearWeightsTrips, wordsSpanned } from './linear.ts';

export interface PatchEmbedSizes {
  dim: number;
  inCh: number;
  patch: number;
  gridH: number;
  gridW: number;
  actLanes: number;
  /** Patches and output dims the MAC array handles per cycle. */
  pePatches: number;
  peDims: number;
  /** Elements per word of the patch weights and of the patch bias. */
  wLanes: number;
  bLanes: number;
}

/** One-time load (reload=1): the [D, C·p·p] weights and the [D] bias, one AXI word per cycle. */
export function patchEmbedLoadTrips(s: PatchEmbedSizes): number {
  return wordsSpanned(0, s.dim * s.inCh * s.patch * s.patch, s.wLanes) + wordsSpanned(0, s.dim, s.bLanes);
}

/** Per image: the MAC loop (per patch row, channel, pixel row, patch group, dim group: pePatches × peDims × p MACs),
 *  the pos-embed add + write of each patch row (one act word per cycle) and the cls row. */
export function patchEmbedTrips(s: PatchEmbedSizes): number {
  const mac = s.gridH * s.inCh * s.patch * (s.gridW / s.pePatches) * (s.dim / s.peDims);
  const rowWords = s.dim / s.actLanes;
  const write = s.gridH * s.gridW * rowWords;
  const cls = rowWords;
  return mac + write + cls;
}

/** hardware.patchEmbed = 'unified': the patch embedding on the unified linear unit, per image: the [dim][C·p·p]
 *  weights into the linear weight buffer (load_linear_weights: row scales, then one word per cycle of each port),
 *  the bias (load_linear_bias), one TILE_OUT×TILE_IN tile per cycle over the gridH·gridW patches (compute_linear), then
 *  the pos-embed pass (patch_embed_pos: one token word per cycle, the cls row included). */
export function patchEmbedUnifiedTrips(
  s: Pick<PatchEmbedSizes, 'dim' | 'inCh' | 'patch' | 'gridH' | 'gridW' | 'actLanes' | 'wLanes' | 'bLanes'> & {
    tileIn: number;
    tileOut: number;
    sLanes: number;
    wPorts: number;
  },
): number {
  const K = s.inCh * s.patch * s.patch;
  const tokens = 1 + s.gridH * s.gridW;
  return (
    loadLinearWeightsTrips(s.dim, K, s.wLanes, 0, s.sLanes, s.wPorts) +
    loadLinearBiasTrips(s.dim, s.bLanes) +
    computeLinearTrips(s.gridH * s.gridW, s.dim, K, s.tileIn, s.tileOut) +
    tokens * (s.dim / s.actLanes)
  );
}
