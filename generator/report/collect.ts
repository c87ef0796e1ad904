// Finding and reading every C-synthesis report under a folder (a design's HLS project or any tree), grouped by
// solution, with each solution's top taken from its project (hls.app, vivado_hls.app, hls_config.cfg `syn.top=`)
// or its csynth.xml — never from path order.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { parseCsynthXml, type CsynthReport } from './csynth.ts';
import { parseCsynthRpt, type RptReport } from './rpt.ts';
import { parseXml } from './xml.ts';

/** One report found: the XML figures, plus the matching .rpt's tables when the .rpt sits beside it. */
export interface FoundReport extends CsynthReport {
  /** Path relative to the searched folder. */
  path: string;
  rpt: RptReport | null;
}

/** The project file that names a solution's top. */
export interface ProjectFile {
  /** Path relative to the searched folder. */
  path: string;
  top: string | null;
}

/** Where a solution's top came from. */
export type TopSource = 'project' | 'csynth.xml' | 'hierarchy';

/** The reports of one solution (one syn/report folder). */
export interface Solution {
  /** `solution1` (Vivado/Vitis HLS), the component (Vitis IDE 2023.2+), or the report folder's name. */
  name: string;
  /** Solution folder relative to the searched folder ('.' for the folder itself). */
  path: string;
  project: ProjectFile | null;
  top: string;
  topSource: TopSource;
  /** The report of the top (csynth.xml when there is one: it alone lists every module). */
  topReport: FoundReport;
  reports: FoundReport[];
}

/** Everything `edgemoe report` reads under a folder. */
export interface ReportSet {
  dir: string;
  solutions: Solution[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.build', '.autopilot', 'csim-include']);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function walk(dir: string, out: string[], depth = 0): void {
  if (depth > 12) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out, depth + 1);
    } else if (e.isFile()) out.push(p);
  }
}

/** The `top` attribute of an HLS project file (Vivado HLS vivado_hls.app or Vitis HLS hls.app). */
function appTop(file: string): string | null {
  try {
    return parseXml(readFileSync(file, 'utf8'), file).attrs.top ?? null;
  } catch {
    return null;
  }
}

/** `syn.top=NAME` of a Vitis IDE (2023.2+) HLS component config; the last assignment wins, as in v++. */
export function configTop(text: string): string | null {
  let top: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*syn\.top\s*=\s*([^#\s]+)/.exec(line);
    if (m) top = m[1]!;
  }
  return top;
}

/** The project file nearest above `from` (up to `root`): hls.app / vivado_hls.app, or a component's *.cfg with syn.top=. */
function findProject(from: string, root: string): ProjectFile | null {
  for (let d = from; ; d = dirname(d)) {
    for (const app of ['hls.app', 'vivado_hls.app']) {
      const f = join(d, app);
      if (existsSync(f)) return { path: relative(root, f), top: appTop(f) };
    }
    // A Vitis IDE component: vitis-comp.json beside hls_config.cfg (or another .cfg) holding syn.top=.
    const cfgs = existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.cfg')).sort(byName) : [];
    for (const c of cfgs) {
      const top = configTop(readFileSync(join(d, c), 'utf8'));
      if (top) return { path: relative(root, join(d, c)), top };
    }
    if (d === root || dirname(d) === d) return null;
  }
}

/** The solution folder of a report folder: <sol>/syn/report, <component>/<component>/hls/syn/report, or the folder. */
function solutionDir(reportDir: string): string {
  const parts = reportDir.split(sep);
  const n = parts.length;
  if (n >= 3 && parts[n - 1] === 'report' && parts[n - 2] === 'syn') {
    const sol = parts.slice(0, n - 2);
    // Vitis IDE components write <component>/hls/syn/report: the work dir is the solution.
    return sol.length > 1 && sol[sol.length - 1] === 'hls' ? sol.slice(0, -1).join(sep) : sol.join(sep);
  }
  return reportDir;
}

/** Module names listed as someone's sub-module or instance in `reports`. */
function listedBelow(reports: FoundReport[]): Set<string> {
  const s = new Set<string>();
  const walkH = (n: CsynthReport['hierarchy'], isRoot: boolean) => {
    if (!n) return;
    if (!isRoot) s.add(n.module);
    for (const c of n.children) walkH(c, false);
  };
  for (const r of reports) {
    for (const m of r.subModules) s.add(m.name);
    walkH(r.hierarchy, true);
    for (const i of r.rpt?.instances ?? []) s.add(i.module);
  }
  return s;
}

/** Picks a solution's top: project file, else csynth.xml's TopModelName, else the one report no other lists below it. */
function pickTop(reports: FoundReport[], project: ProjectFile | null): { top: string; source: TopSource } {
  if (project?.top && reports.some((r) => r.top === project.top)) return { top: project.top, source: 'project' };
  const plain = reports.find((r) => basename(r.path) === 'csynth.xml');
  if (plain) return { top: plain.top, source: 'csynth.xml' };
  const below = listedBelow(reports);
  const roots = reports.filter((r) => !below.has(r.top));
  // Several roots (no hierarchy data): the one with the most resources is the enclosing design.
  const size = (r: FoundReport) => (r.module.resources.LUT ?? 0) + (r.module.resources.FF ?? 0);
  const best = (roots.length ? roots : reports).slice().sort((a, b) => size(b) - size(a))[0]!;
  return { top: best.top, source: 'hierarchy' };
}

/** Reads every *_csynth.xml / csynth.xml under `dir`, grouped by solution; a folder without any is a UserError. */
export function collectReports(dir: string): ReportSet {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UserError(`report: ${dir} is not a directory`);
  const files: string[] = [];
  walk(abs, files);
  const xmls = files.filter((f) => /(^|_)csynth\.xml$/.test(basename(f)));
  if (!xmls.length) {
    // Name the real design dir in the command to run; a folder that is no design needs one generated first.
    const next = existsSync(join(abs, 'design.json'))
      ? `run \`edgemoe build --design ${dir} --target hls\` first`
      : `it is not a design dir either (no design.json): give a design dir after \`edgemoe build --design <dir> --target hls\`, or a folder holding csynth reports`;
    throw new UserError(`report: no C-synthesis report (*_csynth.xml) under ${dir}; ${next}`);
  }
  const groups = new Map<string, FoundReport[]>();
  for (const f of xmls) {
    const r = parseCsynthXml(readFileSync(f, 'utf8'), relative(abs, f));
    const rptFile = f.replace(/\.xml$/, '.rpt');
    const found: FoundReport = { ...r, path: relative(abs, f), rpt: existsSync(rptFile) ? parseCsynthRpt(readFileSync(rptFile, 'utf8')) : null };
    const key = solutionDir(dirname(f));
    groups.set(key, [...(groups.get(key) ?? []), found]);
  }
  const solutions: Solution[] = [...groups.keys()].sort(byName).map((key) => {
    const reports = groups.get(key)!;
    const project = findProject(key, abs);
    const { top, source } = pickTop(reports, project);
    const named = reports.filter((r) => r.top === top);
    // csynth.xml (Vitis: the only file with ModuleInformation) before <top>_csynth.xml; same figures.
    const topReport = named.find((r) => basename(r.path) === 'csynth.xml') ?? named[0]!;
    return { name: basename(key), path: relative(abs, key) || '.', project, top, topSource: source, topReport, reports };
  });
  return { dir: abs, solutions };
}

/** The solutions `--solution` asks for (its name or its path); all of them without it. */
export function selectSolutions(set: ReportSet, want: string | undefined): Solution[] {
  if (want === undefined) return set.solutions;
  const hit = set.solutions.filter((s) => s.name === want || s.path === want);
  if (!hit.length) throw new UserError(`report: --solution ${want}: no such solution under ${set.dir} (found: ${set.solutions.map((s) => s.path).join(', ')})`);
  return hit;
}
