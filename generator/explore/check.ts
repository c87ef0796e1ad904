// The accuracy check of the best points: each point's design generated, C-simulated on the calibration images and
// compared with the float reference (MSE/var, cosine, and how many tokens the kernel routes to the same top-k experts).
// A point's images run one after another (they share its compiled testbench); two points run at once, each csim
// being a g++ build and a testbench child process, so both cores work.
import { join } from 'node:path';
import { emitDesign } from '../emit/emit.ts';
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
  /** Points C-simulated at once. */
  parallel?: number;
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

async function checkPoint(p: DesignPoint, o: CheckOptions): Promise<PointCheck> {
  const log = o.log ?? (() => {});
  const dir = emitDesign(p.config, join(o.designsDir, p.id)).dir;
  const images: ImageCheck[] = [];
  let agree = 0;
  let tokens = 0;
  for (const image of o.images) {
    const r = await runCsim({ design: dir, weights: o.weights, task: o.task, image, trace: true, tolerance: o.tolerance });
    let a = 0;
    let n = 0;
    for (const b of r.routing) {
      a += b.tokens - b.differ.length;
      n += b.tokens;
    }
    agree += a;
    tokens += n;
    images.push({ image, relMse: r.final.relMse, cosine: r.final.cosine, topkAgreement: n ? a / n : 1 });
    log(`csim ${p.id} ${image}: MSE/var ${r.final.relMse.toExponential(2)}, cosine ${r.final.cosine.toFixed(5)}, top-k ${n ? `${a}/${n}` : 'no MoE'}`);
  }
  const relMse = Math.max(...images.map((x) => x.relMse));
  const cosine = Math.min(...images.map((x) => x.cosine));
  const topkAgreement = tokens ? agree / tokens : 1;
  return { id: p.id, images, relMse, cosine, topkAgreement, passed: relMse <= o.tolerance && topkAgreement >= o.minAgreement };
}

/** C-simulates each point on every image; `parallel` (default 2) points at once. */
export function checkPoints(points: readonly DesignPoint[], o: CheckOptions): Promise<PointCheck[]> {
  return mapLimit(points, o.parallel ?? 2, (p) => checkPoint(p, o));
}
