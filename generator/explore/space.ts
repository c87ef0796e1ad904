// The design space `edgemoe explore` searches: a small table of axes (AXES) — the hardware knobs a config already has
// (linear tile in × out, attention parallelism P, AXI width, weight ports, the patch embedding's unit) on bounded
// grids, and a precision axis (the config's own types, 16-bit activations, or the -w8 preset's 8-bit weights) —
// around a base config, with the combinations a stated rule skips (SKIPS).
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, validateConfig, type Config, type Platform } from '../config/index.ts';
import { w8Precision } from '../config/presets.ts';
import { platformInfo } from '../build/platforms.ts';
import { attnQBlocks } from '../kernels/attention.ts';
import { tokenCount } from '../model/stats.ts';
import { mergeActivationBundles, needsMergedBundles } from './bundles.ts';

/** The precision profiles of the search: 'own' is the base config's precision; 'act16' its activations as
 *  ap_fixed<16, ACT16_INT_BITS, AP_RND_CONV, AP_SAT> (half the activation DRAM traffic, twice the lanes per AXI word,
 *  one DSP per MAC where 32-bit activations take two), everything else kept. Saturating, not the base's wrap: the
 *  5 integer bits were sized on random weights, and a trained model's value beyond ±16 then clamps instead of
 *  flipping sign (the clamps are counted by the estimator: generator/estimate/resources.ts conversionLogic).
 *  'w8': the m3vit-t-cityscapes-w8 preset's precision on the base's model (w8Precision: 8-bit linear, expert and
 *  gate weights with a scale per output channel, GPTQ-rounded by `pack` on the shipped calibration set; activations
 *  ap_fixed<16,5,AP_RND,AP_SAT>; 24-bit biases): half the weight bytes of 16-bit weights. */
export const PRECISION_PROFILES = ['own', 'act16', 'w8'] as const;
export type PrecisionProfile = (typeof PRECISION_PROFILES)[number];

/** Integer bits of the 16-bit activations: every op output of the default preset needs at most 5 on the shipped
 *  photographs with seed-1 weights (`edgemoe profile`: |x| ≤ 11.9, the residual stream), so ±16 in steps of 2^-11.
 *  Rounded to nearest: with truncation (the 32-bit type's AP_TRN) the −½ LSB bias of every store adds up over the
 *  blocks (csim MSE/var 1.3e-2, top-k 85 % at 6 integer bits; 9.3e-4 / 97.3 % rounded at 6, 6.9e-4 / 98.4 % at 5, on
 *  one photograph). The csim check of the best points measures it on every calibration image. */
export const ACT16_INT_BITS = 5;
export const ACT16_QUANT = 'AP_RND_CONV' as const;
export const ACT16_OVERFLOW = 'AP_SAT' as const;

/** One point's knobs: the hardware and the precision profile. */
export interface Knobs {
  tileIn: number;
  tileOut: number;
  attnParallel: number;
  axiBits: number;
  /** hardware.weightPorts (1 when the config leaves it unset). */
  weightPorts: number;
  /** hardware.patchEmbed = 'unified' (absent: the own array). */
  patchEmbed?: 'unified';
  precision: PrecisionProfile;
}

/** One valid design point: its knobs, a stable id and the whole config. */
export interface DesignPoint {
  id: string;
  knobs: Knobs;
  config: Config;
  /** Its activation bundles were merged to free ports for the weight ports (a provisional split: evaluate gives a
   *  point that fits the split with the least modelled latency, bundles.ts balanceBundles). */
  mergedBundles?: true;
}

/** The grid: every combination is tried; those the config rules reject are counted, not kept. attnParallel lists the
 *  powers of two and bounds P; attnParallelAxis adds the token-aware values of a model. */
export const GRID = {
  tile: [4, 8, 16, 32, 64, 128],
  attnParallel: [1, 2, 4, 8, 16, 32],
  axiBits: [128, 256, 512],
  /** Points with more weight ports than the board has free memory ports get the activation bundles merged
   *  (bundles.ts); the config rules reject what still does not fit. */
  weightPorts: [1, 2, 4],
  /** The patch embedding on its own array or on the unified linear unit (hardware.patchEmbed). */
  patchEmbed: ['own', 'unified'],
} as const;

/** The attention parallelisms explored for a model of `tokens` tokens: the powers of two of GRID.attnParallel plus,
 *  up to its largest value, the smallest P of every pass count (q-blocks ⌈(N+P−1)/P⌉ of reordered_attention.h, so
 *  attention's cycles step down only at these P: for N = 129 they are 1..13, 15, 16, 19, 22, 26, 32 — 5 passes at
 *  32, 6 at 26, 7 at 22, 8 at 19, 9 at 16 — and any P between two of them costs DSPs for no cycle); sorted, distinct.
 *  The config rules reject P > N. */
export function attnParallelAxis(tokens: number): number[] {
  const bound = Math.max(...GRID.attnParallel);
  const out = new Set<number>(GRID.attnParallel);
  for (let p = 1; p <= Math.min(bound, tokens); p++) if (p === 1 || attnQBlocks(tokens, p) < attnQBlocks(tokens, p - 1)) out.add(p);
  return [...out].sort((a, b) => a - b);
}

/** The precision section a profile gives the base config, or null when it is the base's own (no second point). */
export function profilePrecision(base: Config, profile: PrecisionProfile): Config['precision'] | null {
  if (profile === 'own') return null;
  let p: Config['precision'];
  if (profile === 'w8') p = w8Precision(base.precision);
  else {
    p = structuredClone(base.precision);
    p.activation = { ...p.activation, W: 16, I: ACT16_INT_BITS, q: ACT16_QUANT, o: ACT16_OVERFLOW };
  }
  return isDeepStrictEqual(p, base.precision) ? null : p;
}

/** The sorted distinct values of a numeric grid axis plus the base config's own value. */
const around = (grid: readonly number[], own: number) => [...new Set([...grid, own])].sort((a, b) => a - b);

/** One axis of the space: its values around a base (the base's own value among them), its part of the point id
 *  (the parts joined in table order; '' for the base-like value keeps older ids), the table's words for a value, how
 *  a value enters the config (`json` is the base's clone; `base` unchanged) and the value a config has. */
interface Axis<K extends keyof Knobs> {
  key: K;
  values: (base: Config) => ReadonlyArray<Knobs[K]>;
  id: (v: Knobs[K]) => string;
  text: (v: Knobs[K], c: Config) => string;
  apply: (json: Config, v: Knobs[K], base: Config) => void;
  read: (c: Config) => Knobs[K];
}
type AnyAxis = { [K in keyof Knobs]-?: Axis<K> }[keyof Knobs];
const axisOf = <K extends keyof Knobs>(a: Axis<K>) => a as unknown as AnyAxis;

/** The axes, in point-id order (an option another engineer adds is one more row, before `precision` so the profile
 *  stays the id's suffix). The enumeration order is the table's, the last axis varying fastest. */
export const AXES: readonly AnyAxis[] = [
  axisOf<'tileIn'>({
    key: 'tileIn',
    values: (b) => around(GRID.tile, b.hardware.linearTile.in),
    id: (v) => `t${v}`,
    text: (v) => `${v}`,
    apply: (j, v) => (j.hardware.linearTile = { ...j.hardware.linearTile, in: v }),
    read: (c) => c.hardware.linearTile.in,
  }),
  axisOf<'tileOut'>({
    key: 'tileOut',
    values: (b) => around(GRID.tile, b.hardware.linearTile.out),
    id: (v) => `x${v}`,
    text: (v) => `×${v}`,
    apply: (j, v) => (j.hardware.linearTile = { ...j.hardware.linearTile, out: v }),
    read: (c) => c.hardware.linearTile.out,
  }),
  axisOf<'attnParallel'>({
    key: 'attnParallel',
    values: (b) => around(attnParallelAxis(tokenCount(b.model)), b.hardware.attnParallel),
    id: (v) => `-p${v}`,
    text: (v) => `, P ${v}`,
    apply: (j, v) => (j.hardware.attnParallel = v),
    read: (c) => c.hardware.attnParallel,
  }),
  axisOf<'axiBits'>({
    key: 'axiBits',
    values: (b) => around(GRID.axiBits, b.hardware.axiBits),
    id: (v) => `-a${v}`,
    text: (v) => `, ${v}-bit`,
    apply: (j, v) => (j.hardware.axiBits = v),
    read: (c) => c.hardware.axiBits,
  }),
  axisOf<'weightPorts'>({
    key: 'weightPorts',
    values: (b) => around(GRID.weightPorts, b.hardware.weightPorts ?? 1),
    id: (v) => (v > 1 ? `-w${v}` : ''),
    text: (v) => (v > 1 ? `, ${v} wports` : ''),
    // Unset stays unset at 1 (the default config bytes); a base that sets it gets it set, so a chosen config that
    // extends the base cannot inherit the base's other value. Too few free memory ports: see withKnobs.
    apply: (j, v, b) => {
      if (v > 1 || b.hardware.weightPorts !== undefined) j.hardware.weightPorts = v;
    },
    read: (c) => c.hardware.weightPorts ?? 1,
  }),
  axisOf<'patchEmbed'>({
    key: 'patchEmbed',
    values: () => [undefined, 'unified'],
    id: (v) => (v === 'unified' ? '-pu' : ''),
    text: (v) => (v === 'unified' ? ', patch on unit' : ''),
    apply: (j, v, b) => {
      if (v === 'unified' || b.hardware.patchEmbed !== undefined) j.hardware.patchEmbed = v ?? 'own';
    },
    read: (c) => (c.hardware.patchEmbed === 'unified' ? 'unified' : undefined),
  }),
  axisOf<'precision'>({
    key: 'precision',
    values: (b) => profilesOf(b),
    id: (v) => (v === 'own' ? '' : `-${v}`),
    text: (v, c) => {
      if (v === 'own') return '';
      const a = c.precision.activation;
      const act = `act <${a.W},${a.I}> ${a.q === 'AP_TRN' ? 'trn' : 'rnd'}${a.o.startsWith('AP_SAT') ? ' sat' : ''}`;
      return v === 'w8' ? `, w8 gptq, ${act}` : `, ${act}`;
    },
    apply: (j, v, b) => {
      const p = profilePrecision(b, v);
      if (p) j.precision = p;
    },
    read: () => 'own',
  }),
];

/** Combinations the search skips, each with its reason (README "Exploring designs"). */
export const SKIPS: ReadonlyArray<{ why: string; when: (k: Knobs) => boolean }> = [
  {
    // README "Patch embedding on the unified unit": with 8-bit per-channel linear weights the patch matrix becomes one
    // more scaled 8-bit matrix, embed output alone MSE/var 0.09 against the float reference on tiny.
    why: 'w8 with the patch embedding on the linear unit (its weights would become 8-bit: too coarse)',
    when: (k) => k.precision === 'w8' && k.patchEmbed === 'unified',
  },
];

/** `t16x16-p4-a256` (the base precision) or `t16x16-p4-a256-w2-act16`: the knobs in a name usable as a file and
 *  directory name; a point of the base precision keeps the id it had before the precision axis. */
export function pointId(k: Knobs): string {
  return AXES.map((a) => (a.id as (v: unknown) => string)(k[a.key])).join('');
}

/** A point's knobs as the explore table shows them. */
export function knobsText(k: Knobs, c: Config): string {
  return AXES.map((a) => (a.text as (v: unknown, c: Config) => string)(k[a.key], c)).join('');
}

/** The knobs a config has now (its precision is its own). */
export function knobsOf(c: Config): Knobs {
  const k: Record<string, unknown> = {};
  for (const a of AXES) {
    const v = a.read(c);
    if (v !== undefined) k[a.key] = v;
  }
  return k as unknown as Knobs;
}

/** The config with these knobs (validated; throws ConfigError when a rule rejects them). */
export function withKnobs(base: Config, k: Knobs): Config {
  const json = structuredClone(base);
  for (const a of AXES) (a.apply as (j: Config, v: unknown, b: Config) => void)(json, k[a.key], base);
  // More weight ports than the board has free memory ports: the activation bundles merged onto the ports left.
  if (needsMergedBundles(json)) json.hardware.bundles = mergeActivationBundles(json);
  // The board fit is explore's own check (under --max-util), so a point over the board is kept and reported.
  return validateConfig(json, `(point ${pointId(k)})`, { boardFit: false });
}

/** The base config moved to another board: its platform and that board's part; everything else kept. */
export function retarget(base: Config, platform: Platform): Config {
  if (base.hardware.platform === platform) return base;
  const json = structuredClone(base);
  json.hardware.platform = platform;
  json.hardware.part = platformInfo(platform).part;
  return validateConfig(json, `(${base.name} on ${platform})`, { boardFit: false });
}

/** The precision profiles explored around `base`: 'own' and every profile that changes its precision. */
export function profilesOf(base: Config): PrecisionProfile[] {
  return PRECISION_PROFILES.filter((p) => p === 'own' || profilePrecision(base, p) !== null);
}

/** Every valid point of the grid around `base` (its own point always included), in a fixed order (AXES' order, the
 *  last axis fastest); `rejected` counts the combinations the config rules refuse, `skipped` those a SKIPS rule does. */
export function enumeratePoints(base: Config): { points: DesignPoint[]; rejected: number; skipped: number } {
  const points: DesignPoint[] = [];
  let rejected = 0;
  let skipped = 0;
  const values = AXES.map((a) => a.values(base) as readonly unknown[]);
  const walk = (i: number, k: Record<string, unknown>): void => {
    if (i === AXES.length) {
      const knobs = k as unknown as Knobs;
      if (SKIPS.some((s) => s.when(knobs))) {
        skipped++;
        return;
      }
      try {
        const config = withKnobs(base, knobs);
        const merged = !isDeepStrictEqual(config.hardware.bundles, base.hardware.bundles);
        points.push({ id: pointId(knobs), knobs: { ...knobs }, config, ...(merged ? { mergedBundles: true as const } : {}) });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        rejected++;
      }
      return;
    }
    const key = AXES[i]!.key;
    for (const v of values[i]!) {
      const next = { ...k };
      if (v === undefined) delete next[key];
      else next[key] = v;
      walk(i + 1, next);
    }
  };
  walk(0, {});
  return { points, rejected, skipped };
}
