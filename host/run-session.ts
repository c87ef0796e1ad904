// Running image lists on an open run session (backend open, weights loaded): decode, kernel calls of up to
// maxImages, <stem>.<task>.npy per image. Kept apart from host/run.ts (which reads and validates the design and the
// weights) so a pool worker, handed what the parent validated, loads only this.
import { basename, extname, join, resolve } from 'node:path';
import { isUserError, UserError } from '../generator/errors.ts';
import { HARDWARE_PIXEL_DIVISOR, type InputPipeline } from '../generator/config/input.ts';
import { loadImageBytes, type ImageShape, type ResizeMode } from '../generator/io/image.ts';
import { writeNpy } from '../generator/io/npy.ts';
import { makeDirs } from '../generator/io/files.ts';
import type { Accelerator } from './accelerator.ts';
import type { HostDesign } from './layout.ts';
import type { PackedWeights } from './weights.ts';

/** The images of a run and where their outputs go. */
export interface ImageList {
  images: string[];
  out: string;
  /** How a photograph of another size is fitted (default: refused). */
  resize?: ResizeMode;
}

/** One image × task outcome. */
export interface RunResult {
  image: string;
  task: string;
  backend: string;
  /** Wall time of this image in its kernel call (input write + run + output read, divided by the call's images), ms. */
  latencyMs?: number;
  /** Images in that kernel call. */
  batch?: number;
  output?: string;
  error?: string;
}

export interface RunReport {
  selection: string;
  backend: string;
  results: RunResult[];
  /** Wall time of all kernel calls and output writes (after the backend was opened and the weights loaded), s. */
  seconds: number;
}

export interface RunHooks {
  /** Called once the backend is chosen, with the one-line selection note. */
  onSelect?: (line: string) => void;
  /** Called after each image × task is done (for a progress bar or line). */
  onProgress?: (done: number, total: number, result: RunResult) => void;
}

/** Output file for an image and task: <out>/<image stem>.<task>.npy. */
export function outputPath(out: string, image: string, task: string): string {
  return join(out, `${basename(image, extname(image))}.${task}.npy`);
}

/** What a run keeps between image lists: the design, its tasks and an open accelerator with the weights loaded. */
export interface RunSession {
  design: HostDesign;
  /** Task names, each once, in the order asked. */
  tasks: string[];
  acc: Accelerator;
  /** The loaded weights' hash and where they came from (a pool's other lanes load the same). */
  weights: Omit<PackedWeights, 'bytes'>;
  close(): void;
}

/** A session on an opened backend: loads the weights into it (closing it if that fails) and keeps their hash and
 *  origin, not their bytes. */
export function sessionOn(design: HostDesign, tasks: string[], acc: Accelerator, weights: PackedWeights): RunSession {
  try {
    acc.loadWeights(weights);
  } catch (e) {
    acc.close();
    throw e;
  }
  const { bytes: _bytes, ...kept } = weights;
  return { design, tasks, acc, weights: kept, close: () => acc.close() };
}

/** Runs every image for every task on an open session (the pool's lanes keep one for all the images they are handed); per-image problems are reported. */
export async function runInSession(session: RunSession, opts: ImageList, hooks: RunHooks = {}): Promise<RunReport> {
  if (opts.images.length === 0) throw new UserError('no images given');
  const { design, tasks, acc } = session;
  const m = design.manifest;
  hooks.onSelect?.(acc.selection);
  makeDirs(opts.out, 'output directory');

  // Decode every image first; a bad one is reported and left out of the kernel calls.
  const shape = m.input.shape as unknown as ImageShape;
  if (shape.length !== 3) throw new UserError(`design.json input shape ${JSON.stringify(m.input.shape)} is not [C,H,W]`);
  const pre = m.input.preprocess;
  if (pre.mean.length !== shape[0] || pre.std.length !== shape[0]) throw new UserError(`design.json input.preprocess has ${pre.mean.length} means and ${pre.std.length} stds for ${shape[0]} channels`);
  // A .npy image is the model's input tensor; this undoes the preprocessing the patch embedding has folded in.
  const input: InputPipeline = { shape, ...pre, identity: pre.divisor === HARDWARE_PIXEL_DIVISOR && pre.mean.every((x) => x === 0) && pre.std.every((x) => x === 1) };
  const ok: Array<{ idx: number; path: string; bytes: Uint8Array }> = [];
  const bad: Array<{ idx: number; path: string; error: string }> = [];
  const stems = new Map<string, string>();
  opts.images.forEach((path, idx) => {
    try {
      const stem = basename(path, extname(path));
      const prev = stems.get(stem);
      if (prev !== undefined) throw new UserError(`${path}: its outputs would overwrite those of ${prev} (same file stem '${stem}')`);
      const bytes = loadImageBytes(path, input, { resize: opts.resize });
      stems.set(stem, path);
      ok.push({ idx, path, bytes });
    } catch (e) {
      if (!isUserError(e)) throw e;
      bad.push({ idx, path, error: (e as Error).message });
    }
  });

  const total = opts.images.length * tasks.length;
  let done = 0;
  const byImage: RunResult[][] = opts.images.map(() => []);
  const add = (idx: number, r: RunResult) => {
    byImage[idx]!.push(r);
    hooks.onProgress?.(++done, total, r);
  };
  // csim gains nothing from batching (no DRAM latency to hide): one image per call gives per-image progress and times.
  const perCall = acc.backendName === 'csim' ? 1 : m.maxImages;
  const t0 = performance.now();
  for (const b of bad) for (const task of tasks) add(b.idx, { image: b.path, task, backend: acc.backendName, error: b.error });
  for (const task of tasks) {
    for (let i = 0; i < ok.length; i += perCall) {
      const batch = ok.slice(i, i + perCall);
      try {
        const r = await acc.inferAsync(batch.map((b) => b.bytes), task);
        batch.forEach((b, k) => {
          const output = outputPath(opts.out, b.path, task);
          writeNpy(output, { dtype: 'f32', shape: [...m.output.shape], data: r.outputs[k]! });
          add(b.idx, { image: b.path, task, backend: acc.backendName, latencyMs: r.ms / batch.length, batch: batch.length, output: resolve(output) });
        });
      } catch (e) {
        if (!isUserError(e)) throw e;
        for (const b of batch) add(b.idx, { image: b.path, task, backend: acc.backendName, error: (e as Error).message });
      }
    }
  }
  // Report in the order the images were given, tasks in the order asked.
  const results = byImage.flatMap((rs) => rs.sort((x, y) => tasks.indexOf(x.task) - tasks.indexOf(y.task)));
  return { selection: acc.selection, backend: acc.backendName, results, seconds: (performance.now() - t0) / 1000 };
}
