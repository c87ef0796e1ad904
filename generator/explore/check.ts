// The accuracy check of the best points: each point's design generated, C-simulated on the calibration images and
// compared with the float reference (MSE/var, cosine, and how many tokens the kernel routes to the same top-k experts).
// Without an image pool a point's images run one after another (they share its compiled testbench) and two points
// run at once, each csim being a g++ build and a testbench child process, so both cores work. With one (mapImages,
// the CLI's worker processes) the points go one at a time, built and packed first, and their images spread over it.
import { join, resolve } from 'node:path';
import { emitDesign } from '../emit/emit.ts';
import { buildCsim } from '../csim/build.ts';
import { readDesign } from '../emit/design.ts';
import { isUserError, UserError } from '../errors.ts';
import { loadStateDict, packDesign, packStaleness } from '../pack/pack.ts';
import { calibrate, type Calibration } from '../pack/calibration-set.ts';
import { outOfRangeWarning } from '../pack/report.ts';
import { runCsim } from '../csim/run.ts';
import type { DesignPoint } from './space.ts';

export interface ImageCheck {
  image: string;
  relMse: number;
  cosine: number;
  /** Tokens routed to the reference's expert set / tokens, over every MoE block (1 without MoE blocks). */
  topkAgreement: number;
}

export interface PointCheck {
  id: string;
  images: ImageCheck[];
  /** Worst over the images: largest MSE/var, smallest cosine; agreement pooled over every token of every image. */
  relMse: number;
  cosine: number;
  topkAgreement: number;
  passed: boolean;
}

export interface CheckOptions {
  /** Designs go to designsDir/<point id>. */
  designsDir: string;
  weights: string;
  images: readonly string[];
  task: string | number;
  tolerance: number;
  minAgreement: number;
  /** Points C-simulated at once (default 2; 1 with mapImages). */
  parallel?: number;
  /** Runs one point's images at once (checkImage in worker processes), results in image order. */
  mapImages?: (jobs: CheckImageJob[]) => Promise<CheckImageResult[]>;
  log?: (line: string) => void;
}

/** Runs `f` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One image of a point's check (a pool job: JSON in and out). */
export interface CheckImageJob {
  design: string;
  weights: string;
  image: string;
  task: string | number;
  tolerance: number;
}
export type CheckImageResult = { relMse: number; cosine: number; agree: number; tokens: number } | { userError: string };

/** C-simulates one image of a point with a trace; the tokens routed as in the reference over every MoE block. */
export async function checkImage(j: CheckImageJob): Promise<CheckImageResult> {
  try {
    const r = await runCsim({ design: j.design, weights: j.weights, task: j.task, image: j.image, trace: true, tolerance: j.tolerance });
    let agree = 0;
    let tokens = 0;
    for (const b of r.routing) {
      agree += b.tokens - b.differ.length;
      tokens += b.tokens;
    }
    return { relMse: r.final.relMse, cosine: r.final.cosine, agree, tokens };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}

/** GPTQ statistics by weights file and model + precision: the float reference's layer inputs on the shipped
 *  calibration set depend on neither the hardware knobs nor the layout, so the w8 points of one run share them
 *  (packDesign would collect them again for every point: 4 images × every task of the float model). */
const calibrations = new Map<string, Calibration>();

/** Packs a point's weights as `pack` does for its config (GPTQ on the shipped calibration set when the config asks for
 *  it), with the statistics of an earlier point of the same model and precision. */
function packPoint(dir: string, weights: string, log: (l: string) => void): void {
  const design = readDesign(dir);
  if (!packStaleness(design, weights)) return;
  const c = design.config;
  const sd = loadStateDict(weights);
  let calibration: Calibration | undefined;
  if (c.precision.linearWeight.gptq) {
    const key = JSON.stringify([resolve(weights), c.model, c.precision]);
    calibration = calibrations.get(key);
    if (!calibration) {
      log(`GPTQ statistics of ${c.name} on the shipped calibration set (once per model and precision)`);
      calibrations.set(key, (calibration = calibrate(c, sd)));
    }
  }
  // As csim does when it packs: values the types cannot hold are named (they saturate or wrap).
  const warning = outOfRangeWarning(packDesign(design, weights, undefined, sd, calibration).tensors);
  if (warning) log(warning.trimEnd());
}

async function checkPoint(p: DesignPoint, o: CheckOptions): Promise<PointCheck> {
  const log = o.log ?? (() => {});
  const dir = emitDesign(p.config, join(o.designsDir, p.id)).dir;
  const jobs = o.images.map((image) => ({ design: dir, weights: o.weights, image, task: o.task, tolerance: o.tolerance }));
  // Packed here, not by csim: the workers would race on weights.bin, and the GPTQ statistics are shared.
  packPoint(dir, o.weights, log);
  let results: CheckImageResult[];
  if (o.mapImages) {
    // Built once here: the workers would race on the build cache.
    await buildCsim(dir, { kind: 'exe', defines: ['EDGEMOE_TRACE'] });
    results = await o.mapImages(jobs);
  } else {
    results = [];
    for (const j of jobs) results.push(await checkImage(j));
  }
  const images: ImageCheck[] = [];
  let agree = 0;
  let tokens = 0;
  results.forEach((r, i) => {
    if ('userError' in r) throw new UserError(r.userError);
    const image = o.images[i]!;
    agree += r.agree;
    tokens += r.tokens;
    images.push({ image, relMse: r.relMse, cosine: r.cosine, topkAgreement: r.tokens ? r.agree / r.tokens : 1 });
    log(`csim ${p.id} ${image}: MSE/var ${r.relMse.toExponential(2)}, cosine ${r.cosine.toFixed(5)}, top-k ${r.tokens ? `${r.agree}/${r.tokens}` : 'no MoE'}`);
  });
  const relMse = Math.max(...images.map((x) => x.relMse));
  const cosine = Math.min(...images.map((x) => x.cosine));
  const topkAgreement = tokens ? agree / tokens : 1;
  return { id: p.id, images, relMse, cosine, topkAgreement, passed: relMse <= o.tolerance && topkAgreement >= o.minAgreement };
}

/** C-simulates each point on every image; `parallel` (default 2) points at once. */
export function checkPoints(points: readonly DesignPoint[], o: CheckOptions): Promise<PointCheck[]> {
  return mapLimit(points, o.parallel ?? (o.mapImages ? 1 : 2), (p) => checkPoint(p, o));
}
