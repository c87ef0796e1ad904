// The batch runner behind `edgemoe run`: images → kernel calls of up to maxImages → <stem>.<task>.npy per image.
// A bad image is reported and skipped (no output written for it); the rest of the batch still runs.
import { UserError } from '../generator/errors.ts';
import { Accelerator, type BackendChoice } from './accelerator.ts';
import { loadDesign, taskIndex } from './design.ts';
import { runInSession, sessionOn, type ImageList, type RunHooks, type RunReport, type RunSession } from './run-session.ts';
import { loadPackedWeights } from './weights.ts';

export { outputPath, runInSession, type ImageList, type RunHooks, type RunReport, type RunResult, type RunSession } from './run-session.ts';

export interface RunOptions extends ImageList {
  design: string;
  weights: string;
  /** Task names or indices, run in this order for every image. */
  tasks: string[];
  backend: BackendChoice;
  xclbin?: string;
  device?: number;
  /** XRT: per kernel call timeout in ms (default: wait). */
  timeoutMs?: number;
  /** csim: prebuilt bridge library (tests); default: build it. */
  csimLibrary?: string;
}

/** Opens the backend and loads the weights once; whole-run problems (design, weights, task, backend) throw. */
export async function openRunSession(opts: Omit<RunOptions, 'images' | 'out'>): Promise<RunSession> {
  const design = loadDesign(opts.design);
  const m = design.manifest;
  const tasks = [...new Set(opts.tasks.map((t) => m.tasks[taskIndex(m, t)]!))];
  const weights = loadPackedWeights(design, opts.weights);
  const acc = await Accelerator.open(design, { backend: opts.backend, xclbin: opts.xclbin, device: opts.device, timeoutMs: opts.timeoutMs, csimLibrary: opts.csimLibrary });
  return sessionOn(design, tasks, acc, weights);
}

/** Runs every image for every task; whole-run problems (design, weights, task, backend) throw, per-image ones are reported. */
export async function runImages(opts: RunOptions, hooks: RunHooks = {}): Promise<RunReport> {
  if (opts.images.length === 0) throw new UserError('no images given');
  const session = await openRunSession(opts);
  try {
    return await runInSession(session, opts, hooks);
  } finally {
    session.close();
  }
}
