// One image of `edgemoe csim IMAGE…` as a pool job (host/pool/map.ts): runs it and returns what the command prints
// for it and its record, JSON-safe, so several images can run in worker processes and be printed in order.
import { isUserError } from '../errors.ts';
import type { ResizeMode } from '../io/image.ts';
import { formatFidelity, topKAgreement } from '../reference/fidelity.ts';
import { formatCycles } from './cycles.ts';
import { csimRecord, type CsimRecord } from './record.ts';
import { formatFinal, formatOpTable, formatRouting, formatVerdict } from './report.ts';
import { csimInSession, openCsimSession, type CsimResult, type CsimSession } from './run.ts';

export interface CsimImageJob {
  design: string;
  weights: string;
  task: number;
  taskName: string;
  configHash: string;
  image: string;
  out?: string;
  trace?: boolean;
  cycles?: boolean;
  defines: string[];
  tolerance: number;
  resize?: ResizeMode;
  /** Compute the reference while the testbench runs (csimInSession). */
  beside?: boolean;
  /** Show the session's set-up phases (compile, pack) with this image's (the command's first image). */
  setupPhases?: boolean;
  /** Progress lines (in this process only: a function does not cross to a worker). */
  log?: (line: string) => void;
}

export type CsimImageResult = { text: string; record: CsimRecord; passed: boolean; verdict: string } | { userError: string };

/** What `edgemoe csim` prints for one run, from the testbench's own lines to `wrote OUT` (not the verdict). */
export function csimText(r: CsimResult, o: { trace?: boolean; out?: string }): string {
  let s = r.stdout.trim() ? (r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`) : '';
  if (o.trace) s += formatOpTable(r.ops) + formatRouting(r.routing) + `${formatFidelity({ ...r.final, topk: topKAgreement(r.routing) })}\n`;
  if (r.cycles) s += formatCycles(r.cycles);
  s += `${formatFinal(r.final)}\n`;
  // A phase that ran beside another counts only for the time it outlasted that one.
  const total = r.phases.reduce((a, p) => a + (p.beside ? Math.max(0, p.seconds - (r.phases.find((q) => q.phase === p.beside)?.seconds ?? 0)) : p.seconds), 0);
  s += `phases: ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s${p.beside ? ` (beside ${p.beside})` : ''}`).join(', ')} (total ${total.toFixed(2)} s)\n`;
  if (o.out) s += `wrote ${o.out}\n`;
  return s;
}

/** The session this process keeps for the jobs of one command (a worker opens it at its first job, once). */
let kept: { key: string; session: Promise<CsimSession> } | undefined;

/** The session for `j`'s command: opened here the first time (the command's own process opens it before any job). */
export function csimSessionFor(j: Omit<CsimImageJob, 'image' | 'out'>, log?: (line: string) => void): Promise<CsimSession> {
  const key = JSON.stringify([j.design, j.weights, j.task, j.trace ?? false, j.cycles ?? false, j.defines, j.tolerance]);
  if (kept?.key !== key) {
    const session = openCsimSession({ design: j.design, weights: j.weights, task: j.task, trace: j.trace, cycles: j.cycles, defines: j.defines, tolerance: j.tolerance, log });
    kept = { key, session };
    // A failed open is not kept: the next command's first job tries again.
    session.catch(() => kept?.session === session && (kept = undefined));
  }
  return kept.session;
}

/** Runs one image (the design is built and packed already); a UserError comes back as data (the parent exits 2). */
export async function csimImage(j: CsimImageJob): Promise<CsimImageResult> {
  try {
    const session = await csimSessionFor(j, j.log);
    const r = await csimInSession(session, { image: j.image, out: j.out, resize: j.resize, beside: j.beside, log: j.log });
    return csimImageResult(j.setupPhases ? { ...r, phases: [...session.phases, ...r.phases] } : r, j);
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}

/** What the command prints and records for one image's result. */
export function csimImageResult(r: CsimResult, j: Pick<CsimImageJob, 'trace' | 'out' | 'configHash' | 'image' | 'taskName'>): CsimImageResult & { passed: boolean } {
  return { text: csimText(r, j), record: csimRecord(r, { configHash: j.configHash, image: j.image, taskName: j.taskName }), passed: r.passed, verdict: formatVerdict(r) };
}
