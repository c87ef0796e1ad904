// The synthesis figures of a design beside its analytic estimate (when `edgemoe report` is pointed at a design dir).
import { cyclesToMs, type Estimate } from '../estimate/estimate.ts';
import type { CsynthReport } from './csynth.ts';
import { textTable } from './format.ts';

const n = (v: number | null | undefined) => (v === null || v === undefined ? '?' : Math.round(v).toLocaleString('en-US'));

/** Rows: latency, clock and resources of the synthesised top next to the estimate (BRAM_18K / 2 = BRAM36). */
export function compareWithEstimate(r: CsynthReport, e: Estimate): string {
  const m = r.module;
  const ms = (c: number) => cyclesToMs(c, e.clockMHz).toFixed(2);
  const hlsMs = (c: number | null) => (c !== null && r.targetClockNs ? (c * r.targetClockNs * 1e-6).toFixed(2) : '?');
  const res = m.resources;
  const t = e.resources.total;
  const ratio = (a: number | null, b: number) => (a !== null && b > 0 ? `${(a / b).toFixed(2)}×` : '');
  const rows: string[][] = [
    ['latency min (cycles)', n(m.latency.best), n(e.totals.boundFlat), ratio(m.latency.best, e.totals.boundFlat)],
    ['latency max (cycles)', n(m.latency.worst), n(e.totals.bound), ratio(m.latency.worst, e.totals.bound)],
    ['latency min / max (ms)', `${hlsMs(m.latency.best)} / ${hlsMs(m.latency.worst)}`, `${ms(e.totals.boundFlat)} / ${ms(e.totals.bound)}`, ''],
    ['clock (ns)', `${r.estimatedClockNs ?? '?'} est. / ${r.targetClockNs ?? '?'} target`, (1000 / e.clockMHz).toFixed(3), ''],
    ['DSP', n(res.DSP), n(t.DSP), ratio(res.DSP, t.DSP)],
    ['BRAM36 (BRAM_18K / 2)', res.BRAM_18K === null ? '?' : String(res.BRAM_18K / 2), n(t.BRAM36), ratio(res.BRAM_18K === null ? null : res.BRAM_18K / 2, t.BRAM36)],
    ['URAM', n(res.URAM), n(t.URAM), ''],
    ['LUT', n(res.LUT), n(t.LUT), ratio(res.LUT, t.LUT)],
    ['FF', n(res.FF), n(t.FF), ratio(res.FF, t.FF)],
  ];
  return `synthesis of '${r.top}' beside the estimate of '${e.name}' (estimate latency: binding low / high, per image):\n${textTable(['figure', 'HLS', 'estimate', 'HLS / est.'], rows)}`;
}
