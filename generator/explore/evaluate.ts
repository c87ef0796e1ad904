// Estimating design points with the project's estimator and checking them against the board under a utilisation cap.
// Search method: exhaustive over the bounded grid of space.ts. The resource model is cheap (a few ms), the latency
// estimate is not (tens of ms on ViT-T), so every point gets its resources first and only the points that fit get a
// latency estimate — the same result as estimating every point, since a point that does not fit is never ranked.
import { platformInfo, type ResourceCounts } from '../build/platforms.ts';
import { cyclesToMs, estimatePlan, type Estimate } from '../estimate/estimate.ts';
import { estimateResources } from '../estimate/resources.ts';
import { buildPlan } from '../plan/index.ts';
import { settleBundles } from './bundles.ts';
import type { DesignPoint } from './space.ts';

export const RESOURCE_NAMES = ['DSP', 'BRAM36', 'URAM', 'LUT', 'FF'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** The modelled latency of a fitting point (per image, at the config's clock). */
export interface PointLatency {
  /** Binding bound, upper (every inner pipeline re-entered) and lower (nests flattened), cycles and ms. */
  cycles: number;
  cyclesLow: number;
  ms: number;
  msLow: number;
  /** Of the upper bound: cycles in ops whose memory traffic binds, and in ops whose compute binds. */
  bandwidthBoundCycles: number;
  computeBoundCycles: number;
  /** 'bandwidth' or 'compute': which kind of op holds most of the cycles. */
  limitedBy: 'bandwidth' | 'compute';
}

export interface EvaluatedPoint extends DesignPoint {
  resources: ResourceCounts;
  /** Usage / capacity per resource (Infinity when the board has none of a resource the point needs). */
  util: Record<ResourceName, number>;
  /** Resources above the cap. */
  over: ResourceName[];
  /** The resource with the highest utilisation. */
  binding: ResourceName;
  fits: boolean;
  /** Only for points that fit. */
  latency: PointLatency | null;
}

export interface EvaluateOptions {
  /** Largest usable fraction of every resource (0 < maxUtil ≤ 1). */
  maxUtil: number;
  /** Called after each point (for a progress line). */
  progress?: (done: number, total: number) => void;
}

function utilisation(used: ResourceCounts, cap: ResourceCounts): Record<ResourceName, number> {
  const u = {} as Record<ResourceName, number>;
  for (const r of RESOURCE_NAMES) u[r] = cap[r] > 0 ? used[r] / cap[r] : used[r] > 0 ? Infinity : 0;
  return u;
}

/** Resources and fit of every point, then the latency of those that fit. */
export function evaluatePoints(points: readonly DesignPoint[], o: EvaluateOptions): EvaluatedPoint[] {
  const out: EvaluatedPoint[] = [];
  // The split of merged activation bundles a four-port point needed last (bundles.ts settleBundles).
  const memo = {};
  points.forEach((p0, i) => {
    let p = p0;
    const cap = platformInfo(p.config.hardware.platform).capacity;
    const fitOf = (resources: ResourceCounts) => {
      const util = utilisation(resources, cap);
      const over = RESOURCE_NAMES.filter((r) => util[r] > o.maxUtil);
      const binding = RESOURCE_NAMES.reduce((a, r) => (util[r] > util[a] ? r : a), RESOURCE_NAMES[0] as ResourceName);
      return { resources, util, over, binding };
    };
    const plan = buildPlan(p.config);
    let f = fitOf(estimateResources(plan).total);
    let latency: PointLatency | null = null;
    if (f.over.length === 0) {
      // Merged activation bundles: a fitting point gets a split of least modelled latency (bundles.ts), and its
      // resources again from that plan (they count bundles, not their regions, so they should not change).
      let e: Estimate;
      if (p.mergedBundles) {
        const s = settleBundles(p.config, memo);
        p = { ...p, config: s.config };
        e = s.estimate;
        f = fitOf(e.resources.total);
      } else e = estimatePlan(plan);
      const mhz = p.config.hardware.clockMHz;
      const bw = e.ops.filter((op) => op.binding === 'bandwidth').reduce((a, op) => a + op.bound, 0);
      const cp = e.totals.bound - bw;
      if (f.over.length === 0)
        latency = {
          cycles: e.totals.bound,
          cyclesLow: e.totals.boundFlat,
          ms: cyclesToMs(e.totals.bound, mhz),
          msLow: cyclesToMs(e.totals.boundFlat, mhz),
          bandwidthBoundCycles: bw,
          computeBoundCycles: cp,
          limitedBy: bw > cp ? 'bandwidth' : 'compute',
        };
    }
    const { resources, util, over, binding } = f;
    out.push({ ...p, resources, util, over, binding, fits: over.length === 0, latency });
    o.progress?.(i + 1, points.length);
  });
  return out;
}

export type Objective = 'latency' | 'dsp';

/** Fitting points, best first: by modelled latency (upper bound) or by DSPs, the other figure breaking ties, then the id. */
export function rankPoints(points: readonly EvaluatedPoint[], objective: Objective): EvaluatedPoint[] {
  const fit = points.filter((p) => p.fits && p.latency);
  const key = (p: EvaluatedPoint): [number, number] => (objective === 'latency' ? [p.latency!.cycles, p.resources.DSP] : [p.resources.DSP, p.latency!.cycles]);
  return fit.sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1 - b1 || a2 - b2 || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

/** The fitting points no other fitting point beats on both latency and DSPs (ties kept once), by DSPs ascending. */
export function paretoFront(points: readonly EvaluatedPoint[]): EvaluatedPoint[] {
  const fit = rankPoints(points, 'dsp');
  const front: EvaluatedPoint[] = [];
  let best = Infinity;
  for (const p of fit) {
    // Sorted by DSP then latency: a point is on the front when it is faster than every cheaper one.
    if (p.latency!.cycles < best) {
      front.push(p);
      best = p.latency!.cycles;
    }
  }
  return front;
}

/** Why nothing fits: for each resource, how many points it puts over the cap, and the least any point needs. */
export interface NoFit {
  /** Resources over the cap in every point (what bound them all); empty when different points break different ones. */
  everywhere: ResourceName[];
  counts: Array<{ resource: ResourceName; points: number; least: number; capacity: number }>;
}

export function whyNothingFits(points: readonly EvaluatedPoint[]): NoFit {
  const cap = points.length ? platformInfo(points[0]!.config.hardware.platform).capacity : null;
  const counts = RESOURCE_NAMES.map((resource) => ({
    resource,
    points: points.filter((p) => p.over.includes(resource)).length,
    least: Math.min(...points.map((p) => p.resources[resource])),
    capacity: cap ? cap[resource] : 0,
  })).filter((c) => c.points > 0);
  return { everywhere: counts.filter((c) => c.points === points.length).map((c) => c.resource), counts };
}
