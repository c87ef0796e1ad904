// Gathering what the HTML report of a design shows (design, estimate, csim run records, their images, C-synthesis
// reports, the profile / explore JSON when there) and writing the page. `report --html`, `csim --html` and `run --html` all come through here.
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { designPlan } from '../csim/run.ts';
import { readRecords, type CsimRecord } from '../csim/record.ts';
import { queueLengths } from '../csim/cycles.ts';
import { readDesign, type Design } from '../emit/design.ts';
import { UserError, isUserError } from '../errors.ts';
import { estimatePlan } from '../estimate/estimate.ts';
import { loadImageBytes, type ImageShape } from '../io/image.ts';
import { collectReports } from '../report/collect.ts';
import { buildReport, type ReportInput, type RunLatency } from './report.ts';
import { chwToPng } from './routing.ts';
import { exploreSection, extraFiles, profileSection, readExploreJson, readProfileJson } from './extras.ts';

/** Refuses an --html path that cannot be written (before any long work). */
export function checkHtmlPath(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError(`--html ${path}: is a directory, expected an .html file path`);
  if (!existsSync(dirname(resolve(path)))) throw new UserError(`--html ${path}: directory ${dirname(path)} does not exist`);
}

/** Writes the page through a temp file and a rename, so a failure never leaves half a page. */
export function writeHtml(path: string, html: string): void {
  const tmp = `${resolve(path)}.tmp-${process.pid}`;
  writeFileSync(tmp, html);
  renameSync(tmp, path);
}

/** The top synthesis report under the design dir, or null when there is none (other report errors propagate). */
function synthesisOf(design: Design): ReportInput['synthesis'] {
  try {
    // The first solution's top (edgemoe report lists every solution; the page shows one beside the estimate).
    const top = collectReports(design.dir).solutions[0]!.topReport;
    return { report: top, path: top.path };
  } catch (e) {
    if (isUserError(e) && /no C-synthesis report/.test((e as Error).message)) return null;
    throw e;
  }
}

export interface DesignReportOptions {
  /** Use these runs instead of the design's csim-runs/ records (csim --html: the run just done). */
  records?: CsimRecord[];
  runs?: RunLatency[];
  title?: string;
  /** A profile JSON / explore JSON to draw (default: profile.json / explore.json in the design dir, when there). */
  profile?: string;
  explore?: string;
}

/** The report page of a design dir. */
export async function designReport(dir: string, o: DesignReportOptions = {}): Promise<string> {
  const design = readDesign(dir);
  const plan = designPlan(design);
  // Broken profile / explore files fail before anything else is drawn.
  const files = extraFiles(dir, o);
  const profile = files.profile ? readProfileJson(files.profile) : null;
  const exploration = files.explore ? readExploreJson(files.explore) : null;
  const s = plan.sizes;
  const notes: string[] = [];
  let records = o.records;
  if (!records) {
    const found = readRecords(dir, design.manifest.configHash);
    records = found.records;
    if (found.stale.length) notes.push(`Left out ${found.stale.length} csim record(s) of another config (${found.stale.join(', ')}): re-run csim to refresh them.`);
  }
  const shape: ImageShape = [s.inCh, s.imgH, s.imgW];
  const images = new Map<string, Uint8Array | null>();
  for (const r of records) {
    if (images.has(r.image)) continue;
    try {
      images.set(r.image, chwToPng(loadImageBytes(r.image, shape), s.inCh, s.imgH, s.imgW));
    } catch (e) {
      if (!isUserError(e)) throw e;
      images.set(r.image, null);
    }
  }
  // The estimate with the routing of the first traced run, so MoE ops match what csim counted.
  const routed = records.find((r) => r.routing.length === plan.moeBlocks.length && r.routing.length > 0);
  const routing = routed ? new Map(routed.routing.map((b) => [b.block, queueLengths(s.experts, b.kernel)])) : undefined;
  const estimate = estimatePlan(plan, routing ? { routing } : {});
  const c = plan.config;
  const input: ReportInput = {
    title: o.title ?? `edgemoe report: ${plan.name}`,
    designDir: dir,
    meta: `${plan.name}: ${s.tokens} tokens, dim ${s.dim}, depth ${s.depth}, ${s.experts} experts top-${s.topK}, tasks ${design.manifest.tasks.join(', ')}; ${estimate.platform.board} @ ${c.hardware.clockMHz} MHz${routed ? `; MoE estimate with the routing of ${routed.taskName}` : ''}`,
    geometry: { gridH: s.gridH, gridW: s.gridW, imgH: s.imgH, imgW: s.imgW, experts: s.experts },
    records,
    images,
    estimate,
    synthesis: synthesisOf(design),
    runs: o.runs,
    notes,
    extra: [...(profile ? [await profileSection(profile, files.profile!)] : []), ...(exploration ? [await exploreSection(exploration, files.explore!)] : [])],
  };
  return buildReport(input);
}
