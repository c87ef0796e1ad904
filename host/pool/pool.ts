// `edgemoe run` on every core: the images split into contiguous shares, one worker process each (workerpool,
// process workers), results put back in the order the images were given. Ctrl-C (process exit) kills the workers.
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { UserError } from '../../generator/errors.ts';
import { runImages, type RunHooks, type RunOptions, type RunReport, type RunResult } from '../run.ts';
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

/** Splits `n` items into `k` contiguous shares of sizes differing by at most one. */
export function shares(n: number, k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const len = Math.floor(n / k) + (i < n % k ? 1 : 0);
    if (len > 0) out.push([start, start + len]);
    start += len;
  }
  return out;
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
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: workers, minWorkers: workers, workerTerminateTimeout: 1000 });
  const kill = () => void pool.terminate(true);
  process.once('exit', kill);
  try {
    const total = opts.images.length * new Set(opts.tasks).size;
    let done = 0;
    let selected = false;
    // Every worker selects the same backend: its line is passed on once, as one process would print it.
    const on = (m: { select?: string; result?: RunResult }) => {
      if (m.select === undefined) hooks.onProgress?.(++done, total, m.result!);
      else if (!selected) {
        selected = true;
        hooks.onSelect?.(m.select);
      }
    };
    const parts = await Promise.all(
      shares(opts.images.length, workers).map(([a, b]) =>
        pool.exec('runChunk', [{ ...opts, csimLibrary, images: opts.images.slice(a, b) }], { on }) as Promise<ChunkResult>,
      ),
    );
    const reports: RunReport[] = [];
    for (const p of parts) {
      if ('userError' in p) throw new UserError(p.userError);
      reports.push(p.report);
    }
    // The workers' kernel calls run side by side: the batch's wall time is the longest worker's.
    return { selection: reports[0]!.selection, backend: reports[0]!.backend, results: reports.flatMap((r) => r.results), seconds: Math.max(...reports.map((r) => r.seconds)) };
  } finally {
    process.removeListener('exit', kill);
    await pool.terminate(true);
  }
}
