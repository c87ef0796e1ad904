// The synthesis figures of a design beside its analytic estimate (when `edgemoe report` is pointed at a design dir),
// and the check that the reports are the design's own (its kernel, its part) before any ratio is shown.
import type { Estimate } from '../estimate/estimate.ts';
import type { Solution } from './collect.ts';

/** What the design dir says the reports must be of. */
export interface DesignIdentity {
  name: string;
  kernel: string;
  part: string;
}

/** Reasons the solution's reports are not this design's (empty: they are). */
export function foreignReasons(s: Solution, d: DesignIdentity): string[] {
  const out: string[] = [];
  if (s.top !== d.kernel) out.push(`its top is '${s.top}', not the design's kernel '${d.kernel}'`);
  const part = s.topReport.part;
  if (part && part.toLowerCase() !== d.part.toLowerCase()) out.push(`it was synthesised for part ${part}, the design targets ${d.part}`);
  return out;
}

/** One row of the comparison: the HLS figure, the estimate and HLS / estimate (null when either is unknown). */
export interface ComparisonRow {
  figure: string;
  hls: number | null;
  estimate: number | null;
  ratio: number | null;
  /** The unit of hls/estimate: cycles, ns, or a resource count. */
  unit: 'cycles' | 'ns' | 'count';
}

/** Latency (cycles and ns at each side's clock), clock and resources of the synthesised top beside the estimate. */
export function compareWithEstimate(s: Solution, e: Estimate): ComparisonRow[] {
  const r = s.topReport;
  const m = r.module;
  const estNs = 1000 / e.clockMHz;
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
  const row = (figure: string, hls: number | null, est: number | null, unit: ComparisonRow['unit'], withRatio = true): ComparisonRow => ({
    figure,
    hls,
    estimate: est,
    ratio: withRatio ? ratio(hls, est) : null,
    unit,
  });
  const atClock = (c: number | null) => (c !== null && r.targetClockNs ? c * r.targetClockNs : null);
  const res = m.resources;
  const t = e.resources.total;
  return [
    row('latency min', m.latency.best, e.totals.boundFlat, 'cycles'),
    row('latency max', m.latency.worst, e.totals.bound, 'cycles'),
    row('latency min (time)', atClock(m.latency.best), e.totals.boundFlat * estNs, 'ns', false),
    row('latency max (time)', atClock(m.latency.worst), e.totals.bound * estNs, 'ns', false),
    row('clock period (target)', r.targetClockNs, estNs, 'ns', false),
    row('DSP', res.DSP, t.DSP, 'count'),
    row('BRAM36 (BRAM_18K / 2)', res.BRAM_18K === null ? null : res.BRAM_18K / 2, t.BRAM36, 'count'),
    row('URAM', res.URAM, t.URAM, 'count', false),
    row('LUT', res.LUT, t.LUT, 'count'),
    row('FF', res.FF, t.FF, 'count'),
  ];
}
