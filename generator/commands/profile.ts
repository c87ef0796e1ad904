// `edgemoe profile`: ranges of every weight tensor, activation and gate over calibration images against the configured
// types (table, JSON, HTML), and `--propose`: a config with per-tensor integer bits from those ranges.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { resolveTask } from '../config/task.ts';
import { UserError } from '../errors.ts';
import { fsErrorReason, writeFileAtomic } from '../io/files.ts';
import { inputPipeline } from '../config/input.ts';
import { loadImage, parseResize } from '../io/image.ts';
import { loadStateDict } from '../pack/pack.ts';
import { buildPlan } from '../plan/index.ts';
import { profileHtml } from '../profile/html.ts';
import { profileFromParts, profileModel, type CalibrationImage } from '../profile/profile.ts';
import { partFromJson, type ProfileImageJob, type ProfileImageResult } from '../profile/image-job.ts';
import { parseWidths, proposeConfig } from '../profile/propose.ts';
import { formatProfile, rangeWarnings } from '../profile/report.ts';
import { checkWeights } from '../weights/check.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

const IMAGE_EXT = /\.(png|jpe?g|npy)$/i;
/** The project's photographs (test/fixtures/images), used when no --images are given. */
const FIXTURE_IMAGES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'images');

interface ProfileOptions {
  preset?: string;
  config?: string;
  set?: string[];
  weights: string;
  images?: string[];
  resize?: string;
  task?: string;
  out?: string;
  json?: boolean;
  html?: string;
  propose?: string;
  headroom: string;
  widths?: string;
  jobs?: string;
}

/** The image files named by --images (files, or directories of PNG/JPEG/.npy files), in order, sorted per directory. */
export function imageFiles(args: readonly string[] | undefined, shape: readonly [number, number, number], flag = '--images'): string[] {
  if (!args || args.length === 0) {
    const size = `-${shape[2]}x${shape[1]}.png`;
    const found = readdirSync(FIXTURE_IMAGES).filter((f) => f.endsWith(size)).sort().map((f) => join(FIXTURE_IMAGES, f));
    if (found.length === 0) throw new UserError(`no --images given and the project has no photograph of the config's size ${shape[2]}x${shape[1]}: give --images DIR or FILES…`);
    return found;
  }
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch (e) {
      throw new UserError(`${flag} ${a}: ${fsErrorReason(e)}`);
    }
    if (!st.isDirectory()) {
      out.push(a);
      continue;
    }
    const files = readdirSync(a).filter((f) => IMAGE_EXT.test(f)).sort();
    if (files.length === 0) throw new UserError(`${flag} ${a}: the directory has no PNG, JPEG or .npy images`);
    out.push(...files.map((f) => join(a, f)));
  }
  return out;
}

/** Registers `edgemoe profile`. */
/** Runs the calibration images on worker processes (host/pool/map.ts, composed by bin/commands.ts), results in order. */
export type ProfileImageMap = ((jobs: ProfileImageJob[], workers: number, onResult: (i: number, r: ProfileImageResult) => void) => Promise<ProfileImageResult[]>) & {
  /** Starts the worker processes now, so their start-up runs beside this command's own loading of weights and images. */
  warm?: (workers: number) => Promise<void>;
};

export function register(program: Command, mapImages?: ProfileImageMap): void {
  withConfigOptions(
    program
      .command('profile')
      .summary('ranges of weights and activations vs types')
      .description(
        "run the float reference over calibration images and report, per packed weight tensor and per op output, the observed range (min/max, |v| quantiles), the integer bits it needs and how it sits in its configured type (overflow, unused integer bits, resolution), and per MoE block the gap between the k-th and (k+1)-th gate logit; a warning (exit 0) for every type too narrow for what was observed",
      ),
  )
    .requiredOption('-w, --weights <file>', 'float weights (.safetensors, .pth or sharded dir)')
    .option('--images <paths...>', "calibration images: files (PNG/JPEG/.npy of the config's size) or directories of them (default: the project's photographs of that size)")
    .option('--resize <mode>', 'fit a PNG/JPEG of another size than the model\'s: stretch (scale each axis) or letterbox (keep the aspect ratio, pad with black, centred); bilinear. Default: refuse it')
    .option('-t, --task <tasks>', 'task indices or names, comma-separated (default: every task)')
    .option('-o, --out <file>', 'write the profile as JSON')
    .option('--json', 'print the profile as JSON instead of the tables')
    .option('-j, --jobs <n>', `processes for several images: this one and N−1 workers (default: one per core, ${availableParallelism()} here); the result is the same bit for bit`)
    .option('--html <file>', 'write one self-contained HTML page: the numerical-profile charts and tables')
    .option('--propose <file>', 'write a config that extends this one with per-tensor integer bits from the observed weight ranges (+ --headroom), rounded to nearest and saturated')
    .option('--headroom <bits>', 'integer bits added to each proposed type', '0')
    .option('--widths <cls=W,...>', 'stored width per class for --propose, e.g. linearWeight=8 (default: unchanged)')
    .action(async (opts: ProfileOptions) => {
      const config = configFromOptions(opts);
      const plan = buildPlan(config);
      const widths = parseWidths(opts.widths);
      const headroom = Number(opts.headroom);
      const tasks = opts.task === undefined ? config.model.tasks.map((_, i) => i) : opts.task.split(',').map((t) => resolveTask(config.model.tasks, t.trim()));
      const files = imageFiles(opts.images, config.model.image);
      const jobs = opts.jobs === undefined ? availableParallelism() : Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs '${opts.jobs}': expected an integer ≥ 1`);
      const workers = Math.min(jobs, files.length);
      if (mapImages && workers > 1) await mapImages.warm?.(workers);
      const sd = loadStateDict(opts.weights);
      checkWeights(config, sd, `weights ${opts.weights}`);
      // The model's input, as the reference sees it: the config's pixel divisor and mean/std applied.
      const resize = parseResize(opts.resize);
      const images: CalibrationImage[] = files.map((f) => ({ name: basename(f), values: loadImage(f, inputPipeline(config.model), { resize }) }));
      const progress = (done: number, total: number, what: string) => process.stderr.write(`profile: ${done}/${total} ${what}\n`);
      let result;
      if (mapImages && workers > 1) {
        // Each image (all its tasks) in a worker process; the parts merge in image order, as one process adds them.
        process.stderr.write(`profile: ${files.length} images on ${workers} processes\n`);
        const list = files.map((image) => ({ preset: opts.preset, config: opts.config, set: opts.set, weights: opts.weights, image, resize, tasks }));
        const got = await mapImages(list, workers, (i) => progress((i + 1) * tasks.length, files.length * tasks.length, `${basename(files[i]!)} (${tasks.length} task${tasks.length === 1 ? '' : 's'})`));
        const parts = got.flatMap((r) => {
          if ('userError' in r) throw new UserError(r.userError);
          return r.parts.map(partFromJson);
        });
        result = profileFromParts(config, plan, sd, images.map((i) => i.name), tasks, parts);
      } else {
        result = profileModel(config, plan, sd, images, tasks, progress);
      }
      const warn = rangeWarnings(result);
      const proposal = opts.propose
        ? proposeConfig(config, plan, result, { extendsFrom: opts.config ? resolve(opts.config) : (opts.preset ?? config.name), name: `${config.name}-auto`, headroom, widths })
        : undefined;
      const html = opts.html ? await profileHtml(result) : undefined;
      const enc = (s: string) => new TextEncoder().encode(s);
      if (opts.out) writeFileAtomic(opts.out, [enc(`${JSON.stringify(result, null, 2)}\n`)]);
      if (html !== undefined) writeFileAtomic(opts.html!, [enc(html)]);
      if (proposal) writeFileAtomic(opts.propose!, [enc(`${JSON.stringify(proposal, null, 2)}\n`)]);
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatProfile(result));
      if (warn) process.stderr.write(warn);
      for (const [what, f] of [['profile', opts.out], ['HTML report', opts.html], ['proposed config', opts.propose]] as const) if (f) process.stderr.write(`wrote ${what} ${f}\n`);
    });
}
