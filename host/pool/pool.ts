// `edgemoe run` on every core: one lane per core, this process being one of them (its modules are loaded, so it starts
// at once) and the others worker processes (workerpool, process workers, each keeping its backend and weights open).
// The workers are spawned first, so their start-up runs while this process builds or finds the bridge, reads and
// checks the design and the weights; they are handed what it checked (host/pool/lane.ts) instead of reading and
// validating it again. A lane takes an image only once it is ready, one at a time, so a late worker costs a share of
// an image, not of a fixed split. Results are put back in the order the images were given. Ctrl-C (process exit)
// kills the workers.
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { UserError } from '../../generator/errors.ts';
import { openRunSession, runImages, runInSession, type RunHooks, type RunOptions, type RunReport, type RunResult, type RunSession } from '../run.ts';
import type { LaneResult, LaneSetup } from './lane.ts';

const WORKER = join(fileURLToPath(new URL('.', import.meta.url)), 'worker.js');

/** Worker processes by default: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** Whether these options run on the csim bridge (the only backend spread over processes; XRT has one device). */
export function pooledBackend(opts: Pick<RunOptions, 'backend' | 'xclbin'>): boolean {
  return opts.backend === 'csim' || (opts.backend === 'auto' && !opts.xclbin);
}

/** When a lane could take its first image and when it finished, in seconds from the start of the pooled run. */
export interface LaneTiming {
  /** 'this process' or 'worker N'. */
  lane: string;
  readyS: number;
  images: number;
  doneS: number;
}

export interface PoolHooks extends RunHooks {
  /** Called once at the end of a pooled run with each lane's timing (the phase split of bench/run-pool.ts). */
  onLanes?: (lanes: LaneTiming[]) => void;
}

let pooledRuns = 0;

/** What a worker is handed: this process's checked session, and how to load the same weights. */
function laneSetup(opts: RunOptions, session: RunSession, csimLibrary: string): LaneSetup {
  const w = session.weights;
  return {
    key: `${process.pid}.${++pooledRuns}`,
    design: session.design,
    tasks: session.tasks,
    backend: opts.backend,
    csimLibrary,
    weights: w.file ? { file: w.file, hash: w.hash, origin: w.origin } : { source: resolve(opts.weights) },
  };
}

function unwrap<T>(r: LaneResult<T>): T {
  if ('userError' in r) throw new UserError(r.userError);
  return r.ok;
}

/** Lanes for these options: 1 (no pool) for one job, one image, an XRT backend or two images with the same stem. */
function laneCount(opts: Pick<RunOptions, 'backend' | 'xclbin' | 'images'>, jobs: number): number {
  const stems = opts.images.map((p) => basename(p, extname(p)));
  // Two images with one stem: runImages reports that clash per image, which needs every image in one list.
  if (!pooledBackend(opts) || new Set(stems).size !== stems.length) return 1;
  return Math.max(1, Math.min(jobs, opts.images.length));
}

/** Worker processes, from their spawn to their end (also at process exit: Ctrl-C kills them). */
interface Workers {
  pool: workerpool.Pool;
  count: number;
  end(): Promise<void>;
}

function spawnWorkers(count: number): Workers {
  const pool = workerpool.pool(WORKER, { workerType: 'process', maxWorkers: count, minWorkers: count, workerTerminateTimeout: 1000 });
  const kill = () => void pool.terminate(true);
  process.once('exit', kill);
  return {
    pool,
    count,
    end: async () => {
      process.removeListener('exit', kill);
      await pool.terminate(true);
    },
  };
}

let warm: Workers | undefined;

/**
 * Spawns the worker processes of the runImagesPooled call to come with these options (none when it would not pool),
 * so that their start-up runs beside the caller's own setup. Call it only when that call follows (or the process
 * exits): the workers end with it.
 */
export function warmRunWorkers(opts: Pick<RunOptions, 'backend' | 'xclbin' | 'images'>, jobs: number): void {
  const lanes = laneCount(opts, jobs);
  if (!warm && lanes > 1) warm = spawnWorkers(lanes - 1);
}

/** runImages over up to `jobs` lanes (see laneCount for when it runs in this process alone). */
export async function runImagesPooled(opts: RunOptions, hooks: PoolHooks, jobs: number): Promise<RunReport> {
  const workers = laneCount(opts, jobs);
  if (workers <= 1) return runImages(opts, hooks);
  const tStart = performance.now();
  const since = () => (performance.now() - tStart) / 1000;
  // Spawned before anything else here (or earlier, by warmRunWorkers): a worker's start-up overlaps this process's setup.
  let spawned: Workers;
  if (warm?.count === workers - 1) spawned = warm;
  else {
    await warm?.end();
    spawned = spawnWorkers(workers - 1);
  }
  warm = undefined;
  const { pool } = spawned;
  let local: RunSession | undefined;
  try {
    // Build (or find cached) the bridge once here: workers building it at once would race on the cache.
    const { buildCsim } = await import('../../generator/csim/build.ts');
    const csimLibrary = opts.csimLibrary ?? (await buildCsim(opts.design, { kind: 'shared' }));
    local = await openRunSession({ ...opts, csimLibrary });
    const session = local;
    const setup = laneSetup(opts, session, csimLibrary);
    const total = opts.images.length * session.tasks.length;
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
    const list = (image: string) => ({ images: [image], out: opts.out, resize: opts.resize });
    let next = 0;
    const timings: LaneTiming[] = [];
    const lane = async (name: string, open: () => Promise<void>, run: (image: string) => Promise<RunReport>) => {
      const timing: LaneTiming = { lane: name, readyS: 0, images: 0, doneS: 0 };
      timings.push(timing);
      try {
        await open();
        timing.readyS = since();
        while (next < opts.images.length) {
          const i = next++;
          reports[i] = await run(opts.images[i]!);
          timing.images++;
        }
      } catch (e) {
        next = opts.images.length; // the other lanes stop taking images
        throw e;
      } finally {
        timing.doneS = since();
      }
    };
    const remote = async (image: string) => unwrap((await pool.exec('runLane', [setup, list(image)], { on })) as LaneResult<RunReport>);
    const here = (image: string) => runInSession(session, list(image), { onSelect: select, onProgress: (_d, _t, r) => progress(r) });
    const t0 = performance.now();
    const lanes = [
      lane('this process', async () => {}, here),
      // A worker opens its session (it may still be starting) before it takes an image, so none waits on it.
      ...Array.from({ length: workers - 1 }, (_, k) => lane(`worker ${k + 1}`, async () => void unwrap((await pool.exec('openLane', [setup])) as LaneResult<true>), remote)),
    ];
    // Every lane ends its current image before an error is passed on (this process's session closes after).
    const settled = await Promise.allSettled(lanes);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    hooks.onLanes?.(timings);
    const first = reports[0]!;
    // The lanes run side by side: the batch's time is the wall time from the first image handed out to the last done.
    return { selection: first.selection, backend: first.backend, results: reports.flatMap((r) => r.results), seconds: (performance.now() - t0) / 1000 };
  } finally {
    local?.close();
    await spawned.end();
  }
}
