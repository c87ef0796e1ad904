// Vitis HLS / Vivado HLS C-synthesis reports: <module>_csynth.xml (and csynth.xml) into typed figures.
// Both spellings are accepted: DSP48E (Vivado HLS) and DSP (Vitis HLS); "undef" / "?" latencies become null.
import { UserError } from '../errors.ts';
import { child, children, localName, parseXml, textAt, type XmlElement } from './xml.ts';

/** Resource counts by kind; BRAM is in 18K halves (as HLS reports it). */
export interface Resources {
  BRAM_18K: number | null;
  DSP: number | null;
  FF: number | null;
  LUT: number | null;
  URAM: number | null;
}

export const RESOURCE_KINDS = ['BRAM_18K', 'DSP', 'FF', 'LUT', 'URAM'] as const;

/** The synthesis figures of one module (the top, or a sub-function). */
export interface ModuleReport {
  name: string;
  latency: { best: number | null; average: number | null; worst: number | null; bestTime: string | null; worstTime: string | null };
  interval: { min: number | null; max: number | null };
  pipelineType: string | null;
  resources: Resources;
  available: Resources | null;
}

/** One csynth report file. */
export interface CsynthReport {
  file: string;
  tool: 'Vivado HLS' | 'Vitis HLS';
  version: string | null;
  top: string;
  part: string | null;
  family: string | null;
  /** Clock periods in ns. */
  targetClockNs: number | null;
  clockUncertaintyNs: number | null;
  estimatedClockNs: number | null;
  /** The module the file describes, then sub-modules listed inside it (Vitis HLS ModuleInformation), if any. */
  module: ModuleReport;
  subModules: ModuleReport[];
}

/** A number from report text; "undef", "?", "-" and empty give null. */
export function reportNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || t === '-' || t === '?' || /^undef/i.test(t) || /^n\/a$/i.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

function resources(el: XmlElement | undefined): Resources | null {
  if (!el) return null;
  const get = (...names: string[]) => {
    for (const n of names) {
      const c = child(el, n);
      if (c) return reportNumber(c.text);
    }
    return null;
  };
  return { BRAM_18K: get('BRAM_18K', 'BRAM'), DSP: get('DSP', 'DSP48E', 'DSP48E2'), FF: get('FF'), LUT: get('LUT'), URAM: get('URAM') };
}

function moduleReport(name: string, el: XmlElement): ModuleReport {
  const perf = child(el, 'PerformanceEstimates');
  const lat = child(perf, 'SummaryOfOverallLatency');
  const area = child(el, 'AreaEstimates');
  const txt = (k: string) => {
    const v = textAt(lat, k);
    return v === undefined || v === '' ? null : v;
  };
  return {
    name,
    latency: {
      best: reportNumber(textAt(lat, 'Best-caseLatency')),
      average: reportNumber(textAt(lat, 'Average-caseLatency')),
      worst: reportNumber(textAt(lat, 'Worst-caseLatency')),
      bestTime: txt('Best-caseRealTimeLatency'),
      worstTime: txt('Worst-caseRealTimeLatency'),
    },
    interval: { min: reportNumber(textAt(lat, 'Interval-min')), max: reportNumber(textAt(lat, 'Interval-max')) },
    pipelineType: textAt(perf, 'PipelineType') || null,
    resources: resources(child(area, 'Resources')) ?? { BRAM_18K: null, DSP: null, FF: null, LUT: null, URAM: null },
    available: resources(child(area, 'AvailableResources')),
  };
}

/** Parses the text of a csynth XML report (`file` names it in errors and in the result). */
export function parseCsynthXml(text: string, file: string): CsynthReport {
  const root = parseXml(text, file);
  if (localName(root.name) !== 'profile') throw new UserError(`${file}: not a csynth report (root element <${root.name}>, expected <profile>)`);
  const ua = child(root, 'UserAssignments');
  const top = textAt(ua, 'TopModelName');
  if (!top) throw new UserError(`${file}: no UserAssignments/TopModelName`);
  const perf = child(root, 'PerformanceEstimates');
  const areaRes = child(child(root, 'AreaEstimates'), 'Resources');
  const vitis = !!child(areaRes, 'DSP') || !child(areaRes, 'DSP48E');
  const subs = children(child(root, 'ModuleInformation'), 'Module')
    .map((m) => ({ name: textAt(m, 'Name') ?? '', m }))
    .filter((x) => x.name && x.name !== top)
    .map((x) => moduleReport(x.name, x.m));
  return {
    file,
    tool: vitis ? 'Vitis HLS' : 'Vivado HLS',
    version: textAt(root, 'ReportVersion', 'Version') || null,
    top,
    part: textAt(ua, 'Part') || null,
    family: textAt(ua, 'ProductFamily') || null,
    targetClockNs: reportNumber(textAt(ua, 'TargetClockPeriod')),
    clockUncertaintyNs: reportNumber(textAt(ua, 'ClockUncertainty')),
    estimatedClockNs: reportNumber(textAt(perf, 'SummaryOfTimingAnalysis', 'EstimatedClockPeriod')),
    module: moduleReport(top, root),
    subModules: subs,
  };
}
