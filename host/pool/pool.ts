// `edgemoe run` on every core: one lane per core, this process being one of them (its modules are loaded, so it starts
// at once) and the others worker processes (workerpool, process workers, each keeping its backend and weights open);
// images are handed out one at a time to whichever lane is free, so a worker's start-up (≈ 0.5 s) costs a share of one
// image, not of a fixed split. Results are put back in the order the images were given. Ctrl-C (process exit) kills
// the workers.
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { UserError } from '../../generator/errors.ts';
import { openRunSession, runImages, runInSession, type RunHooks, type RunOptions, type RunReport, type RunResult } from '../run.ts';
import type { ChunkResult } from './chunk.ts';

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), 'worker.js');

/** Worker processes by default: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** Whether these options run on the csim bridge (the only backend spread over processes; XRT has one device). */
export function pooledBackend(opts: RunOptions): boolean {
  return opts.backend === 'csim' || (opts.backend === 'auto' && !opts.xclbin);
}

/**
 * runImages over up to `jobs` worker processes. Falls back to one process when there is one job, one image, an
 * XRT backend, or two images with the same stem (runImages reports that clash per image, which needs every image
 * in one list).
 */
export async function runImagesPooled(opts: RunOptions, hooks: RunHooks, jobs: number): Promise<RunReport> {
  const stems = opts.images.map((p) => basename(p, extname(p)));
  const workers = Math.min(jobs, opts.images.length);
  if (workers <= 1 || !pooledBackend(opts) || new Set(stems).size !== stems.length) return runImages(opts, hooks);
  // Build (or find cached) the bridge once here: workers building it at once would race on the cache.
  const { buildCsim } = await import('../../generator/csim/build.ts');
  const csimLibrary = opts.csimLibrary ?? (await buildCsim(opts.design, { kind: 'shared' }));
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: workers - 1, minWorkers: workers - 1, workerTerminateTimeout: 1000 });
  const kill = () => void pool.terminate(true);
  process.once('exit', kill);
  let local: Awaited<ReturnType<typeof openRunSession>> | undefined;
  try {
    local = await openRunSession({ ...opts, csimLibrary });
    const session = local;
    const total = opts.images.length * new Set(opts.tasks).size;
    let done = 0;
    let selected = false;
    // Every lane selects the same backend: its line is passed on once, as one process would print it.
    const select = (line: string) => {
      if (!selected) {
        selected = true;
        hooks.onSelect?.(line);
      }
    };
    const progress = (r: RunResult) => hooks.onProgress?.(++done, total, r);
    const on = (m: { select?: string; result?: RunResult }) => (m.select === undefined ? progress(m.result!) : select(m.select));
    const reports = new Array<RunReport>(opts.images.length);
    let next = 0;
    const lane = async (run: (image: string) => Promise<RunReport>) => {
      while (next < opts.images.length) {
        const i = next++;
        reports[i] = await run(opts.images[i]!);
      }
    };
    const remote = async (image: string) => {
      const p = (await pool.exec('runChunk', [{ ...opts, csimLibrary, images: [image] }], { on })) as ChunkResult;
      if ('userError' in p) throw new UserError(p.userError);
      return p.report;
    };
    const here = (image: string) => runInSession(session, { ...opts, images: [image] }, { onSelect: select, onProgress: (_d, _t, r) => progress(r) });
    const t0 = performance.now();
    // The worker lanes start first: this process's own image holds its event loop while its kernel runs.
    await Promise.all([...Array.from({ length: workers - 1 }, () => lane(remote)), lane(here)]);
    const first = reports[0]!;
    // The lanes run side by side: the batch's time is the wall time from the first image handed out to the last done.
    return { selection: first.selection, backend: first.backend, results: reports.flatMap((r) => r.results), seconds: (performance.now() - t0) / 1000 };
  } finally {
    local?.close();
    process.removeListener('exit', kill);
    await pool.terminate(true);
  }
}
