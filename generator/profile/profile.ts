// `edgemoe profile`: the float reference over calibration images; per packed tensor, per activation and per gate the
// observed ranges against the configured types (hls4ml's numerical profile), plus the routing margins.
import type { Config, FixedType } from '../config/schema.ts';
import { frac, range } from '../fixed.ts';
import { parseCppType } from '../pack/ctype.ts';
import { deriveTensor } from '../pack/derive.ts';
import { containerView, quantizeInto } from '../pack/quantize.ts';
import type { Plan } from '../plan/index.ts';
import { runReference } from '../reference/model.ts';
import { asF64, type TensorMap } from '../tensor.ts';
import { neededIntBits, ValueStats } from './histogram.ts';

/** How one tensor's or activation's observed values sit in its type. */
export interface RangeProfile {
  name: string;
  /** 'weight' (a packed tensor) or 'activation' (an op output). */
  kind: 'weight' | 'activation';
  ctype: string;
  /** The type's representable range and LSB. */
  typeMin: number;
  typeMax: number;
  lsb: number;
  typeI: number;
  values: number;
  min: number;
  max: number;
  maxAbs: number;
  rms: number;
  /** |v| quantiles: 1 %, 25 %, 50 %, 75 %, 99.9 %. */
  q01: number;
  q25: number;
  q50: number;
  q75: number;
  q999: number;
  /** Integer bits the observed max |v| needs. */
  neededI: number;
  /** Values outside the type's range (weights: counted exactly when packing; activations: max beyond range → ≥ 1). */
  outOfRange: number;
  /** typeI − neededI when positive: integer bits never used. */
  wastedIntBits: number;
  /** Resolution: rms quantization error / rms value (weights, exact) or LSB/√12 / rms (activations, modelled). */
  relQuantError: number;
}

/** The k-th − (k+1)-th largest gate logit per token, for one MoE block over every image and task. */
export interface GateMarginProfile {
  block: number;
  tokens: number;
  min: number;
  p1: number;
  median: number;
  /** Tokens within 1e-2 of a routing flip. */
  below1e2: number;
  maxAbsLogit: number;
}

export interface ProfileResult {
  config: string;
  images: string[];
  tasks: string[];
  weights: RangeProfile[];
  activations: RangeProfile[];
  gates: GateMarginProfile[];
}

function typeFacts(t: FixedType) {
  const r = range(t);
  return { typeMin: r.min, typeMax: r.max, lsb: 2 ** -frac(t), typeI: t.I };
}

function fromStats(name: string, kind: RangeProfile['kind'], ctype: string, s: ValueStats, outOfRange: number, relQuantError: number): RangeProfile {
  const t = parseCppType(ctype, name);
  const f = typeFacts(t);
  const neededI = neededIntBits(s.maxAbs);
  return {
    name,
    kind,
    ctype,
    ...f,
    values: s.n,
    min: s.min,
    max: s.max,
    maxAbs: s.maxAbs,
    rms: s.rms,
    q01: s.absQuantile(0.01),
    q25: s.absQuantile(0.25),
    q50: s.absQuantile(0.5),
    q75: s.absQuantile(0.75),
    q999: s.absQuantile(0.999),
    neededI,
    outOfRange,
    wastedIntBits: Math.max(0, t.I - neededI),
    relQuantError,
  };
}

/** Every packed tensor's values (as packed: derived, folded) against its own type, quantized exactly as pack does. */
export function profileWeights(config: Config, plan: Plan, sd: TensorMap): RangeProfile[] {
  return plan.weights.map((w) => {
    const values = deriveTensor(config, sd, w.name, w.shape);
    const t = parseCppType(w.ctype, w.name);
    const raw = containerView(new ArrayBuffer(values.length * 4), 0, values.length, 4, true);
    const q = quantizeInto(values, t, raw);
    const scale = 2 ** -frac(t);
    let se = 0;
    for (let i = 0; i < values.length; i++) se += (raw[i]! * scale - values[i]!) ** 2;
    const s = new ValueStats().add(values);
    const rel = s.rms > 0 ? Math.sqrt(se / values.length) / s.rms : 0;
    return fromStats(w.name, 'weight', w.ctype, s, q.outOfRange, rel);
  });
}

/** One calibration image: its name and CHW values. */
export interface CalibrationImage {
  name: string;
  values: Float64Array;
}

/** One image × task's share of a profile: per traced op its value stats, per MoE block its gate gaps and max |logit|. */
export interface ProfilePart {
  act: Map<string, ValueStats>;
  gaps: Map<number, number[]>;
  logitMax: Map<number, number>;
}

/** The float reference's trace of one image and task, summarised as a ProfilePart. */
export function profileTrace(config: Config, plan: Plan, sd: TensorMap, values: Float64Array, task: number): ProfilePart {
  const ops = plan.ops.filter((o) => o.trace !== null);
  const K = config.model.moe.topK;
  const E = config.model.moe.experts;
  const part: ProfilePart = { act: new Map(), gaps: new Map(), logitMax: new Map() };
  const trace = runReference(config, sd, values, task, { trace: true }).trace!;
  for (const o of ops) {
    const t = trace.get(o.trace!);
    if (t) part.act.set(o.name, new ValueStats().add(asF64(t)));
  }
  for (const b of plan.moeBlocks) {
    const lt = trace.get(`block${b}.gate_logits`);
    if (!lt) continue;
    const l = asF64(lt);
    const g: number[] = [];
    let mx = 0;
    for (let n = 0; n < l.length / E; n++) {
      const row = Array.from(l.subarray(n * E, (n + 1) * E)).sort((x, y) => y - x);
      if (K < E) g.push(row[K - 1]! - row[K]!);
      mx = Math.max(mx, Math.abs(row[0]!), Math.abs(row[E - 1]!));
    }
    part.gaps.set(b, g);
    part.logitMax.set(b, mx);
  }
  return part;
}

/** Profiles weights, activations (every traced op output) and gate margins over images × tasks. */
export function profileModel(config: Config, plan: Plan, sd: TensorMap, images: readonly CalibrationImage[], tasks: readonly number[], progress: (done: number, total: number, what: string) => void = () => {}): ProfileResult {
  const total = images.length * tasks.length;
  let done = 0;
  const parts: ProfilePart[] = [];
  for (const img of images) {
    for (const task of tasks) {
      parts.push(profileTrace(config, plan, sd, img.values, task));
      progress(++done, total, `${img.name} task ${config.model.tasks[task]}`);
    }
  }
  return profileFromParts(config, plan, sd, images.map((i) => i.name), tasks, parts);
}

/** The profile from the parts of every image × task (image-major, as profileModel makes them), merged in order. */
export function profileFromParts(config: Config, plan: Plan, sd: TensorMap, imageNames: readonly string[], tasks: readonly number[], parts: readonly ProfilePart[]): ProfileResult {
  const ops = plan.ops.filter((o) => o.trace !== null);
  const act = new Map(ops.map((o) => [o.name, new ValueStats()]));
  const gaps = new Map(plan.moeBlocks.map((b) => [b, [] as number[]]));
  const logitMax = new Map(plan.moeBlocks.map((b) => [b, 0]));
  for (const p of parts) {
    for (const [name, st] of p.act) act.get(name)?.merge(st);
    for (const [b, g] of p.gaps) gaps.get(b)?.push(...g);
    for (const [b, m] of p.logitMax) logitMax.set(b, Math.max(logitMax.get(b) ?? 0, m));
  }
  const activations = ops.map((o) => {
    const s = act.get(o.name)!;
    const t = parseCppType(o.outType, o.name);
    const f = typeFacts(t);
    const over = s.n && (s.max > f.typeMax || s.min < f.typeMin) ? 1 : 0;
    return fromStats(o.name, 'activation', o.outType, s, over, s.rms > 0 ? f.lsb / Math.sqrt(12) / s.rms : 0);
  });
  const gates = plan.moeBlocks.map((b) => {
    const g = gaps.get(b)!.sort((x, y) => x - y);
    const at = (q: number) => (g.length ? g[Math.min(g.length - 1, Math.floor(q * g.length))]! : NaN);
    return { block: b, tokens: g.length, min: g.length ? g[0]! : NaN, p1: at(0.01), median: at(0.5), below1e2: g.filter((x) => x < 1e-2).length, maxAbsLogit: logitMax.get(b)! };
  });
  return {
    config: config.name,
    images: [...imageNames],
    tasks: tasks.map((t) => config.model.tasks[t]!),
    weights: profileWeights(config, plan, sd),
    activations,
    gates,
  };
}
