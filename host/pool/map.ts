// Independent jobs (one image each: a csim run, a float reference) spread over worker processes of the run pool's kind
// (workerpool, process workers: each runs its own testbench / bridge child), results in the order of the jobs.
// A job names an exported function of a module; its argument and result cross the process boundary as JSON.
// Interrupted (Ctrl-C / SIGTERM), the workers get SIGTERM and run their own cleanups (temp dirs, testbench groups).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { atInterrupt } from '../../generator/interrupt.ts';

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), 'job-worker.js');

/** One job: `fn` exported by `module` (an absolute path or file URL), called with `arg` in a worker process. */
export interface PoolJob {
  module: string;
  fn: string;
  arg: unknown;
}

/**
 * Runs every job on up to `jobs` worker processes (at most one per job) and returns their results in job order;
 * onResult(i, r) is called in job order too, as soon as job i and every job before it are done. With one worker the
 * jobs still run in a worker process, so one and several workers behave the same. A job that throws rejects the
 * whole map (the other workers are ended).
 */
export async function mapJobs<R>(list: readonly PoolJob[], jobs: number, onResult?: (i: number, r: R) => void): Promise<R[]> {
  const workers = Math.max(1, Math.min(jobs, list.length));
  if (list.length === 0) return [];
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: workers, minWorkers: workers, workerTerminateTimeout: 1000 });
  const pids = new Set<number>();
  const stop = () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  const offInterrupt = atInterrupt(stop);
  const kill = () => void pool.terminate(true);
  process.once('exit', kill);
  const results = new Array<R>(list.length);
  const done = new Array<boolean>(list.length).fill(false);
  let next = 0;
  const flush = () => {
    while (next < list.length && done[next]) onResult?.(next, results[next]!), next++;
  };
  try {
    await Promise.all(
      list.map(async (j, i) => {
        const on = (m: { pid?: number }) => {
          if (typeof m.pid === 'number') pids.add(m.pid);
        };
        results[i] = (await pool.exec('call', [j.module, j.fn, j.arg], { on })) as R;
        done[i] = true;
        flush();
      }),
    );
    return results;
  } finally {
    offInterrupt();
    process.removeListener('exit', kill);
    await pool.terminate(true);
  }
}

/** The absolute file URL of a module next to `importMetaUrl` (for PoolJob.module). */
export function moduleUrl(importMetaUrl: string, relative: string): string {
  return new URL(relative, importMetaUrl).href;
}
