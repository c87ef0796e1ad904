// What one pool worker does: run its share of the images through runImages (its own Accelerator and bridge),
// reporting its backend selection and each finished image × task (its result) to the parent; a UserError comes back as data so the parent can exit 2.
import workerpool from 'workerpool';
import { isUserError } from '../../generator/errors.ts';
import { runImages, type RunOptions, type RunReport } from '../run.ts';

export type ChunkResult = { report: RunReport } | { userError: string };

export async function runChunk(opts: RunOptions): Promise<ChunkResult> {
  try {
    return { report: await runImages(opts, { onSelect: (line) => workerpool.workerEmit({ select: line }), onProgress: (_done, _total, result) => workerpool.workerEmit({ result }) }) };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}
