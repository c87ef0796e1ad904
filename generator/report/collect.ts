// Finding and reading every C-synthesis report under a folder (a design's HLS project or any tree).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { parseCsynthXml, type CsynthReport } from './csynth.ts';
import { parseCsynthRpt, type RptReport } from './rpt.ts';
import { parseXml } from './xml.ts';

/** One report found: the XML figures, plus the matching .rpt's instance tables when the .rpt sits beside it. */
export interface FoundReport extends CsynthReport {
  /** Path relative to the searched folder. */
  path: string;
  rpt: RptReport | null;
}

/** Everything `edgemoe report` reads under a folder. */
export interface ReportSet {
  dir: string;
  /** Top function named by the project file (hls.app / vivado_hls.app), when one was found. */
  projectTop: string | null;
  reports: FoundReport[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.build', 'csim-include']);

function walk(dir: string, out: string[], depth = 0): void {
  if (depth > 12) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out, depth + 1);
    } else if (e.isFile()) out.push(p);
  }
}

/** The `top` attribute of an HLS project file (Vivado HLS vivado_hls.app or Vitis HLS hls.app). */
function projectTop(file: string): string | null {
  try {
    const root = parseXml(readFileSync(file, 'utf8'), file);
    return root.attrs.top ?? null;
  } catch {
    return null;
  }
}

/** Reads every *_csynth.xml / csynth.xml under `dir` (sorted by path); a folder without any is a UserError. */
export function collectReports(dir: string): ReportSet {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UserError(`report: ${dir} is not a directory`);
  const files: string[] = [];
  walk(abs, files);
  const xmls = files.filter((f) => /(^|_)csynth\.xml$/.test(basename(f)));
  let top: string | null = null;
  for (const f of files) if (basename(f) === 'hls.app' || basename(f) === 'vivado_hls.app') top ??= projectTop(f);
  const reports: FoundReport[] = xmls.map((f) => {
    const r = parseCsynthXml(readFileSync(f, 'utf8'), relative(abs, f) || basename(f));
    const rptFile = join(dirname(f), basename(f).replace(/\.xml$/, '.rpt'));
    return { ...r, path: relative(abs, f), rpt: existsSync(rptFile) ? parseCsynthRpt(readFileSync(rptFile, 'utf8')) : null };
  });
  if (!reports.length) {
    // Name the real design dir in the command to run; a folder that is no design needs one generated first.
    const next = existsSync(join(abs, 'design.json'))
      ? `run \`edgemoe build --design ${dir} --target hls\` first`
      : `it is not a design dir either (no design.json): give a design dir after \`edgemoe build --design <dir> --target hls\`, or a folder holding csynth reports`;
    throw new UserError(`report: no C-synthesis report (*_csynth.xml) under ${dir}; ${next}`);
  }
  return { dir: abs, projectTop: top, reports };
}

/** The report of the top function: the project's top, else the module no other report lists as a sub-module, else the first. */
export function topReport(set: ReportSet, kernel?: string): FoundReport {
  const want = set.projectTop ?? kernel;
  const named = want ? set.reports.filter((r) => r.top === want) : [];
  // Vitis HLS writes both csynth.xml and <top>_csynth.xml for the top (same figures); take the shorter path.
  if (named.length) return named.sort((a, b) => a.path.length - b.path.length)[0]!;
  return set.reports[0]!;
}
