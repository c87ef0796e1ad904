// Text rendering of the synthesis reports found by collectReports.
import { RESOURCE_KINDS, type ModuleReport, type Resources } from './csynth.ts';
import { topReport, type FoundReport, type ReportSet } from './collect.ts';

const n = (v: number | null | undefined) => (v === null || v === undefined ? '?' : v.toLocaleString('en-US'));

/** A text table: the first `left` columns left-aligned, the rest right-aligned. */
export function textTable(head: string[], rows: string[][], left = 1): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => (i < left ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), line(w.map((k) => '-'.repeat(k))), ...rows.map(line)].join('\n') + '\n';
}

/** "used / available (pct%)" rows of one module's resources. */
export function resourceRows(used: Resources, avail: Resources | null): string[][] {
  return RESOURCE_KINDS.map((k) => {
    const u = used[k];
    const a = avail?.[k] ?? null;
    const pct = u !== null && a ? `${((100 * u) / a).toFixed(1)}%` : '';
    return [k, n(u), n(a), pct];
  });
}

function moduleRow(m: ModuleReport): string[] {
  return [m.name, n(m.latency.best), n(m.latency.worst), n(m.interval.min), n(m.interval.max), m.pipelineType ?? '', n(m.resources.DSP), n(m.resources.BRAM_18K), n(m.resources.FF), n(m.resources.LUT), n(m.resources.URAM)];
}

/** The full text report: the top's timing, latency and resources, then every sub-function found. */
export function formatReports(set: ReportSet, kernel?: string): string {
  const top = topReport(set, kernel);
  const mhz = (ns: number | null) => (ns ? `${(1000 / ns).toFixed(2)} MHz` : '?');
  const out: string[] = [];
  out.push(`${top.tool}${top.version ? ` ${top.version}` : ''} C-synthesis report of '${top.top}' (${top.path})`);
  out.push(`part ${top.part ?? '?'}${top.family ? ` (${top.family})` : ''}`);
  out.push(`clock: target ${top.targetClockNs ?? '?'} ns (${mhz(top.targetClockNs)}), estimated ${top.estimatedClockNs ?? '?'} ns (${mhz(top.estimatedClockNs)}), uncertainty ${top.clockUncertaintyNs ?? '?'} ns`);
  const m = top.module;
  out.push(`latency: min ${n(m.latency.best)} / max ${n(m.latency.worst)} cycles (${m.latency.bestTime ?? '?'} / ${m.latency.worstTime ?? '?'}); interval (II) min ${n(m.interval.min)} / max ${n(m.interval.max)}; pipeline ${m.pipelineType ?? '?'}`);
  out.push('');
  out.push(textTable(['resource', 'used', 'available', 'util'], resourceRows(m.resources, m.available)));
  const subs: ModuleReport[] = [...top.subModules];
  for (const r of set.reports) if (r !== top && r.top !== top.top && !subs.some((s) => s.name === r.top)) subs.push(r.module);
  const inst = top.rpt?.instances ?? [];
  if (subs.length) {
    out.push('sub-functions (csynth XML):');
    out.push(textTable(['module', 'lat min', 'lat max', 'II min', 'II max', 'pipeline', 'DSP', 'BRAM_18K', 'FF', 'LUT', 'URAM'], subs.map(moduleRow)));
  }
  if (inst.length) {
    out.push('instances (csynth rpt):');
    out.push(
      textTable(
        ['instance', 'module', 'lat min', 'lat max', 'II min', 'II max', 'pipeline', 'DSP', 'BRAM_18K', 'FF', 'LUT', 'URAM'],
        inst.map((i) => [i.instance, i.module, n(i.latencyMin), n(i.latencyMax), n(i.intervalMin), n(i.intervalMax), i.pipeline ?? '', n(i.DSP), n(i.BRAM_18K), n(i.FF), n(i.LUT), n(i.URAM)]),
        2,
      ),
    );
  }
  return out.join('\n');
}

/** JSON view: the top report and every other report (with its rpt data). */
export function reportsJson(set: ReportSet, kernel?: string): { top: FoundReport; others: FoundReport[] } {
  const top = topReport(set, kernel);
  return { top, others: set.reports.filter((r) => r !== top) };
}
