// Vitis HLS / Vivado HLS C-synthesis reports: <module>_csynth.xml (and csynth.xml) into typed figures.
// Every spelling from Vivado HLS 2019.1 to Vitis HLS 2025 is read: DSP48E / DSP, Interval-min/max (the file's top)
// and PipelineInitiationInterval ("66", "93 ~ 278", "undef"; ModuleInformation entries), AVAIL_* per module.
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
  /** Initiation interval in cycles (null: undef or not reported). */
  interval: { min: number | null; max: number | null };
  /** `none`/`no`, `yes`/`pipeline`, `function`, `loop auto-rewind`, `dataflow`, … as the tool wrote it. */
  pipelineType: string | null;
  /** Cycles between dataflow starts (DataflowPipelineThroughput), for a dataflow region. */
  dataflowThroughput: number | null;
  estimatedClockNs: number | null;
  resources: Resources;
  /** The device's resources as the report lists them beside this module (AvailableResources or AVAIL_*). */
  available: Resources | null;
}

/** One instance in the RTL hierarchy: a module and the instances inside it. */
export interface HierarchyNode {
  /** RTL instance name (null for the top). */
  instance: string | null;
  module: string;
  children: HierarchyNode[];
}

/** One csynth report file. */
export interface CsynthReport {
  file: string;
  tool: 'Vivado HLS' | 'Vitis HLS';
  version: string | null;
  /** `vivado` (IP flow) or `vitis` (kernel flow); written from Vitis HLS 2020.2 on. */
  flowTarget: string | null;
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
  /** RTLDesignHierarchy (Vitis HLS), rooted at the top; null when the file has none. */
  hierarchy: HierarchyNode | null;
}

/** A number from report text; "undef", "?", "-", "~0" style and empty give null. */
export function reportNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || t === '-' || t === '?' || /^undef/i.test(t) || /^n\/a$/i.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** An interval written as "66", "93 ~ 278" or "undef". */
export function intervalRange(s: string | undefined): { min: number | null; max: number | null } {
  const parts = (s ?? '').split('~');
  if (parts.length === 2) return { min: reportNumber(parts[0]), max: reportNumber(parts[1]) };
  const v = reportNumber(s);
  return { min: v, max: v };
}

const text = (el: XmlElement | undefined, ...path: string[]) => {
  const v = textAt(el, ...path);
  return v === undefined || v === '' ? null : v;
};

/** Resources from an element holding BRAM_18K/DSP/… (or AVAIL_BRAM/AVAIL_DSP/… with `prefix` 'AVAIL_'). */
function resources(el: XmlElement | undefined, prefix = ''): Resources | null {
  if (!el) return null;
  let found = false;
  const get = (...names: string[]) => {
    for (const n of names) {
      const c = child(el, prefix + n);
      if (c) {
        found = true;
        return reportNumber(c.text);
      }
    }
    return null;
  };
  const r = { BRAM_18K: get('BRAM_18K', 'BRAM'), DSP: get('DSP', 'DSP48E', 'DSP48E2'), FF: get('FF'), LUT: get('LUT'), URAM: get('URAM') };
  return found ? r : null;
}

const NO_RESOURCES: Resources = { BRAM_18K: null, DSP: null, FF: null, LUT: null, URAM: null };

/** The figures of a module: the file's root (<profile>) or a ModuleInformation/Module entry. */
function moduleReport(name: string, el: XmlElement): ModuleReport {
  const perf = child(el, 'PerformanceEstimates');
  const lat = child(perf, 'SummaryOfOverallLatency');
  const res = child(child(el, 'AreaEstimates'), 'Resources');
  const hasMinMax = child(lat, 'Interval-min') || child(lat, 'Interval-max');
  return {
    name,
    latency: {
      best: reportNumber(textAt(lat, 'Best-caseLatency')),
      average: reportNumber(textAt(lat, 'Average-caseLatency')),
      worst: reportNumber(textAt(lat, 'Worst-caseLatency')),
      // "undef" is no time: shown as unknown like the cycles.
      bestTime: reportNumber(textAt(lat, 'Best-caseLatency')) === null ? null : text(lat, 'Best-caseRealTimeLatency'),
      worstTime: reportNumber(textAt(lat, 'Worst-caseLatency')) === null ? null : text(lat, 'Worst-caseRealTimeLatency'),
    },
    interval: hasMinMax
      ? { min: reportNumber(textAt(lat, 'Interval-min')), max: reportNumber(textAt(lat, 'Interval-max')) }
      : intervalRange(textAt(lat, 'PipelineInitiationInterval')),
    pipelineType: text(lat, 'PipelineType') ?? text(perf, 'PipelineType'),
    dataflowThroughput: reportNumber(textAt(lat, 'DataflowPipelineThroughput')),
    estimatedClockNs: reportNumber(textAt(perf, 'SummaryOfTimingAnalysis', 'EstimatedClockPeriod')),
    resources: resources(res) ?? { ...NO_RESOURCES },
    available: resources(child(child(el, 'AreaEstimates'), 'AvailableResources')) ?? resources(res, 'AVAIL_'),
  };
}

function hierarchyNode(el: XmlElement, instance: string | null): HierarchyNode {
  return {
    instance,
    module: textAt(el, 'ModuleName') ?? '',
    children: children(child(el, 'InstancesList'), 'Instance').map((i) => hierarchyNode(i, textAt(i, 'InstName') ?? null)),
  };
}

/** Vitis HLS from 2020.2 (the first Vitis HLS release); Vivado HLS up to 2020.1; else by the DSP spelling. */
function toolOf(version: string | null, area: XmlElement | undefined): CsynthReport['tool'] {
  const m = version ? /^(\d{4})\.(\d)/.exec(version) : null;
  if (m) return Number(m[1]) * 10 + Number(m[2]) >= 20202 ? 'Vitis HLS' : 'Vivado HLS';
  return child(area, 'DSP48E') ? 'Vivado HLS' : 'Vitis HLS';
}

/** Parses the text of a csynth XML report (`file` names it in errors and in the result). */
export function parseCsynthXml(xml: string, file: string): CsynthReport {
  const root = parseXml(xml, file);
  if (localName(root.name) !== 'profile') throw new UserError(`${file}: not a csynth report (root element <${root.name}>, expected <profile>)`);
  const ua = child(root, 'UserAssignments');
  const top = textAt(ua, 'TopModelName');
  if (!top) throw new UserError(`${file}: not a csynth report (no UserAssignments/TopModelName)`);
  const version = text(root, 'ReportVersion', 'Version');
  const subs = children(child(root, 'ModuleInformation'), 'Module')
    .map((m) => ({ name: textAt(m, 'Name') ?? '', m }))
    .filter((x) => x.name && x.name !== top)
    .map((x) => moduleReport(x.name, x.m));
  const topModule = child(child(root, 'RTLDesignHierarchy'), 'TopModule');
  return {
    file,
    tool: toolOf(version, child(child(root, 'AreaEstimates'), 'Resources')),
    version,
    flowTarget: text(ua, 'FlowTarget'),
    top,
    part: text(ua, 'Part'),
    family: text(ua, 'ProductFamily'),
    targetClockNs: reportNumber(textAt(ua, 'TargetClockPeriod')),
    clockUncertaintyNs: reportNumber(textAt(ua, 'ClockUncertainty')),
    estimatedClockNs: reportNumber(textAt(child(root, 'PerformanceEstimates'), 'SummaryOfTimingAnalysis', 'EstimatedClockPeriod')),
    module: moduleReport(top, root),
    subModules: subs,
    hierarchy: topModule ? hierarchyNode(topModule, null) : null,
  };
}
