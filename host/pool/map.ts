// Independent jobs (one image each: a csim run, a float reference) spread over this process and worker processes of
// the run pool's kind (workerpool, process workers: each runs its own testbench / bridge child), results in job order.
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

/** Runs one job in this process. */
async function callHere(j: PoolJob): Promise<unknown> {
  const m = (await import(j.module)) as Record<string, unknown>;
  const f = m[j.fn];
  if (typeof f !== 'function') throw new Error(`pool job: ${j.module} exports no function ${j.fn}`);
  return (f as (a: unknown) => unknown)(j.arg);
}

/**
 * Runs every job on `jobs` lanes, this process being one of them (it has every module loaded already; the others are
 * worker processes, so `jobs` testbenches / references run at once), and returns the results in job order;
 * onResult(i, r) is called in job order too, as soon as job i and every job before it are done. Each lane takes the
 * next job when it is free. A job that throws rejects the whole map (the worker processes are ended).
 */
export async function mapJobs<R>(list: readonly PoolJob[], jobs: number, onResult?: (i: number, r: R) => void): Promise<R[]> {
  const lanes = Math.max(1, Math.min(jobs, list.length));
  if (list.length === 0) return [];
  const results = new Array<R>(list.length);
  const done = new Array<boolean>(list.length).fill(false);
  let flushed = 0;
  const flush = () => {
    while (flushed < list.length && done[flushed]) onResult?.(flushed, results[flushed]!), flushed++;
  };
  let next = 0;
  const lane = async (run: (j: PoolJob) => Promise<unknown>) => {
    while (next < list.length) {
      const i = next++;
      results[i] = (await run(list[i]!)) as R;
      done[i] = true;
      flush();
    }
  };
  if (lanes === 1) {
    await lane(callHere);
    return results;
  }
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: lanes - 1, minWorkers: lanes - 1, workerTerminateTimeout: 1000 });
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
  const on = (m: { pid?: number }) => {
    if (typeof m.pid === 'number') pids.add(m.pid);
  };
  const remote = (j: PoolJob) => pool.exec('call', [j.module, j.fn, j.arg], { on }) as Promise<unknown>;
  try {
    // The worker lanes start first: this process's own job may hold its event loop for a while (a float reference).
    const workers = Array.from({ length: lanes - 1 }, () => lane(remote));
    await Promise.all([...workers, lane(callHere)]);
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
