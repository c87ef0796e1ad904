// Independent jobs (one image each: a csim run, a float reference) spread over this process and worker processes of
// the run pool's kind (workerpool, process workers: each runs its own testbench / bridge child), results in job order.
// A job names an exported function of a module; its argument and result cross the process boundary as JSON.
// A worker loads the jobs' module before it takes a job, so no job waits on a worker's start-up while this process is
// free; a command may start the workers early (warmJobWorkers), so that start-up runs beside its own setup.
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

/** Loads a job's module in this process (by default `import(module)`). */
export type ImportHere = (module: string) => Promise<Record<string, unknown>>;

/** Runs one job in this process. */
async function callHere(j: PoolJob, importHere: ImportHere): Promise<unknown> {
  const m = await importHere(j.module);
  const f = m[j.fn];
  if (typeof f !== 'function') throw new Error(`pool job: ${j.module} exports no function ${j.fn}`);
  return (f as (a: unknown) => unknown)(j.arg);
}

/** Worker processes and what they were asked to load, from their spawn to their end. */
interface JobWorkers {
  pool: workerpool.Pool;
  count: number;
  /** Per module, its load on each worker (settled once every worker has it). */
  loads: Map<string, Array<Promise<unknown>>>;
  /** Records a worker's pid (each call's first message), so an interrupt can signal it. */
  onPid: (m: { pid?: number }) => void;
  end(): Promise<void>;
}

function startWorkers(count: number): JobWorkers {
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: count, minWorkers: count, workerTerminateTimeout: 1000 });
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
  return {
    pool,
    count,
    loads: new Map(),
    onPid: (m) => void (typeof m.pid === 'number' && pids.add(m.pid)),
    end: async () => {
      offInterrupt();
      process.removeListener('exit', kill);
      await pool.terminate(true);
    },
  };
}

/** Asks every worker to load `module` (once per module); each call occupies one worker, so `count` calls reach all. */
function load(w: JobWorkers, module: string): Array<Promise<unknown>> {
  let l = w.loads.get(module);
  if (!l) {
    l = Array.from({ length: w.count }, () => w.pool.exec('load', [module], { on: w.onPid }));
    // A failed load shows when a job runs; until then it must not be an unhandled rejection.
    for (const p of l) p.catch(() => {});
    w.loads.set(module, l);
  }
  return l;
}

let warm: JobWorkers | undefined;

/**
 * Starts the worker processes of a mapJobs call to come (`lanes` − `local` of them, loading `modules`), so that their
 * start-up runs while the caller reads, packs and builds. They end with the mapJobs call that takes them (one with the
 * same number of workers), or at process exit.
 */
export function warmJobWorkers(modules: readonly string[], lanes: number, local = 1): void {
  const count = lanes - Math.min(lanes, local);
  if (warm || count < 1) return;
  warm = startWorkers(count);
  for (const m of modules) load(warm, m);
}

/**
 * Runs every job on `jobs` lanes and returns the results in job order; onResult(i, r) is called in job order too, as
 * soon as job i and every job before it are done. `local` lanes (default 1) run in this process, which has every
 * module loaded already: more than one pays when a job mostly waits on a child process (a csim's testbench), so one
 * job's testbench runs beside another's JavaScript. The other lanes are worker processes, one job at a time each.
 * Each lane takes the next job when it is free; a worker's lane starts once the worker has loaded the jobs' modules.
 * A job that throws rejects the whole map (the worker processes are ended). `importHere` loads a job's module for
 * this process's lanes: the CLI, run as one bundled module, passes its own copy of the module, so the jobs here share
 * that copy's state (csim's session) instead of loading the sources a second time.
 */
export async function mapJobs<R>(list: readonly PoolJob[], jobs: number, onResult?: (i: number, r: R) => void, opts: { local?: number; importHere?: ImportHere } = {}): Promise<R[]> {
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
  const local = Math.max(1, Math.min(lanes, opts.local ?? 1));
  const importHere: ImportHere = opts.importHere ?? ((m) => import(m) as Promise<Record<string, unknown>>);
  const here = () => Array.from({ length: local }, () => lane((j) => callHere(j, importHere)));
  if (lanes === local) {
    await warm?.end();
    warm = undefined;
    await Promise.all(here());
    return results;
  }
  let w: JobWorkers;
  if (warm && warm.count === lanes - local) w = warm;
  else {
    await warm?.end();
    w = startWorkers(lanes - local);
  }
  warm = undefined;
  const modules = [...new Set(list.map((j) => j.module))];
  const remote = (j: PoolJob) => w.pool.exec('call', [j.module, j.fn, j.arg], { on: w.onPid }) as Promise<unknown>;
  try {
    const loads = modules.map((m) => load(w, m));
    // Worker k's lane starts when some worker has loaded every module (the k-th such load to finish): by then a
    // worker is free to take a job at once. A failed load rejects the job that runs there.
    const ready = (k: number) => Promise.all(loads.map((l) => nthSettled(l, k))).then(() => undefined);
    const workers = Array.from({ length: lanes - local }, async (_, k) => (await ready(k), lane(remote)));
    await Promise.all([...workers, ...here()]);
    return results;
  } finally {
    await w.end();
  }
}

/** Settles when the (k+1)-th of `ps` has settled. */
function nthSettled(ps: ReadonlyArray<Promise<unknown>>, k: number): Promise<void> {
  let n = 0;
  return new Promise((resolve) => {
    for (const p of ps) void p.then(done, done);
    function done() {
      if (n++ === k) resolve();
    }
  });
}

/** The absolute file URL of a module next to `importMetaUrl` (for PoolJob.module). */
export function moduleUrl(importMetaUrl: string, relative: string): string {
  return new URL(relative, importMetaUrl).href;
}
