// The data model of `edgemoe report`: every solution's top, its modules in hierarchy order, the rpt's instance
// table, and (in a design dir) the kernel/part check and the comparison with the estimate. The text printer
// (format.ts) and --json both render this; nothing here formats.
import type { Estimate } from '../estimate/estimate.ts';
import type { FoundReport, ProjectFile, Solution, TopSource } from './collect.ts';
import { compareWithEstimate, foreignReasons, type ComparisonRow, type DesignIdentity } from './compare.ts';
import type { HierarchyNode, ModuleReport } from './csynth.ts';
import type { RptInstance } from './rpt.ts';

/** One module in hierarchy order (the top excluded). */
export interface ModuleRow {
  module: string;
  /** RTL instance name when the hierarchy names it. */
  instance: string | null;
  /** The module it sits in (null: the report does not say). */
  parent: string | null;
  /** 1 for the top's children, 2 for theirs, …; modules of unknown place are at depth 1 with parent null. */
  depth: number;
  /** Its figures (null: the hierarchy names a module no report describes). */
  figures: ModuleReport | null;
}

/** One solution as `edgemoe report` shows it. */
export interface SolutionView {
  name: string;
  path: string;
  project: ProjectFile | null;
  top: string;
  topSource: TopSource;
  /** The file the top's figures come from. */
  file: string;
  tool: FoundReport['tool'];
  version: string | null;
  flowTarget: string | null;
  part: string | null;
  family: string | null;
  targetClockNs: number | null;
  clockUncertaintyNs: number | null;
  estimatedClockNs: number | null;
  module: ModuleReport;
  /** Where the hierarchy came from: the XML's RTLDesignHierarchy, the rpt instance tables, or unknown (flat list). */
  hierarchy: 'xml' | 'rpt' | 'none';
  modules: ModuleRow[];
  /** The top's instance table (<top>_csynth.rpt) and the file it came from. */
  instances: RptInstance[];
  instancesFile: string | null;
  /** Every csynth XML of the solution. */
  files: string[];
  /** In a design dir: why the reports are not the design's (empty: they are), and the comparison when they are. */
  foreign: string[];
  comparison: ComparisonRow[] | null;
}

/** Everything `edgemoe report` prints. */
export interface ReportModel {
  dir: string;
  design: DesignIdentity | null;
  estimateClockMHz: number | null;
  solutions: SolutionView[];
}

/** A module's figures as an rpt instance row gives them (Vivado HLS writes no per-module XML for inlined callers). */
function rptFigures(i: RptInstance): ModuleReport {
  return {
    name: i.module,
    latency: { best: i.latencyMin, average: null, worst: i.latencyMax, bestTime: null, worstTime: null },
    interval: { min: i.intervalMin, max: i.intervalMax },
    pipelineType: i.pipeline,
    dataflowThroughput: null,
    estimatedClockNs: null,
    resources: { BRAM_18K: i.BRAM_18K, DSP: i.DSP, FF: i.FF, LUT: i.LUT, URAM: i.URAM },
    available: null,
  };
}

function moduleRows(s: Solution, byName: Map<string, ModuleReport>): { rows: ModuleRow[]; source: SolutionView['hierarchy'] } {
  const rows: ModuleRow[] = [];
  const placed = new Set<string>();
  const add = (module: string, instance: string | null, parent: string | null, depth: number, fallback: ModuleReport | null = null) => {
    rows.push({ module, instance, parent, depth, figures: byName.get(module) ?? fallback });
    placed.add(module);
  };
  let source: SolutionView['hierarchy'] = 'none';
  const tree: HierarchyNode | null = s.topReport.hierarchy;
  if (tree) {
    source = 'xml';
    const visit = (n: HierarchyNode, depth: number) => {
      for (const c of n.children) {
        add(c.module, c.instance, n.module, depth);
        visit(c, depth + 1);
      }
    };
    visit(tree, 1);
  } else {
    // Vivado HLS: each module's rpt lists the instances inside it.
    const rptOf = new Map<string, RptInstance[]>();
    for (const r of s.reports) if (r.rpt?.instances.length && !rptOf.has(r.top)) rptOf.set(r.top, r.rpt.instances);
    if (rptOf.has(s.top)) {
      source = 'rpt';
      const visit = (module: string, depth: number, path: string[]) => {
        for (const i of rptOf.get(module) ?? []) {
          add(i.module, i.instance, module, depth, rptFigures(i));
          if (!path.includes(i.module) && depth < 32) visit(i.module, depth + 1, [...path, i.module]);
        }
      };
      visit(s.top, 1, [s.top]);
    }
  }
  for (const [name] of byName) if (!placed.has(name)) add(name, null, null, 1);
  return { rows, source };
}

/** The view of one solution; `design` / `estimate` when the folder is a design dir. */
export function solutionView(s: Solution, design: DesignIdentity | null, estimate: Estimate | null): SolutionView {
  const r = s.topReport;
  // ModuleInformation of csynth.xml first (Vitis), then each module's own report (Vivado HLS, or modules it lacks).
  const byName = new Map<string, ModuleReport>();
  for (const m of r.subModules) byName.set(m.name, m);
  for (const x of s.reports) if (x.top !== s.top && !byName.has(x.top)) byName.set(x.top, x.module);
  const { rows, source } = moduleRows(s, byName);
  // The instance table is in <top>_csynth.rpt; Vitis's csynth.rpt is a "Synthesis Summary" without one.
  const withInst = s.reports.filter((x) => x.top === s.top && x.rpt?.instances.length).sort((a, b) => a.path.length - b.path.length)[0];
  const foreign = design ? foreignReasons(s, design) : [];
  return {
    name: s.name,
    path: s.path,
    project: s.project,
    top: s.top,
    topSource: s.topSource,
    file: r.path,
    tool: r.tool,
    version: r.version,
    flowTarget: r.flowTarget,
    part: r.part,
    family: r.family,
    targetClockNs: r.targetClockNs,
    clockUncertaintyNs: r.clockUncertaintyNs,
    estimatedClockNs: r.estimatedClockNs,
    module: r.module,
    hierarchy: source,
    modules: rows,
    instances: withInst?.rpt?.instances ?? [],
    instancesFile: withInst ? withInst.path.replace(/\.xml$/, '.rpt') : null,
    files: s.reports.map((x) => x.path),
    foreign,
    comparison: design && estimate && !foreign.length ? compareWithEstimate(s, estimate) : null,
  };
}

/** The whole model of `edgemoe report` over the chosen solutions. */
export function reportModel(dir: string, solutions: Solution[], design: DesignIdentity | null, estimate: Estimate | null): ReportModel {
  return { dir, design, estimateClockMHz: estimate ? estimate.clockMHz : null, solutions: solutions.map((s) => solutionView(s, design, estimate)) };
}
