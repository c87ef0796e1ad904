// `edgemoe csim`: C-simulate a generated design on one or more images and compare each with the float reference.

import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { csimImage, csimSessionFor, type CsimImageJob, type CsimImageResult } from '../csim/image-job.ts';
import { DEFAULT_TOLERANCE } from '../csim/run.ts';
import { resolveTask } from '../config/task.ts';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { writeRecord, type CsimRecord } from '../csim/record.ts';
import { parseResize } from '../io/image.ts';

/** Worker processes by default: one per core. */
const defaultJobs = () => availableParallelism();

/**
 * Images this process runs at once. An image is its testbench (a child process) then its float reference (this
 * thread): with two, one's testbench runs beside the other's reference, so on two cores no worker process (and no
 * second start-up and weights load) is needed; more lanes than two go to worker processes, as this thread would be
 * their references' bottleneck.
 */
const LOCAL_LANES = 2;

/** Spreads the images of one csim command over lanes, `local` of them in this process (host/pool/map.ts, composed by bin/cli.ts). */
export type CsimImageMap = ((jobs: CsimImageJob[], lanes: number, onResult: (i: number, r: CsimImageResult) => void, local: number) => Promise<CsimImageResult[]>) & {
  /** Starts the worker processes now, so their start-up runs beside this command's own reading, packing and building. */
  warm?: (lanes: number, local: number) => Promise<void>;
};

/** Registers `edgemoe csim`; `mapImages` runs several images at once (without it they run one after another here). */
export function register(program: Command, mapImages?: CsimImageMap): void {
  program
    .command('csim')
    .summary('C-simulate a design on images vs the reference')
    .description(
      'C-simulate a design on one or more images (g++ build cached by content hash; weights packed when weights.bin is missing or stale) and compare with the float64 reference; exit 1 when MSE/var(reference) exceeds the tolerance on any image. Several images run -j at a time (read, checked, built and packed once) and print in the order given',
    )
    .argument('<images...>', 'input images: PNG/JPEG (8-bit; the hardware takes the bytes, the preprocessing is folded into the patch embedding) or .npy float [C,H,W] of the model input, each value a preprocessed byte ((k/pixelDivisor − mean)/std)')
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <file>', 'float weights (.safetensors, .pth or sharded dir); packed into the design when needed')
    .requiredOption('-t, --task <task>', 'task name or index (selects the MoE gates); required, as in `reference` and `run`')
    .option('-o, --out <path>', 'write the output as float32 [tokens, dim] .npy; with several images, an existing directory that gets <image stem>.npy per image')
    .option('-j, --jobs <n>', `images at once (default: one per core, ${defaultJobs()} here): two in this process, one's testbench beside the other's float reference, more on worker processes; with N ≥ 2 (and without --trace) each image's reference also runs beside its own testbench. -j 1: one thing at a time`)
    .option('--trace', 'compare every op with the reference trace (builds with -DEDGEMOE_TRACE): print a per-op table and, per MoE block, how many tokens pick other experts than the reference and how close those were to a tie')
    .option('--cycles', "count pipelined loop iterations per op (-DEDGEMOE_COUNT_CYCLES) and print a table: op id (as in --trace and `estimate --ops`; 0 = the one-time weight load under reload=1), op name, counted iterations, the estimator's prediction (MoE ops with this run's routing: the kernel's with --trace, else the float reference's) and the difference, with totals in cycles and ms at the config's clock")
    .option('--overflow-stats', 'count out-of-range fixed-point stores per type (-DEDGEMOE_OVERFLOW_STATS); prints one line per type that overflowed, then `overflow total=N`')
    .option('--resize <mode>', 'fit a PNG/JPEG of another size than the model\'s: stretch (scale each axis) or letterbox (keep the aspect ratio, pad with black, centred); bilinear. Default: refuse it')
    .option('--html <file>', 'also write an HTML report of this run (routing maps, per-op error and cycle charts with --trace / --cycles, resources); self-contained, opens in any browser')
    .option('--tolerance <x>', `pass threshold on MSE / var(reference) (default ${DEFAULT_TOLERANCE}: the accuracy target of Edge-MoE's fixed-point types)`)
    .action(async (images: string[], opts: { design: string; weights: string; task: string; out?: string; jobs?: string; trace?: boolean; cycles?: boolean; overflowStats?: boolean; tolerance?: string; html?: string; resize?: string }) => {
      const tol = opts.tolerance === undefined ? DEFAULT_TOLERANCE : Number(opts.tolerance);
      if (!Number.isFinite(tol) || tol < 0) throw new UserError(`--tolerance '${opts.tolerance}': expected a number ≥ 0`);
      const jobs = opts.jobs === undefined ? defaultJobs() : Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs '${opts.jobs}': expected an integer ≥ 1`);
      const many = images.length > 1;
      // Check --out before the (possibly minutes-long) build and run, not after.
      const outs: Array<string | undefined> = images.map(() => undefined);
      if (opts.out !== undefined) {
        if (many) {
          if (!existsSync(opts.out) || !statSync(opts.out).isDirectory()) throw new UserError(`--out ${opts.out}: with several images, expected an existing directory (each image writes <stem>.npy there)`);
          const stems = images.map((i) => basename(i, extname(i)));
          const dup = stems.find((x, i) => stems.indexOf(x) !== i);
          if (dup !== undefined) throw new UserError(`--out ${opts.out}: two images have the stem '${dup}' and would write the same ${dup}.npy`);
          stems.forEach((x, i) => (outs[i] = join(opts.out!, `${x}.npy`)));
        } else {
          if (existsSync(opts.out) && statSync(opts.out).isDirectory()) throw new UserError(`--out ${opts.out}: is a directory, expected an .npy file path`);
          if (!existsSync(dirname(resolve(opts.out)))) throw new UserError(`--out ${opts.out}: directory ${dirname(opts.out)} does not exist`);
          outs[0] = opts.out;
        }
      }
      // The report's modules (charts, tables) load only when a report is asked for: csim's start-up is on every image run.
      const html = opts.html === undefined ? undefined : { path: opts.html, module: await import('../html/design-report.ts') };
      html?.module.checkHtmlPath(html.path);
      const lanes = many ? Math.min(jobs, images.length) : 1;
      const pooled = lanes > 1 && mapImages !== undefined;
      // Workers (beyond this process's lanes) start now: their start-up runs beside the reading, packing and building.
      if (pooled && lanes > LOCAL_LANES) await mapImages.warm?.(lanes, LOCAL_LANES);
      const defines = opts.overflowStats ? ['EDGEMOE_OVERFLOW_STATS'] : [];
      const design = readDesign(opts.design);
      const task = resolveTask(design.manifest.tasks, opts.task);
      const taskName = design.manifest.tasks[task]!;
      const log = (l: string) => process.stderr.write(`csim: ${l}\n`);
      const records: CsimRecord[] = [];
      let failed = 0;
      let verdict = '';
      const show = (image: string, r: CsimImageResult) => {
        if ('userError' in r) throw new UserError(r.userError);
        if (many) process.stdout.write(`== ${image}\n`);
        process.stdout.write(r.text);
        records.push(r.record);
        // Traced / counted runs are kept for `edgemoe report --html` (csim-runs/ in the design dir).
        if (opts.trace || opts.cycles) process.stdout.write(`recorded ${writeRecord(opts.design, r.record)}\n`);
        if (many) process.stdout.write(`${r.verdict}\n`);
        verdict = r.verdict;
        if (!r.passed) failed++;
      };
      const job = (image: string, i: number): CsimImageJob => ({
        design: opts.design, weights: opts.weights, task, taskName, configHash: design.manifest.configHash, image, out: outs[i],
        trace: opts.trace, cycles: opts.cycles, defines, tolerance: tol, resize: parseResize(opts.resize), setupPhases: i === 0, beside: jobs > 1,
      });
      // Read, check, build and pack once, here, before any image: lanes doing it at once would race on weights.bin and
      // the build cache. This process's image jobs use this session; a worker opens its own (cached build, fresh pack).
      await csimSessionFor(job(images[0]!, 0), log);
      if (!pooled) {
        for (const [i, image] of images.entries()) show(image, await csimImage({ ...job(image, i), log }));
      } else {
        const workers = lanes - Math.min(lanes, LOCAL_LANES);
        log(`${images.length} images, ${lanes} at a time: ${Math.min(lanes, LOCAL_LANES)} in this process${workers ? ` and ${workers} on worker process${workers === 1 ? '' : 'es'}` : ''}`);
        await mapImages(images.map(job), lanes, (i, r) => {
          log(`done ${i + 1}/${images.length} ${basename(images[i]!)}`);
          show(images[i]!, r);
        }, LOCAL_LANES);
      }
      if (html) {
        const title = many ? `edgemoe csim: ${images.length} images, task ${taskName}` : `edgemoe csim: ${basename(images[0]!)}, task ${taskName}`;
        html.module.writeHtml(html.path, await html.module.designReport(opts.design, { records, title }));
        process.stdout.write(`wrote ${html.path}\n`);
      }
      process.stdout.write(many ? `${images.length - failed}/${images.length} images pass (MSE/var ≤ ${tol})\n` : `${verdict}\n`);
      if (failed) process.exitCode = 1;
    });
}
