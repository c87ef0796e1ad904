// `edgemoe sweep gather DIR`: every point of a sweep dir with its synthesis outcome — the top function's csynth
// latency and resources beside the point's estimate. A point whose synthesis failed, never ran or left no report is
// listed with that status, never dropped.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { collectReports } from '../report/collect.ts';
import type { Resources } from '../report/csynth.ts';
import { textTable } from './format.ts';
import { SWEEP_FORMAT, SWEEP_JSON, type SweepManifest, type SweepPoint } from './jobs.ts';

export type PointStatus = 'synthesised' | 'failed' | 'not run' | 'no report';

export interface GatheredPoint {
  id: string;
  status: PointStatus;
  /** Exit code of the failed command (the tool's, read from make's `Error N` in the log, else make's own); null when
   *  the point never finished. */
  exitCode: number | null;
  log: string | null;
  estimate: SweepPoint['estimate'];
  /** The top function's figures from its csynth.xml (null unless synthesised). */
  hls: { report: string; latencyWorst: number | null; latencyMs: number | null; clockNs: number | null; resources: Resources } | null;
}

export interface Gathered {
  dir: string;
  name: string;
  platform: string;
  points: GatheredPoint[];
}

/** Whether `dir` is a sweep dir (holds sweep.json). */
export function isSweepDir(dir: string): boolean {
  return existsSync(join(dir, SWEEP_JSON));
}

export function readSweep(dirArg: string): SweepManifest {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`sweep gather: ${dirArg} is not a directory`);
  const file = join(dir, SWEEP_JSON);
  if (!existsSync(file)) throw new UserError(`sweep gather: ${dirArg} is not a sweep dir (no ${SWEEP_JSON}; \`edgemoe explore --emit-jobs DIR\` writes one)`);
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new UserError(`sweep gather: ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (m?.format !== SWEEP_FORMAT || !Array.isArray(m.points)) throw new UserError(`sweep gather: ${file}: expected format ${SWEEP_FORMAT} with a points list`);
  return m;
}

function gatherPoint(dir: string, p: SweepPoint): GatheredPoint {
  const exitFile = join(dir, 'logs', `${p.id}.exit`);
  const logFile = join(dir, 'logs', `${p.id}.log`);
  const code = existsSync(exitFile) ? Number.parseInt(readFileSync(exitFile, 'utf8').trim(), 10) : null;
  const log = existsSync(logFile) ? `logs/${p.id}.log` : null;
  // The sub-make exits 2 whatever failed; the recipe's own exit code is in make's last `*** [...] Error N` line.
  const recipe = code && log ? [...readFileSync(logFile, 'utf8').matchAll(/\*\*\* \[[^\]]*\] Error (\d+)/g)].pop() : undefined;
  const exitCode = code === null || Number.isNaN(code) ? null : recipe ? Number(recipe[1]) : code;
  const base = { id: p.id, exitCode, log, estimate: p.estimate };
  if (exitCode === null) return { ...base, status: 'not run', hls: null };
  if (exitCode !== 0) return { ...base, status: 'failed', hls: null };
  const project = join(dir, p.dir, 'hls_prj');
  if (!existsSync(project)) return { ...base, status: 'no report', hls: null };
  let top;
  try {
    // run_hls.tcl makes one solution (solution1); its top report is the kernel's.
    const solution = collectReports(project).solutions[0];
    if (!solution) return { ...base, status: 'no report', hls: null };
    top = solution.topReport;
  } catch (e) {
    if (e instanceof UserError) return { ...base, status: 'no report', hls: null };
    throw e;
  }
  const worst = top.module.latency.worst;
  const clockNs = top.targetClockNs;
  return {
    ...base,
    status: 'synthesised',
    hls: { report: join(p.dir, 'hls_prj', top.path), latencyWorst: worst, latencyMs: worst !== null && clockNs ? (worst * clockNs) / 1e6 : null, clockNs, resources: top.module.resources },
  };
}

/** Every point of the sweep dir, in sweep.json's order. */
export function gatherSweep(dirArg: string): Gathered {
  const dir = resolve(dirArg);
  const m = readSweep(dirArg);
  return { dir, name: m.name, platform: m.platform, points: m.points.map((p) => gatherPoint(dir, p)) };
}

const num = (v: number | null | undefined, digits?: number) => (v === null || v === undefined ? '-' : digits !== undefined ? v.toFixed(digits) : Math.round(v).toLocaleString('en-US'));

/** One row per point: status, estimate, csynth figures. */
export function formatGathered(g: Gathered): string {
  const rows = g.points.map((p) => {
    const h = p.hls;
    const status = p.status === 'failed' ? `FAILED (exit ${p.exitCode})` : p.status;
    return [
      p.id,
      status,
      num(p.estimate.ms, 2),
      h ? num(h.latencyMs, 2) : '-',
      num(p.estimate.resources.DSP),
      h ? num(h.resources.DSP) : '-',
      num(p.estimate.resources.BRAM36),
      h && h.resources.BRAM_18K !== null ? num(h.resources.BRAM_18K / 2) : '-',
      num(p.estimate.resources.LUT),
      h ? num(h.resources.LUT) : '-',
      num(p.estimate.resources.FF),
      h ? num(h.resources.FF) : '-',
      p.status === 'synthesised' ? h!.report : (p.log ?? '-'),
    ];
  });
  const count = (s: PointStatus) => g.points.filter((p) => p.status === s).length;
  const head = ['point', 'status', 'est ms', 'HLS ms', 'est DSP', 'HLS DSP', 'est BRAM36', 'HLS BRAM36', 'est LUT', 'HLS LUT', 'est FF', 'HLS FF', 'report / log'];
  return (
    `sweep ${g.name} on ${g.platform} (${g.dir}): ${g.points.length} points — ${count('synthesised')} synthesised, ${count('failed')} failed, ${count('not run')} not run, ${count('no report')} without a report\n` +
    textTable(head, rows) +
    'est: the estimator (binding latency, upper); HLS: the top function\'s csynth.xml (worst-case latency at the target clock)\n'
  );
}
