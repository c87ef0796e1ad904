// Per-tensor and per-activation precision (levels model → class → name, as hls4ml): every packed tensor and every op
// output gets its own fixed-point type from its class type and the config's name-pattern overrides.
//
// How the hardware realises per-tensor weight types (honest hardware, one engine per class): all tensors of a class
// share the stored width W (one DRAM container, one loader). On chip the class type (wlin_t, wbias_t, …) is the union
// of the class's tensor types, ap_fixed<W + Imax − Imin, Imax> (as Edge-MoE's ap_fixed<18,7> bias tiles are the union
// of its two bias formats); the loader sign-extends each raw W-bit value and shifts it left by the tensor's
// I − Imin (a per-tensor constant, params.h WS_* tables), so every value is exact on chip and the MAC engine is
// unchanged. Without overrides the union is the class type and every shift is 0 (Edge-MoE exactly).
import type { Config, FixedType, FixedTypePatch, PrecisionClass } from '../config/schema.ts';
import { checkFixedType, type Violation } from '../config/rules.ts';
import { UserError } from '../errors.ts';

/** Default of scaleShift: how many bits below its tensor's range a channel's scale may go. */
export const DEFAULT_SCALE_SHIFT = 4;

/** A class type's per-channel scale format (mantissa bits M, shift range S), or null for one type per tensor. */
export function channelScale(t: FixedType): { scaleBits: number; scaleShift: number } | null {
  if (t.granularity !== 'channel') return null;
  return { scaleBits: t.scaleBits ?? 0, scaleShift: t.scaleShift ?? DEFAULT_SCALE_SHIFT };
}

/** Compiled patterns (a plan resolves every override against every tensor name; explore builds thousands of plans). */
const globCache = new Map<string, RegExp>();

/** `*` any characters (dots included), `?` one character; everything else literal. */
export function globRegExp(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    globCache.set(pattern, (re = new RegExp(`^${body}$`)));
  }
  return re;
}

const QKV_PART = /^blocks\.(\d+)\.attn\.[qkv]\.(weight|bias)$/;

/** The names a packed tensor answers to: its own and the state-dict tensor it is derived from (qkv parts). */
export function tensorAliases(name: string): string[] {
  const m = QKV_PART.exec(name);
  return m ? [name, `blocks.${m[1]}.attn.qkv.${m[2]}`] : [name];
}

/** A type with the fields of every pattern matching one of `names` applied in order; the patterns used. */
export function applyOverrides(base: FixedType, overrides: Record<string, FixedTypePatch> | undefined, names: readonly string[]): { type: FixedType; used: string[] } {
  let type = base;
  const used: string[] = [];
  for (const [pattern, patch] of Object.entries(overrides ?? {})) {
    const re = globRegExp(pattern);
    if (!names.some((n) => re.test(n))) continue;
    type = { ...type, ...patch };
    used.push(pattern);
  }
  return { type, used };
}

/** The type a tensor starts from before its overrides: its class type, except the patch weights of hardware.patchEmbed
 *  = 'unified' (packed in the linearWeight class): they keep precision.patchWeight when it has the class's stored width
 *  and signedness and the class has no per-channel scales, so the unit multiplies the values the own array would
 *  (bit-exact to 'own'; the class's on-chip union type widens to hold them). */
export function baseType(p: Config['precision'], s: TypedTensorSpec): FixedType {
  const lw = p.linearWeight;
  const pw = p.patchWeight;
  if (s.name === 'patch_embed.proj.weight' && s.cls === 'linearWeight' && pw.W === lw.W && pw.signed === lw.signed && !channelScale(lw)) return pw;
  return p[s.cls];
}

/** One tensor to type: its packed name and precision class. */
export interface TypedTensorSpec {
  name: string;
  cls: PrecisionClass;
}

/** What resolving a config's precision gives. */
export interface ResolvedPrecision {
  /** Type of each tensor, in the order given. */
  tensors: FixedType[];
  /** Type of each op output, in the order given. */
  ops: FixedType[];
  /** On-chip (union) type of each class: ap_fixed<W + Imax − Imin, Imax> over its tensors (the class type when none). */
  union: Record<PrecisionClass, FixedType>;
  /** Left shift of each tensor's raw value into its class's union type (I − Imin of the class). */
  shifts: number[];
  violations: Violation[];
}

const key = (pattern: string) => `"${pattern}"`;

/** Resolves every tensor's and op output's type and checks the overrides (each problem a Violation with its path). */
export function resolvePrecision(c: Config, specs: readonly TypedTensorSpec[], opNames: readonly string[]): ResolvedPrecision {
  const p = c.precision;
  const violations: Violation[] = [];
  const bad = (path: string, rule: string) => violations.push({ path, rule });
  const usedT = new Set<string>();
  const tensors = specs.map((s) => {
    const { type, used } = applyOverrides(baseType(p, s), p.tensors, tensorAliases(s.name));
    used.forEach((u) => usedT.add(u));
    if (used.length) {
      const where = `precision.tensors.${key(used[used.length - 1]!)}`;
      const base = p[s.cls];
      if (s.cls === 'activation' || s.cls === 'accumulator' || s.cls === 'pixel') {
        if (JSON.stringify(type) !== JSON.stringify(base)) bad(where, `${s.name} is stored as ${s.cls} (one type for all of them); set precision.${s.cls} instead`);
      } else {
        if (type.W !== base.W) bad(where, `${s.name}: W ${type.W} differs from precision.${s.cls}.W (${base.W}); a class shares one stored width (one DRAM container and loader), so set the class W and vary I per tensor`);
        if (type.signed !== base.signed) bad(where, `${s.name}: signed must stay ${base.signed} (as precision.${s.cls})`);
        const before = violations.length;
        checkFixedType(s.cls, type, (path, rule) => bad(where, `${s.name}: ${rule} (${path.replace(/^precision\.[A-Za-z]+\./, '')})`));
        if (violations.length > before) return type;
      }
    }
    return type;
  });
  for (const pattern of Object.keys(p.tensors ?? {})) {
    if (!usedT.has(pattern)) bad(`precision.tensors.${key(pattern)}`, `pattern matches no packed tensor (names look like ${specs.slice(0, 3).map((s) => s.name).join(', ')}, blocks.0.attn.qkv.weight, blocks.1.mlp.experts.*)`);
  }
  const usedA = new Set<string>();
  const ops = opNames.map((name) => {
    const { type, used } = applyOverrides(p.activation, p.activations, [name]);
    used.forEach((u) => usedA.add(u));
    if (used.length && JSON.stringify(type) !== JSON.stringify(p.activation)) {
      bad(`precision.activations.${key(used[used.length - 1]!)}`, `op ${name}: the kernel realises one activation type (act_t = precision.activation, every op shares the DRAM buffers and units), so a different type cannot be placed per op; change precision.activation`);
    }
    return type;
  });
  for (const pattern of Object.keys(p.activations ?? {})) {
    if (!usedA.has(pattern)) bad(`precision.activations.${key(pattern)}`, `pattern matches no op of the plan (op names look like ${opNames.slice(0, 4).join(', ')})`);
  }
  const union = {} as Record<PrecisionClass, FixedType>;
  const shifts = new Array<number>(specs.length).fill(0);
  for (const cls of Object.keys(p).filter((k) => k !== 'tensors' && k !== 'activations') as PrecisionClass[]) {
    const idx = specs.map((s, i) => (s.cls === cls ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0 || cls === 'activation' || cls === 'accumulator' || cls === 'pixel') {
      union[cls] = p[cls];
      continue;
    }
    const Is = idx.map((i) => tensors[i]!.I);
    const lo = Math.min(...Is);
    const hi = Math.max(...Is);
    const first = tensors[idx[0]!]!;
    const same = idx.every((i) => JSON.stringify(tensors[i]) === JSON.stringify(first));
    // Per-channel scales: the raw value times its row's mantissa m ≤ 2^M, shifted left by S − sh_c (sh_c ≤ S), so the
    // on-chip type gains M + S fraction bits below the tensor types' (the loader's shift is the tensor's I − Imin + S).
    const ch = channelScale(p[cls]);
    const extra = ch ? ch.scaleBits + ch.scaleShift : 0;
    const { granularity: _g, scaleBits: _m, scaleShift: _s, gptq: _q, ...plain } = p[cls];
    union[cls] = same && !ch ? first : { ...plain, W: p[cls].W + hi - lo + extra, I: hi };
    for (const i of idx) shifts[i] = tensors[i]!.I - lo + (ch ? ch.scaleShift : 0);
    if (p[cls].W + hi - lo + extra > 64) bad(`precision.tensors`, `the ${cls} tensors' integer bits span ${lo}..${hi}${ch ? ` and channel scales add ${extra} bits` : ''}: the on-chip union type would be ${p[cls].W + hi - lo + extra} bits (> 64)`);
  }
  return { tensors, ops, union, shifts, violations };
}

/** A config whose precision overrides are unusable; lists every violation (validateConfig turns it into a ConfigError). */
export class PrecisionError extends UserError {
  readonly violations: Violation[];
  constructor(name: string, violations: Violation[]) {
    super(`invalid precision in config ${name} (${violations.length} problem${violations.length === 1 ? '' : 's'}):\n${violations.map((v) => `  ${v.path}: ${v.rule}`).join('\n')}`);
    this.violations = violations;
  }
}
