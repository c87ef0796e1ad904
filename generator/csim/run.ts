// `edgemoe csim`: build the testbench, pack weights when needed, run one image, compare with the float reference.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execGroup, removeOnInterrupt } from '../interrupt.ts';
import { readDesign, type Design } from '../emit/design.ts';
import { canonicalJson } from '../emit/hash.ts';
import { UserError } from '../errors.ts';
import { inputPipeline } from '../config/input.ts';
import { loadImage, loadImageBytes, type ResizeMode } from '../io/image.ts';
import { writeNpy } from '../io/npy.ts';
import { packDesign, packHashesAhead, packStaleness } from '../pack/pack.ts';
import { outOfRangeWarning } from '../pack/report.ts';
import { buildPlan, planToManifest, routeLayout, type Plan, type PlanOp } from '../plan/index.ts';
import { runReference, runReferenceYielding } from '../reference/model.ts';
import { loadWeights } from '../weights/load.ts';
import { checkWeights } from '../weights/check.ts';
import { buildCsim, compilerVersion } from './build.ts';
import { compareArrays, type Comparison } from '../reference/compare.ts';
import { comparableOps, decodeActivations, parseTrace } from './trace.ts';
import { compareRouting, decodeRouting, referenceRouting, type RoutingReport } from './routing.ts';
import { asF64, type Tensor, type TensorMap } from '../tensor.ts';
import { cycleReport, parseCycles, queueLengths, referenceQueueLengths, type CycleReport } from './cycles.ts';
import { resolveTask as resolveTaskOf } from '../config/task.ts';

/** Default pass threshold on MSE/var(reference): the Edge-MoE types' accuracy target for the whole backbone. */
export const DEFAULT_TOLERANCE = 1e-3;

export interface CsimOptions {
  design: string;
  weights: string;
  /** Task index or name. */
  task: string | number;
  image: string;
  /** Where to write the output as float32 [tokens, dim] .npy. */
  out?: string;
  /** Per-op comparison (builds with -DEDGEMOE_TRACE). */
  trace?: boolean;
  tolerance?: number;
  /** Count pipelined iterations per op (builds with -DEDGEMOE_COUNT_CYCLES) and set them beside the estimate. */
  cycles?: boolean;
  /** Extra build defines, e.g. EDGEMOE_OVERFLOW_STATS (the testbench prints its report). */
  defines?: string[];
  /** How a photograph of another size is fitted (default: refused). */
  resize?: ResizeMode;
  /** Progress lines (phase name and seconds). */
  log?: (line: string) => void;
}

/** One op's error against the reference trace. */
export interface OpError extends Comparison {
  id: number;
  op: string;
  trace: string;
}

export interface CsimResult {
  task: number;
  output: Float32Array;
  shape: [number, number];
  final: Comparison;
  ops: OpError[];
  /** With trace: per MoE block, the kernel's top-k routing against the reference's. */
  routing: RoutingReport[];
  /** Each phase's wall seconds; `beside`: it ran during that other phase (its time is in that one's too). */
  phases: Array<{ phase: string; seconds: number; beside?: string }>;
  tolerance: number;
  passed: boolean;
  /** Whether weights were (re)packed, and why. */
  packed: string;
  /** The out-of-range warning of that packing ('' when none or not packed). */
  packWarning: string;
  /** With cycles (or an EDGEMOE_COUNT_CYCLES define): counted vs estimated iterations per op. */
  cycles: CycleReport | null;
  /** The testbench's stdout without its `cycles` lines (those are in `cycles`). */
  stdout: string;
}

/** The task index named by `task` (an index or a task name of the design). */
export function resolveTask(design: Design, task: string | number): number {
  return resolveTaskOf(design.manifest.tasks, task);
}

/** The plan of a design, checked against its design.json (the sources on disk must come from this generator). */
export function designPlan(design: Design): Plan {
  const plan = buildPlan(design.config);
  const fresh = planToManifest(plan, design.manifest.configHash);
  if (canonicalJson(fresh) !== canonicalJson(design.manifest)) {
    throw new UserError(`${design.dir} does not match what this edgemoe generates from its config.json (a design.json and config.json that do not belong together, or a design from another edgemoe version); regenerate it with \`edgemoe gen\``);
  }
  return plan;
}

/** What every image of one csim command shares: read, checked, built and packed once. */
export interface CsimSession {
  design: Design;
  plan: Plan;
  task: number;
  /** The float weights (the reference's), checked against the config. */
  sd: TensorMap;
  exe: string;
  trace: boolean;
  counting: boolean;
  tolerance: number;
  /** The set-up's phases (compile, and pack when it packed): shown with the first image. */
  phases: Array<{ phase: string; seconds: number }>;
  packed: string;
  packWarning: string;
}

type PhaseRunner = <T>(name: string, f: () => T | Promise<T>, note?: (r: T) => string) => Promise<T>;

/** A phase timer that logs `name seconds` (and every 10 s while a child process keeps it waiting) into `phases`. */
function phaseRunner(phases: Array<{ phase: string; seconds: number }>, log: (line: string) => void): PhaseRunner {
  return async (name, f, note) => {
    const t0 = performance.now();
    const timer = setInterval(() => log(`${name.padEnd(9)} … ${Math.round((performance.now() - t0) / 1000)} s so far`), 10_000);
    timer.unref();
    let r;
    try {
      r = await f();
    } finally {
      clearInterval(timer);
    }
    const seconds = (performance.now() - t0) / 1000;
    phases.push({ phase: name, seconds });
    const extra = note ? note(r) : '';
    log(`${name.padEnd(9)} ${seconds.toFixed(2).padStart(7)} s${extra ? `  ${extra}` : ''}`);
    return r;
  };
}

/** Reads, checks, builds and (when stale) packs once for every image to come: all but the image of CsimOptions. */
export async function openCsimSession(o: Omit<CsimOptions, 'image' | 'out' | 'resize'>): Promise<CsimSession> {
  const log = o.log ?? (() => {});
  const phases: CsimSession['phases'] = [];
  const phase = phaseRunner(phases, log);
  const tolerance = o.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0)) throw new UserError(`--tolerance must be a number ≥ 0 (got ${o.tolerance})`);
  const design = readDesign(o.design);
  // The packed image's and the source's hashes and `g++ --version` run on other threads / a child process while this
  // one plans and loads the weights.
  const hashes = packHashesAhead(design, o.weights);
  void compilerVersion();
  const plan = designPlan(design);
  const task = resolveTask(design, o.task);
  // Bad weights fail here, before a compile.
  const sd = loadWeights(o.weights).tensors;
  checkWeights(design.config, sd, `weights ${o.weights}`);

  const defines = [...new Set([...(o.defines ?? []), ...(o.cycles ? ['EDGEMOE_COUNT_CYCLES'] : []), ...(o.trace ? ['EDGEMOE_TRACE'] : [])])];
  let compiled = 0;
  const exe = await phase(
    'compile',
    () => buildCsim(design.dir, { kind: 'exe', defines, onCompile: (src) => (compiled++ === 0 ? log(`compile   g++ ${basename(src)}… (a cold build takes a few seconds per source)`) : log(`compile   g++ ${basename(src)}…`)) }),
    () => (compiled ? `${compiled} source${compiled === 1 ? '' : 's'} compiled` : 'cached'),
  );
  const reason = packStaleness(design, o.weights, await hashes);
  let packed = '';
  let packWarning = '';
  if (reason) {
    const r = await phase('pack', () => packDesign(design, o.weights, undefined, sd), (p) => `${reason}: packed ${p.tensors.length} tensors`);
    packed = reason;
    packWarning = outOfRangeWarning(r.tensors);
    if (packWarning) log(packWarning.trimEnd());
  }
  return { design, plan, task, sd, exe, trace: !!o.trace, counting: defines.includes('EDGEMOE_COUNT_CYCLES'), tolerance, phases, packed, packWarning };
}

let runDirs = 0;

/** Runs one image through the C-simulated design and the float reference. */
export async function runCsim(o: CsimOptions): Promise<CsimResult> {
  const session = await openCsimSession(o);
  const r = await csimInSession(session, o);
  return { ...r, phases: [...session.phases, ...r.phases] };
}

/** One image of a session. */
export interface CsimImageOptions {
  image: string;
  out?: string;
  resize?: ResizeMode;
  /** Compute the reference while the testbench runs (two cores at work); not with trace, which compares the dumps. */
  beside?: boolean;
  log?: (line: string) => void;
}

/**
 * Runs one image in a session: its testbench (a child process) and its float reference. The result's phases are this
 * image's own (csim, reference); `packed` and `packWarning` are the session's.
 */
export async function csimInSession(session: CsimSession, o: CsimImageOptions): Promise<CsimResult> {
  const log = o.log ?? (() => {});
  const phases: CsimResult['phases'] = [];
  const phase = phaseRunner(phases, log);
  const { design, plan, task, sd, exe, trace, counting, tolerance, packed, packWarning } = session;
  const input = inputPipeline(design.config.model);
  const pixels = loadImageBytes(o.image, input, { resize: o.resize });
  const imageF = loadImage(o.image, input, { resize: o.resize });
  // Two images of one process may run at once: the counter keeps their run dirs apart.
  const tmp = join(design.dir, '.build', `run-${process.pid}-${Date.now().toString(36)}-${runDirs++}`);
  mkdirSync(tmp, { recursive: true });
  const offTmp = removeOnInterrupt(tmp);
  try {
    writeFileSync(join(tmp, 'image.bin'), pixels);
    const args = ['--weights', join(design.dir, design.manifest.weights.file), '--image', join(tmp, 'image.bin'), '--task', String(task), '--out', join(tmp, 'out.bin')];
    if (trace) args.push('--trace', join(tmp, 'trace.bin'));
    const s = plan.sizes;
    // The float reference runs synchronously (ViT-S: tens of seconds): a line per block once it has taken 5 s.
    const onBlock = (t0: number) => {
      let lastLine = t0;
      return (done: number, depth: number) => {
        const now = performance.now();
        if (now - t0 < 5000 || now - lastLine < 2000) return;
        lastLine = now;
        log(`reference … block ${done}/${depth} done, ${Math.round((now - t0) / 1000)} s so far`);
      };
    };
    const routingKeys = new Set(plan.moeBlocks.flatMap((b) => ['topk_idx', 'topk_p', 'gate_probs', 'gate_logits'].map((k) => `block${b}.${k}`)));
    const kept: TensorMap = new Map();
    const opErrors = new Map<number, Comparison>();
    let dumps = new Map<number, Uint8Array>();
    const traced = trace || (counting && plan.moeBlocks.length > 0);
    // The reference trace streams through a sink: each comparable tensor is compared with the kernel's dump as soon as
    // it is computed and dropped; only the small routing tensors are kept (ViT-S's whole trace is ~2.7 GB).
    const reference = () => {
      const comparable = new Map<string, PlanOp[]>();
      if (trace) {
        dumps = parseTrace(readFileSync(join(tmp, 'trace.bin')), s.axiBits / 8, 'trace');
        for (const op of comparableOps(plan)) if (op.kind !== 'moe_gate' && dumps.has(op.id)) comparable.set(op.trace!, [...(comparable.get(op.trace!) ?? []), op]);
      }
      const sink = (key: string, t: Tensor) => {
        if (routingKeys.has(key)) kept.set(key, t);
        for (const op of comparable.get(key) ?? []) {
          const [rows, feats] = op.outShape as [number, number];
          opErrors.set(op.id, compareArrays(decodeActivations(dumps.get(op.id)!, rows, feats, plan), asF64(t)));
        }
      };
      const ro = { trace: traced ? sink : false, onBlock: onBlock(performance.now()) } as const;
      return phase('reference', () => (o.beside ? runReferenceYielding(design.config, sd, imageF, task, ro) : runReference(design.config, sd, imageF, task, ro)));
    };
    const testbench = phase('csim', () => execGroup(exe, args));
    // Beside the testbench (a child process), this thread computes the reference, unless it compares the trace the
    // testbench is still writing. Its csim phase then ends when this thread reads the testbench's result.
    let early: ReturnType<typeof reference> | undefined;
    if (o.beside && !trace) {
      early = reference();
      // Its failure is thrown below, once the testbench has ended (not left running into a removed run dir).
      early.catch(() => {});
    }
    const run = await testbench;
    if (run.exitCode !== 0) throw new Error(`the testbench failed (exit ${run.exitCode}):\n${String(run.all)}`);
    // out.bin is the output region from image 0: rows at design.json's output.rowStride.
    const outF64 = decodeActivations(readFileSync(join(tmp, 'out.bin')), s.tokens, s.dim, plan, design.manifest.output.rowStride);
    const output = Float32Array.from(outF64);
    const ref = await (early ?? reference());
    // csim before reference, whichever ended first.
    phases.sort((x, y) => Number(x.phase === 'reference') - Number(y.phase === 'reference'));
    if (early) phases[phases.length - 1]!.beside = 'csim';
    const refTrace = traced ? kept : undefined;
    const ops: OpError[] = [];
    const routing: RoutingReport[] = [];
    if (trace && refTrace) {
      const layout = routeLayout(s);
      for (const op of plan.ops) {
        const bytes = dumps.get(op.id);
        if (!bytes) continue;
        if (op.kind === 'moe_gate') {
          // The gate's routing record: logits and top-k probabilities as table rows, the expert sets as a routing line.
          const b = op.block!;
          const k = decodeRouting(bytes, layout, plan.types.activation.frac, plan.types.activation.containerBits === 16 ? 16 : 32);
          const rr = referenceRouting(refTrace, b);
          const route = compareRouting(k, rr, layout, { block: b, id: op.id, name: op.name });
          ops.push({ id: op.id, op: op.name, trace: `block${b}.gate_logits`, ...compareArrays(k.logits, asF64(rr.gateLogits)) });
          // topk_p as the routing line has it (expert by expert over the agreeing tokens): one figure, not two.
          if (route.topkP) ops.push({ id: op.id, op: op.name, trace: `block${b}.topk_p`, ...route.topkP });
          routing.push(route);
          continue;
        }
        const e = opErrors.get(op.id);
        if (e) ops.push({ id: op.id, op: op.name, trace: op.trace!, ...e });
      }
      if (ops.length === 0) log('trace: the kernel dumped no comparable op outputs');
    }
    const tb = parseCycles(String(run.stdout));
    let cycles: CycleReport | null = null;
    if (counting) {
      // The MoE ops tick with the routing the kernel took: its traced picks when traced, else the reference's top-k.
      const kernel = trace && routing.length === plan.moeBlocks.length ? new Map(routing.map((x) => [x.block, queueLengths(s.experts, x.kernel.idx)])) : null;
      const reference = refTrace ? referenceQueueLengths(plan, refTrace) : null;
      cycles = kernel ? cycleReport(plan, tb.counts, kernel, 'kernel') : cycleReport(plan, tb.counts, reference, 'reference');
      if (tb.counts.size === 0) log('cycles: the testbench printed no cycle counts');
    }
    const final = compareArrays(outF64, ref.out);
    if (o.out) writeNpy(o.out, { dtype: 'f32', shape: [s.tokens, s.dim], data: output });
    return { task, output, shape: [s.tokens, s.dim], final, ops, routing, phases, tolerance, passed: final.relMse <= tolerance, packed, packWarning, cycles, stdout: tb.rest };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    offTmp();
  }
}
