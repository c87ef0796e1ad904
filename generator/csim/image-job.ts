// One image of `edgemoe csim IMAGE…` as a pool job (host/pool/map.ts): runs it and returns what the command prints
// for it and its record, JSON-safe, so several images can run in worker processes and be printed in order.
import { isUserError } from '../errors.ts';
import type { ResizeMode } from '../io/image.ts';
import { formatFidelity, topKAgreement } from '../reference/fidelity.ts';
import { formatCycles } from './cycles.ts';
import { csimRecord, type CsimRecord } from './record.ts';
import { formatFinal, formatOpTable, formatRouting, formatVerdict } from './report.ts';
import { runCsim, type CsimResult } from './run.ts';

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
}

export type CsimImageResult = { text: string; record: CsimRecord; passed: boolean; verdict: string } | { userError: string };

/** What `edgemoe csim` prints for one run, from the testbench's own lines to `wrote OUT` (not the verdict). */
export function csimText(r: CsimResult, o: { trace?: boolean; out?: string }): string {
  let s = r.stdout.trim() ? (r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`) : '';
  if (o.trace) s += formatOpTable(r.ops) + formatRouting(r.routing) + `${formatFidelity({ ...r.final, topk: topKAgreement(r.routing) })}\n`;
  if (r.cycles) s += formatCycles(r.cycles);
  s += `${formatFinal(r.final)}\n`;
  const total = r.phases.reduce((a, p) => a + p.seconds, 0);
  s += `phases: ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')} (total ${total.toFixed(2)} s)\n`;
  if (o.out) s += `wrote ${o.out}\n`;
  return s;
}

/** Runs one image (the design is built and packed already); a UserError comes back as data (the parent exits 2). */
export async function csimImage(j: CsimImageJob): Promise<CsimImageResult> {
  try {
    const r = await runCsim({ design: j.design, weights: j.weights, task: j.task, image: j.image, out: j.out, trace: j.trace, cycles: j.cycles, defines: j.defines, tolerance: j.tolerance, resize: j.resize });
    return { text: csimText(r, j), record: csimRecord(r, { configHash: j.configHash, image: j.image, taskName: j.taskName }), passed: r.passed, verdict: formatVerdict(r) };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}
