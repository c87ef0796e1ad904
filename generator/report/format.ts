// Text rendering of the report model (model.ts): per solution, the top's timing, latency and resources, its
// modules in hierarchy order, the rpt's instance table, and in a design dir the check and the estimate beside it.
import { RESOURCE_KINDS, type ModuleReport, type Resources } from './csynth.ts';
import type { ComparisonRow } from './compare.ts';
import type { ReportModel, SolutionView } from './model.ts';

const n = (v: number | null | undefined) => (v === null || v === undefined ? '?' : v.toLocaleString('en-US'));

/** A text table: the first `left` columns left-aligned, the rest right-aligned. */
export function textTable(head: string[], rows: string[][], left = 1): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => (i < left ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), line(w.map((k) => '-'.repeat(k))), ...rows.map(line)].join('\n') + '\n';
}

/** A duration in ns with a unit that keeps 4 significant digits (825 ns, 3.138 µs, 18.03 ms). */
export function formatNs(ns: number | null): string {
  if (ns === null) return '?';
  const [v, unit] = ns >= 1e6 ? [ns / 1e6, 'ms'] : ns >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns'];
  return `${Number(v.toPrecision(4))} ${unit}`;
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

const sameResources = (a: Resources | null, b: Resources | null) => RESOURCE_KINDS.every((k) => (a?.[k] ?? null) === (b?.[k] ?? null));

function figureCells(m: ModuleReport | null): string[] {
  if (!m) return ['?', '?', '?', '?', '', '?', '?', '?', '?', '?'];
  return [n(m.latency.best), n(m.latency.worst), n(m.interval.min), n(m.interval.max), m.pipelineType ?? '', n(m.resources.DSP), n(m.resources.BRAM_18K), n(m.resources.FF), n(m.resources.LUT), n(m.resources.URAM)];
}

const FIGURE_HEAD = ['lat min', 'lat max', 'II min', 'II max', 'pipeline', 'DSP', 'BRAM_18K', 'FF', 'LUT', 'URAM'];

const mhz = (ns: number | null) => (ns ? `${(1000 / ns).toFixed(2)} MHz` : '?');
const FLOW: Record<string, string> = { vivado: 'Vivado IP flow', vitis: 'Vitis kernel flow' };
const TOP_SOURCE = { project: 'its project file', 'csynth.xml': 'csynth.xml', hierarchy: 'the module no other report contains' } as const;

function comparisonText(rows: ComparisonRow[], designName: string): string {
  const cell = (r: ComparisonRow, v: number | null) => (r.unit === 'ns' ? formatNs(v) : v === null ? '?' : Math.round(v).toLocaleString('en-US'));
  const body = rows.map((r) => [r.figure, cell(r, r.hls), cell(r, r.estimate), r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`]);
  return `synthesis beside the estimate of '${designName}' (estimate latency: binding low / high per image, at the design's clock; HLS time at its target clock):\n${textTable(['figure', 'HLS', 'estimate', 'HLS / est.'], body)}`;
}

/** The text of one solution. */
export function formatSolution(s: SolutionView, model: ReportModel): string {
  const out: string[] = [];
  const from = s.topSource === 'project' && s.project ? `${TOP_SOURCE.project} ${s.project.path}` : TOP_SOURCE[s.topSource];
  out.push(`solution '${s.name}' (${s.path}): top '${s.top}' (from ${from})`);
  out.push(`${s.tool}${s.version ? ` ${s.version}` : ''} C-synthesis report of '${s.top}' (${s.file})`);
  out.push(`part ${s.part ?? '?'}${s.family ? ` (${s.family})` : ''}; flow target ${s.flowTarget ? `${s.flowTarget}${FLOW[s.flowTarget] ? ` (${FLOW[s.flowTarget]})` : ''}` : '? (not in reports before Vitis HLS 2020.2)'}`);
  // An estimated clock of 0 means the tool timed no path, not an infinite frequency.
  const est = s.estimatedClockNs ? `${s.estimatedClockNs} ns (${mhz(s.estimatedClockNs)})` : s.estimatedClockNs === 0 ? 'none (0 in the report: no timed path)' : '?';
  out.push(`clock: target ${s.targetClockNs ?? '?'} ns (${mhz(s.targetClockNs)}), estimated ${est}, uncertainty ${s.clockUncertaintyNs ?? '?'} ns`);
  const m = s.module;
  out.push(`latency: min ${n(m.latency.best)} / max ${n(m.latency.worst)} cycles (${m.latency.bestTime ?? '?'} / ${m.latency.worstTime ?? '?'}); interval (II) min ${n(m.interval.min)} / max ${n(m.interval.max)}; pipeline ${m.pipelineType ?? '?'}`);
  if (m.dataflowThroughput !== null) out.push(`dataflow throughput: a new start every ${n(m.dataflowThroughput)} cycles`);
  out.push('');
  out.push(textTable(['resource', 'used', 'available', 'util'], resourceRows(m.resources, m.available)));
  if (s.modules.length) {
    const nested = ' a module is indented under the one it sits in, whose figures include it';
    const how = { xml: `hierarchy from RTLDesignHierarchy;${nested}`, rpt: `hierarchy from the rpt instance tables;${nested}`, none: 'the reports give no hierarchy: listed flat, do not sum' }[s.hierarchy];
    out.push(`modules (${how}):`);
    const rows = s.modules.map((r) => ['  '.repeat(r.depth - 1) + r.module, r.instance ?? '', ...figureCells(r.figures)]);
    out.push(textTable(['module', 'instance', ...FIGURE_HEAD], rows, 2));
    const differ = s.modules.filter((r) => r.figures?.available && !sameResources(r.figures.available, m.available));
    if (differ.length) {
      out.push('available resources per module, where they differ from the top\'s:');
      out.push(textTable(['module', ...RESOURCE_KINDS], differ.map((r) => [r.module, ...RESOURCE_KINDS.map((k) => n(r.figures!.available![k]))])));
    }
  }
  if (s.instances.length) {
    out.push(`instances of '${s.top}' (${s.instancesFile}):`);
    out.push(
      textTable(
        ['instance', 'module', ...FIGURE_HEAD],
        s.instances.map((i) => [i.instance, i.module, n(i.latencyMin), n(i.latencyMax), n(i.intervalMin), n(i.intervalMax), i.pipeline ?? '', n(i.DSP), n(i.BRAM_18K), n(i.FF), n(i.LUT), n(i.URAM)]),
        2,
      ),
    );
  }
  if (model.design && s.foreign.length) {
    out.push(`warning: these reports do not belong to design '${model.design.name}': ${s.foreign.join('; ')}. Not compared with its estimate.`);
    out.push('');
  }
  if (model.design && s.comparison) out.push(comparisonText(s.comparison, model.design.name));
  return out.join('\n');
}

/** The full text report: every solution in turn. */
export function formatReport(model: ReportModel): string {
  const head = model.solutions.length > 1 ? `${model.solutions.length} solutions under ${model.dir}: ${model.solutions.map((s) => s.path).join(', ')} (--solution NAME shows one)\n\n` : '';
  return head + model.solutions.map((s) => formatSolution(s, model)).join('\n');
}
