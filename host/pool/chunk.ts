// What one pool worker does: run the images it is handed through runInSession, reporting its backend selection and
// each finished image × task (its result) to the parent; a UserError comes back as data so the parent can exit 2.
// The session (backend open, weights loaded: ~0.1 s for ViT-T) is kept for the worker's next call with the same
// design, weights and backend, since the pool hands out one image at a time.
import workerpool from 'workerpool';
import { isUserError } from '../../generator/errors.ts';
import { openRunSession, runInSession, type RunOptions, type RunReport, type RunSession } from '../run.ts';

export type ChunkResult = { report: RunReport } | { userError: string };

let kept: { key: string; session: RunSession } | undefined;

async function sessionFor(opts: RunOptions): Promise<RunSession> {
  const { images: _images, out: _out, resize: _resize, ...setup } = opts;
  const key = JSON.stringify(setup);
  if (kept?.key !== key) {
    kept?.session.close();
    kept = { key, session: await openRunSession(setup) };
  }
  return kept.session;
}

export async function runChunk(opts: RunOptions): Promise<ChunkResult> {
  try {
    const session = await sessionFor(opts);
    return { report: await runInSession(session, opts, { onSelect: (line) => workerpool.workerEmit({ select: line }), onProgress: (_done, _total, result) => workerpool.workerEmit({ result }) }) };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}
