// `edgemoe explore`: search the hardware knobs and the activation precision of a config for the fastest (or cheapest)
// design that fits the board, check the best few by C-simulation, write the chosen config, the Pareto front as a table
// and an HTML page, and optionally a sweep dir of HLS jobs (local make or a Slurm job array).
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_PRESET, PLATFORMS, type Config, type Platform } from '../config/index.ts';
import { platformInfo } from '../build/platforms.ts';
import { UserError } from '../errors.ts';
import { nonUtf8Note } from '../io/files.ts';
import { checkPoints, type CheckImageJob, type CheckImageResult, type PointCheck } from '../explore/check.ts';
import { evaluatePoints, paretoFront, rankPoints, whyNothingFits, type EvaluatedPoint, type Objective } from '../explore/evaluate.ts';
import { explorationJson, fmtMs, formatExploration, formatNoFit, type Exploration } from '../explore/format.ts';
import { explorationHtml } from '../explore/html.ts';
import { calibrationImages } from '../explore/images.ts';
import { emitSweep } from '../explore/jobs.ts';
import { ACT16_INT_BITS, enumeratePoints, profilesOf, retarget, SKIPS, type PrecisionProfile } from '../explore/space.ts';
import { DEFAULT_TOLERANCE } from '../csim/run.ts';
import { randomWeights } from '../weights/random.ts';
import { writeSafetensors } from '../weights/index.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

interface ExploreOpts {
  preset?: string;
  config?: string;
  set?: string[];
  platform?: string;
  objective: string;
  maxUtil: string;
  images?: string[];
  weights?: string;
  task: string;
  top: string;
  tolerance: string;
  minAgreement: string;
  json?: boolean;
  out?: string;
  emitJobs?: string;
  slurmTime: string;
  slurmMem: string;
  slurmCpus: string;
  vitisSettings: string;
  jobs?: string;
}

/** Runs a point's csim images on `workers` worker processes (host/pool/map.ts, composed by bin/cli.ts). */
export type CheckImageMap = (jobs: CheckImageJob[], workers: number) => Promise<CheckImageResult[]>;

/** The seed of the random weights the csim checks use when no --weights is given (as `make demo`). */
export const EXPLORE_SEED = 1;

function number(flag: string, v: string, lo: number, hi: number, loOpen = false): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (loOpen ? x <= lo : x < lo) || x > hi) throw new UserError(`${flag} '${v}': expected a number in ${loOpen ? '(' : '['}${lo}, ${hi}]`);
  return x;
}

function integer(flag: string, v: string, lo: number, hi: number): number {
  const x = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(x) || x < lo || x > hi) throw new UserError(`${flag} '${v}': expected an integer in ${lo}..${hi}`);
  return x;
}

/** Writes a file through a temporary name. */
function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** `section` with a null for every key of `base` it lacks, at every depth of plain objects: what "extends" then
 *  removes (a bundle merged away for four weight ports, a precision pattern the profile drops). */
function withRemovals(section: unknown, base: unknown): unknown {
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(section) || !obj(base)) return section;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section)) out[k] = withRemovals(v, base[k]);
  for (const k of Object.keys(base)) if (!(k in section)) out[k] = null;
  return out;
}

/** The chosen point as a config that extends the input: its hardware section, plus any section --set changed; keys of
 *  the input (`base`, the resolved input config) the chosen config lacks are written as null (removed). */
export function chosenConfigJson(opts: Pick<ExploreOpts, 'preset' | 'config' | 'set'>, chosen: Config, outDir: string, pointId: string, profile: PrecisionProfile = 'own', base?: Config): object {
  const ext = opts.config ? relative(outDir, resolve(opts.config)) : (opts.preset ?? DEFAULT_PRESET);
  const touched = new Set((opts.set ?? []).map((s) => s.split('.')[0]!.trim()));
  const json: Record<string, unknown> = { extends: ext, name: `${chosen.name}-${pointId}` };
  if (touched.has('model')) json.model = chosen.model;
  if (touched.has('precision') || profile !== 'own') json.precision = withRemovals(chosen.precision, base?.precision);
  json.hardware = withRemovals(chosen.hardware, base?.hardware);
  return json;
}

/** Progress on stderr: one line rewritten on a terminal, a line per quarter otherwise. */
function progress(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let shown = -1;
  return (done, total) => {
    if (tty) {
      process.stderr.write(`\r${label} ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const q = Math.floor((4 * done) / total);
    if (q !== shown) {
      shown = q;
      process.stderr.write(`${label} ${done}/${total}\n`);
    }
  };
}

async function explore(opts: ExploreOpts, mapImages?: CheckImageMap): Promise<void> {
  const t0 = performance.now();
  const log = (l: string) => process.stderr.write(`${l}\n`);
  // Ctrl-C: stop at once (the csim children get the same SIGINT from the terminal); files are written atomically.
  process.once('SIGINT', () => process.exit(130));
  const objective = opts.objective as Objective;
  if (!['latency', 'dsp'].includes(objective)) throw new UserError(`--objective '${opts.objective}': expected latency or dsp`);
  if (opts.platform !== undefined && !(PLATFORMS as readonly string[]).includes(opts.platform)) throw new UserError(`--platform '${opts.platform}': expected one of ${PLATFORMS.join(', ')}`);
  const maxUtil = number('--max-util', opts.maxUtil, 0, 1, true);
  const top = integer('--top', opts.top, 0, 64);
  const tolerance = number('--tolerance', opts.tolerance, 0, Infinity);
  const minAgreement = number('--min-agreement', opts.minAgreement, 0, 1);
  const slurmCpus = integer('--slurm-cpus', opts.slurmCpus, 1, 256);
  const jobs = opts.jobs === undefined ? availableParallelism() : integer('--jobs', opts.jobs, 1, 256);
  if (!/^[0-9][0-9:-]*$/.test(opts.slurmTime)) throw new UserError(`--slurm-time '${opts.slurmTime}': expected a Slurm time such as 4:00:00 or 1-00:00:00`);
  if (!/^[0-9]+[KMGT]?$/.test(opts.slurmMem)) throw new UserError(`--slurm-mem '${opts.slurmMem}': expected a Slurm memory size such as 16G`);
  // The starting point need not fit the board: every point is checked against it under --max-util below.
  const base0 = configFromOptions(opts, undefined, { boardFit: false });
  const base = opts.platform ? retarget(base0, opts.platform as Platform) : base0;
  const board = platformInfo(base.hardware.platform);
  const outDir = resolve(opts.out ?? join('hls-out', `${base.name}-explore`));
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UserError(`--out ${opts.out}: is a file, expected a directory`);
  // Bad inputs of the csim checks fail now, not after the search.
  const images = top > 0 ? (opts.images?.length ? opts.images : calibrationImages(base.model.image)) : [];
  for (const im of images) if (!existsSync(im)) throw new UserError(`--images: cannot read ${im}: no such file${nonUtf8Note(im)}`);
  if (opts.weights !== undefined && !existsSync(opts.weights)) throw new UserError(`--weights ${opts.weights}: no such file${nonUtf8Note(opts.weights)}`);

  const { points, rejected, skipped } = enumeratePoints(base);
  log(`explore: ${base.name} on ${board.board}: ${points.length + rejected + skipped} grid points (precision ${profilesOf(base).join(', ')}), ${rejected} rejected by the config rules${skipped ? `, ${skipped} skipped (${SKIPS.map((r) => r.why).join('; ')})` : ''}; estimating ${points.length}`);
  const evaluated = evaluatePoints(points, { maxUtil, progress: progress('explore: estimated') });
  const ranked = rankPoints(evaluated, objective);
  if (!ranked.length) throw new UserError(formatNoFit(base.name, board.board, maxUtil, whyNothingFits(evaluated), evaluated.length));
  const front = paretoFront(evaluated);
  log(`explore: ${ranked.length} points fit, ${front.length} on the Pareto front; best ${ranked[0]!.id} at ${fmtMs(ranked[0]!.latency!.ms)} ms modelled (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  if (opts.emitJobs) {
    const chosenForJobs: EvaluatedPoint[] = [...new Set([...front, ...ranked.slice(0, top)])];
    const m = emitSweep(opts.emitJobs, base.name, board.id, chosenForJobs, { time: opts.slurmTime, mem: opts.slurmMem, cpus: slurmCpus, settings: opts.vitisSettings }, log);
    log(`explore: wrote a sweep of ${m.points.length} points to ${opts.emitJobs} (make -j 2, or sbatch sweep.sbatch; then edgemoe sweep gather ${opts.emitJobs})`);
  }

  mkdirSync(outDir, { recursive: true });
  let checks: PointCheck[] = [];
  // The best --top, plus the best point of each precision profile not among them: a point of lower precision only
  // wins when its csim passes, and the best of the base precision is there to fall back on. In rank order.
  const checkSet = new Set(ranked.slice(0, top));
  if (top > 0) for (const prof of profilesOf(base)) if (![...checkSet].some((p) => p.knobs.precision === prof)) {
    const best = ranked.find((p) => p.knobs.precision === prof);
    if (best) checkSet.add(best);
  }
  const toCheck = ranked.filter((p) => checkSet.has(p));
  if (toCheck.length) {
    let weights = opts.weights;
    if (!weights) {
      weights = join(outDir, `weights-seed${EXPLORE_SEED}.safetensors`);
      if (!existsSync(weights)) writeSafetensors(weights, randomWeights(base, EXPLORE_SEED), { format: 'pt', config: base.name, seed: String(EXPLORE_SEED), producer: 'edgemoe explore (random weights)' });
    }
    // Several images: each point's images spread over worker processes; otherwise two points at a time.
    const workers = Math.min(jobs, images.length);
    const pooled = mapImages && workers > 1 ? (list: CheckImageJob[]) => mapImages(list, workers) : undefined;
    log(`explore: C-simulating the best ${toCheck.length} on ${images.length} image${images.length === 1 ? '' : 's'} (${pooled ? `one point at a time, its images on ${workers} processes` : 'two points at a time'})`);
    checks = await checkPoints(toCheck, { designsDir: join(outDir, 'designs'), weights, images, task: opts.task, tolerance, minAgreement, mapImages: pooled, log: (l) => log(`explore: ${l}`) });
  }
  const passed = new Set(checks.filter((c) => c.passed).map((c) => c.id));
  const chosen = toCheck.length ? (toCheck.find((p) => passed.has(p.id)) ?? null) : ranked[0]!;
  const x: Exploration = {
    name: base.name,
    platform: board,
    objective,
    maxUtil,
    counts: { grid: points.length + rejected + skipped, rejected, skipped, evaluated: points.length, fitting: ranked.length },
    ranked,
    front,
    checks,
    chosen,
    images,
    tolerance,
    minAgreement,
  };
  const htmlFile = join(outDir, 'explore.html');
  const command = `edgemoe explore ${process.argv.slice(3).join(' ')}`.trim();
  writeAtomic(htmlFile, await explorationHtml(x, command));
  let chosenFile: string | null = null;
  if (chosen) {
    chosenFile = join(outDir, `${base.name}-${chosen.id}.json`);
    writeAtomic(chosenFile, `${JSON.stringify(chosenConfigJson(opts, chosen.config, outDir, chosen.id, chosen.knobs.precision, base0), null, 2)}\n`);
  }
  const rel = (f: string) => relative(process.cwd(), f) || '.';
  if (opts.json) process.stdout.write(`${JSON.stringify(explorationJson(x, chosenFile && rel(chosenFile), rel(htmlFile)), null, 2)}\n`);
  else {
    process.stdout.write(formatExploration(x));
    const l = chosen?.latency;
    if (chosen && l) process.stdout.write(`chosen: ${chosen.id}, ${fmtMs(l.ms)} ms modelled (binding, upper; ${fmtMs(l.msLow)} lower), limited by ${l.limitedBy}; highest utilisation ${chosen.binding} ${(chosen.util[chosen.binding] * 100).toFixed(0)}%; config ${rel(chosenFile!)}\n`);
    process.stdout.write(`page: ${rel(htmlFile)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  if (!chosen) throw new UserError(`explore: none of the ${checks.length} checked points met the accuracy bound (MSE/var ≤ ${tolerance}, top-k agreement ≥ ${minAgreement}); no config written`, 1);
}

/** Registers `edgemoe explore`. */
export function register(program: Command, mapImages?: CheckImageMap): void {
  withConfigOptions(
    program
      .command('explore')
      .summary('search hardware and precision for the best fit')
      .description(
        `search the hardware options and precision of a config (linear tile in × out, attention parallelism P (the powers of two up to 32 plus, for the model's token count, the smallest P of each attention pass count: 1..13, 15, 16, 19, 22, 26, 32 for 129 tokens), AXI width, weight ports 1, 2 or 4 (with the activation bundles merged where the board has too few free memory ports, split for the least modelled latency), the patch embedding's unit, and the precision: the config's own, its activations as ap_fixed<16,${ACT16_INT_BITS}> rounded to nearest, or the -w8 preset's 8-bit per-channel weights (GPTQ-rounded when packed for the check) with 16-bit activations; w8 with the patch embedding on the linear unit is skipped (too coarse); exhaustive over a bounded grid; the exp / reciprocal units follow P and the heads, one per head per attention stage, so they are no separate knob) with the estimator, keep the points that fit the board under --max-util of every resource, rank them, C-simulate the best --top (plus the best point of each precision not among them) on calibration images against the float reference (MSE/var, cosine, top-k routing agreement; the best-ranked point within --tolerance and --min-agreement is chosen, so a lower precision only wins when its csim passes), print the Pareto front (latency vs DSP) and write it as an HTML page, with the chosen config (it extends the input). --emit-jobs writes a sweep dir of HLS jobs (Makefile for make -j N, Slurm job array sweep.sbatch)`,
      ),
  )
    .addOption(new Option('--platform <board>', 'explore for another board (its part; everything else of the config kept)').choices([...PLATFORMS]))
    .addOption(new Option('--objective <what>', 'rank by modelled latency or by DSPs').choices(['latency', 'dsp']).default('latency'))
    .option('--max-util <x>', 'largest usable fraction of every resource (DSP, BRAM36, URAM, LUT, FF)', '0.9')
    .option('--images <file...>', "calibration images for the csim checks (default: the shipped photographs of the model's input size, test/fixtures/images)")
    .option('-w, --weights <file>', `float weights for the csim checks (default: seeded random weights, seed ${EXPLORE_SEED}, written to the --out dir)`)
    .option('-t, --task <task>', 'task index or name of the csim checks', '0')
    .option('--top <k>', 'how many of the best points to C-simulate (0: none; the best of each precision not among them is checked too); with --emit-jobs they join the Pareto front in the sweep', '3')
    .option('--tolerance <x>', 'largest MSE/var of a checked point', String(DEFAULT_TOLERANCE))
    .option('--min-agreement <x>', 'smallest fraction of tokens routed to the reference\'s top-k experts', '0.97')
    .option('--json', 'print JSON instead of the table')
    .option('-o, --out <dir>', 'where the page, the chosen config, the checked designs and the seeded weights go (default: hls-out/<config name>-explore)')
    .option('--emit-jobs <dir>', 'also write a sweep dir: one design per point of the Pareto front and the --top best, a Makefile (make -j N) and a Slurm job array (sweep.sbatch)')
    .option('--slurm-time <t>', 'time request of each Slurm array task', '4:00:00')
    .option('--slurm-mem <m>', 'memory request of each Slurm array task', '16G')
    .option('--slurm-cpus <n>', 'CPUs of each Slurm array task', '2')
    .option('--vitis-settings <file>', 'the Vitis settings script each sweep job sources first (empty: vitis_hls is on PATH)', '')
    .option('-j, --jobs <n>', `processes for a checked point's images: this one and N−1 workers (default: one per core, ${availableParallelism()} here)`)
    .action((opts: ExploreOpts) => explore(opts, mapImages));
}
