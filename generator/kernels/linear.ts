// Trip counts of templates/kernel/unified_linear.h: EDGEMOE_TICK calls per invocation, as functions of the sizes.

/** AXI words a loop touches reading `n` consecutive elements from element index `start` (lanes per word). */
export function wordsSpanned(start: number, n: number, lanes: number): number {
  if (n <= 0) return 0;
  return Math.floor((start + n - 1) / lanes) - Math.floor(start / lanes) + 1;
}

/** load_linear_weights: one AXI word per cycle over the [out][in] matrix starting at element `start`; with per-channel
 *  scales (sLanes 16-bit entries per word, 0 = none) first the words of its rows' scale entries (load_row_scales).
 *  With `ports` weight ports (hardware.weightPorts > 1, whole words per row) one word of each port per cycle. */
export function loadLinearWeightsTrips(outDim: number, inDim: number, wLanes: number, start = 0, sLanes = 0, ports = 1): number {
  const scales = sLanes > 0 && outDim > 0 ? wordsSpanned(Math.floor(start / inDim), outDim, sLanes) : 0;
  return scales + wordsSpanned(start, outDim * inDim, wLanes) / ports;
}

/** load_linear_bias: one AXI word per cycle over `outDim` biases starting at element `start`. */
export function loadLinearBiasTrips(outDim: number, bLanes: number, start = 0): number {
  return wordsSpanned(start, outDim, bLanes);
}

/** compute_linear: one TILE_OUT×TILE_IN tile per cycle, for each row, out tile and in tile. */
export function computeLinearTrips(rows: number, outDim: number, inDim: number, tileIn: number, tileOut: number): number {
  return rows * (outDim / tileOut) * (inDim / tileIn);
}

/**
 * A linear op as the top function runs it with double buffering: its weight load only when it starts a chain
 * (`ownLoad`: Q, whose weights nothing prefetched), its bias load, its compute, and the weight load of the next linear
 * (`prefetch`), which linear_step runs concurrently with the compute. Ticks count every loop iteration of both.
 */
export function linearOpTrips(p: {
  rows: number;
  outDim: number;
  inDim: number;
  tileIn: number;
  tileOut: number;
  wLanes: number;
  bLanes: number;
  /** Row-scale entries per word (per-channel scales), 0 = none. */
  sLanes?: number;
  /** Weight ports (hardware.weightPorts), default 1. */
  wPorts?: number;
  ownLoad: boolean;
  prefetch: { outDim: number; inDim: number } | null;
}): number {
  return (
    (p.ownLoad ? loadLinearWeightsTrips(p.outDim, p.inDim, p.wLanes, 0, p.sLanes, p.wPorts) : 0) +
    loadLinearBiasTrips(p.outDim, p.bLanes) +
    computeLinearTrips(p.rows, p.outDim, p.inDim, p.tileIn, p.tileOut) +
    (p.prefetch ? loadLinearWeightsTrips(p.prefetch.outDim, p.prefetch.inDim, p.wLanes, 0, p.sLanes, p.wPorts) : 0)
  );
}
