// What one run-pool worker (host/pool/worker.js) does: it is handed the run's setup as the parent read and checked it
// (validated design.json, task names, the bridge library, the packed weights file and its hash), opens the backend
// with it once and keeps it for every image it is then handed; the backend selection and each finished image × task
// go back to the parent as they happen; a UserError comes back as data (the parent exits 2).
// It imports only what that needs (no schema, no config validation, no packer): a worker's start-up is CPU taken from
// the parent's lane on a small machine, so the less it loads the sooner both lanes run images.
import { readFileSync, statSync } from 'node:fs';
import workerpool from 'workerpool';
import { isUserError, UserError } from '../../generator/errors.ts';
import { Accelerator, type BackendChoice } from '../accelerator.ts';
import type { HostDesign } from '../layout.ts';
import { runInSession, sessionOn, type ImageList, type RunReport, type RunSession } from '../run-session.ts';
import type { PackedFile, PackedWeights } from '../weights.ts';

/** A pooled run as the parent set it up. */
export interface LaneSetup {
  /** Names the pooled run: a worker keeps its session for every call with this key. */
  key: string;
  design: HostDesign;
  /** Task names, each once, in the order asked. */
  tasks: string[];
  backend: BackendChoice;
  csimLibrary: string;
  /** The packed image the parent checked (read again here if it is still that file), or a weights source to pack here. */
  weights: { file: PackedFile; hash: string; origin: string } | { source: string };
}

export type LaneResult<T> = { ok: T } | { userError: string };

let kept: { key: string; session: RunSession } | undefined;

async function laneWeights(s: LaneSetup): Promise<PackedWeights> {
  if ('source' in s.weights) {
    // A source is packed in memory, which needs the packer: loaded only then.
    const { loadPackedWeights } = await import('../weights.ts');
    return loadPackedWeights(s.design, s.weights.source);
  }
  const { file, hash, origin } = s.weights;
  const st = statSync(file.path, { throwIfNoEntry: false });
  if (!st || st.size !== file.size || st.mtimeMs !== file.mtimeMs) throw new UserError(`weights ${origin} changed while the run was starting; run it again`);
  // The file's own buffer (a Uint8Array): no second 36 MB copy on the worker's way to its first image.
  return { bytes: readFileSync(file.path), hash, origin, file };
}

async function sessionFor(s: LaneSetup): Promise<RunSession> {
  if (kept?.key === s.key) return kept.session;
  kept?.session.close();
  kept = undefined;
  const w = await laneWeights(s);
  const acc = await Accelerator.open(s.design, { backend: s.backend, csimLibrary: s.csimLibrary });
  kept = { key: s.key, session: sessionOn(s.design, s.tasks, acc, w) };
  return kept.session;
}

async function userErrorsAsData<T>(f: () => Promise<T>): Promise<LaneResult<T>> {
  try {
    return { ok: await f() };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}

/** Opens this worker's session (backend, weights) before it is handed an image. */
export function openLane(s: LaneSetup): Promise<LaneResult<true>> {
  return userErrorsAsData(async () => (await sessionFor(s), true as const));
}

/** Runs an image list on this worker's session (opened first if it is not). */
export function runLane(s: LaneSetup, list: ImageList): Promise<LaneResult<RunReport>> {
  return userErrorsAsData(async () =>
    runInSession(await sessionFor(s), list, { onSelect: (line) => workerpool.workerEmit({ select: line }), onProgress: (_done, _total, result) => workerpool.workerEmit({ result }) }),
  );
}
