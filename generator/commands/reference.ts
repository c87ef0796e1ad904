// `edgemoe reference`: the float64 backbone forward for one image and task → float32 .npy (+ optional float64 trace .npz).
import type { Command } from 'commander';
import { inputPipeline } from '../config/input.ts';
import { resolveTask } from '../config/task.ts';
import { parseResize, loadImage } from '../io/image.ts';
import { writeFileAtomic } from '../io/files.ts';
import { encodeNpy } from '../io/npy.ts';
import { NpzWriter } from '../io/npz.ts';
import { isUserError, UserError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { runReference } from '../reference/model.ts';
import { checkWeights } from '../weights/check.ts';
import { loadWeights } from '../weights/load.ts';
import { configFromOptions, withConfigOptions, withDefaultConfigHint } from './common.ts';

interface ReferenceOptions {
  preset?: string;
  config?: string;
  set?: string[];
  weights: string;
  task: string;
  trace?: string;
  out: string;
  resize?: string;
}

/** min, max, mean and std of the values. */
function stats(v: Float64Array): string {
  let min = Infinity, max = -Infinity, s = 0, s2 = 0;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  const std = Math.sqrt(Math.max(0, s2 / v.length - mean * mean));
  const f = (x: number) => x.toPrecision(6);
  return `min ${f(min)}, max ${f(max)}, mean ${f(mean)}, std ${f(std)}`;
}

/** Registers `edgemoe reference`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('reference')
      .summary('float64 reference forward of one image → .npy')
      .description('run the float64 reference backbone (M3ViT math, exact GELU/softmax) on one image for one task; writes the [tokens, dim] output as float32 .npy')
      .argument('<image>', `input image of the config's size: 8-bit PNG or JPEG (preprocessed as the config says: byte/pixelDivisor, then its mean/std) or a float .npy [C,H,W] holding the model's input as it is (each value a preprocessed byte, the check csim and run make)`),
  )
    .requiredOption('-w, --weights <file>', 'backbone weights: .safetensors, .pth checkpoint or sharded checkpoint dir')
    .requiredOption('-t, --task <task>', 'task name or index (selects the MoE gates)')
    .requiredOption('-o, --out <file>', 'output .npy: float32 [tokens, dim], the last block output (cls token first)')
    .option('--resize <mode>', 'fit a PNG/JPEG of another size than the model\'s: stretch (scale each axis) or letterbox (keep the aspect ratio, pad with black, centred); bilinear. Default: refuse it')
    .option('--trace <file>', 'also write every intermediate as a float64 .npz (fixture key names; topk_idx int64)')
    .action((image: string, opts: ReferenceOptions) => {
      const t0 = performance.now();
      const config = configFromOptions(opts);
      const task = withDefaultConfigHint(opts, () => resolveTask(config.model.tasks, opts.task));
      const { tensors, notes } = loadWeights(opts.weights);
      withDefaultConfigHint(opts, () => checkWeights(config, tensors, opts.weights));
      const pixels = withDefaultConfigHint(opts, () => loadImage(image, inputPipeline(config.model), { resize: parseResize(opts.resize) }));
      // The trace streams to disk as the forward computes it (ViT-S: ~2.7 GB, never all in memory). Writing it may fail
      // (disk full, bad path): the forward goes on and the output is still written; the error is reported after.
      let traceError: string | undefined;
      let writer: NpzWriter | undefined;
      let traced = 0;
      const dropTrace = (e: unknown) => {
        if (!isUserError(e)) throw e;
        traceError ??= (e as Error).message;
        writer?.abort();
        writer = undefined;
      };
      if (opts.trace !== undefined) {
        try {
          writer = new NpzWriter(opts.trace);
        } catch (e) {
          dropTrace(e);
        }
        if (traceError) process.stderr.write(`edgemoe: warning: ${traceError}; running without the trace\n`);
      }
      const sink = (key: string, t: Tensor) => {
        if (!writer) return;
        try {
          writer.add(key, t);
          traced++;
        } catch (e) {
          dropTrace(e);
        }
      };
      const t1 = performance.now();
      let r: ReturnType<typeof runReference>;
      try {
        r = runReference(config, tensors, pixels, task, { trace: opts.trace !== undefined ? sink : false });
      } catch (e) {
        writer?.abort();
        throw e;
      }
      const t2 = performance.now();
      const tokens = r.out.length / config.model.dim;
      try {
        writeFileAtomic(opts.out, encodeNpy({ dtype: 'f32', shape: [tokens, config.model.dim], data: Float32Array.from(r.out) }));
      } catch (e) {
        writer?.abort();
        throw e;
      }
      if (writer) {
        try {
          writer.close();
        } catch (e) {
          dropTrace(e);
        }
      }
      for (const n of notes) process.stdout.write(`note: ${n}\n`);
      const lines = [
        `reference   config ${config.name}, task ${task} (${config.model.tasks[task]}), image ${image}`,
        `output      ${opts.out}: float32 [${tokens}, ${config.model.dim}] (${tokens} tokens incl. cls, dim ${config.model.dim})`,
        `values      ${stats(r.out)}`,
        ...(opts.trace && !traceError ? [`trace       ${opts.trace}: ${traced} float64 tensors`] : []),
        `time        forward ${(t2 - t1).toFixed(0)} ms, total ${(performance.now() - t0).toFixed(0)} ms`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (traceError) throw new UserError(`${traceError} (the output ${opts.out} was written, the trace was not)`);
    });
}
