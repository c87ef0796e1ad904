// The design space `edgemoe explore` searches: the hardware knobs a config already has (linear tile in × out,
// attention parallelism P, AXI width, weight ports, the patch embedding's unit), each on a bounded grid of powers of
// two (P also on the values that fit the model's token count), and a precision axis (the config's own activation
// type, or 16-bit activations), around a base config.
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, validateConfig, type Config, type Platform } from '../config/index.ts';
import { platformInfo } from '../build/platforms.ts';
import { attnQBlocks } from '../kernels/attention.ts';
import { tokenCount } from '../model/stats.ts';

/** The precision profiles of the search: 'own' is the base config's precision; 'act16' its activations as
 *  ap_fixed<16, ACT16_INT_BITS, AP_RND_CONV, AP_SAT> (half the activation DRAM traffic, twice the lanes per AXI word,
 *  one DSP per MAC where 32-bit activations take two), everything else kept. Saturating, not the base's wrap: the
 *  5 integer bits were sized on random weights, and a trained model's value beyond ±16 then clamps instead of
 *  flipping sign (the clamps are counted by the estimator: generator/estimate/resources.ts conversionLogic). */
export const PRECISION_PROFILES = ['own', 'act16'] as const;
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
}

/** The grid: every combination is tried; those the config rules reject are counted, not kept. attnParallel lists the
 *  powers of two and bounds P; attnParallelAxis adds the token-aware values of a model. */
export const GRID = {
  tile: [4, 8, 16, 32, 64, 128],
  attnParallel: [1, 2, 4, 8, 16, 32],
  axiBits: [128, 256, 512],
  /** Points with more weight ports than the board has free memory ports are rejected by the config rules. */
  weightPorts: [1, 2],
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

/** `t16x16-p4-a256` (the base precision) or `t16x16-p4-a256-act16`: the knobs in a name usable as a file and
 *  directory name; a point of the base precision keeps the id it had before the precision axis. */
export function pointId(k: Knobs): string {
  const ports = k.weightPorts > 1 ? `-w${k.weightPorts}` : '';
  const pe = k.patchEmbed === 'unified' ? '-pu' : '';
  return `t${k.tileIn}x${k.tileOut}-p${k.attnParallel}-a${k.axiBits}${ports}${pe}${k.precision === 'own' ? '' : `-${k.precision}`}`;
}

/** The knobs a config has now (its precision is its own). */
export function knobsOf(c: Config): Knobs {
  const hw = c.hardware;
  return {
    tileIn: hw.linearTile.in,
    tileOut: hw.linearTile.out,
    attnParallel: hw.attnParallel,
    axiBits: hw.axiBits,
    weightPorts: hw.weightPorts ?? 1,
    ...(hw.patchEmbed === 'unified' ? { patchEmbed: 'unified' as const } : {}),
    precision: 'own',
  };
}

/** The precision section a profile gives the base config, or null when it is the base's own (no second point). */
export function profilePrecision(base: Config, profile: PrecisionProfile): Config['precision'] | null {
  if (profile === 'own') return null;
  const p = structuredClone(base.precision);
  p.activation = { ...p.activation, W: 16, I: ACT16_INT_BITS, q: ACT16_QUANT, o: ACT16_OVERFLOW };
  return isDeepStrictEqual(p, base.precision) ? null : p;
}

/** The config with these knobs (validated; throws ConfigError when a rule rejects them). */
export function withKnobs(base: Config, k: Knobs): Config {
  const json = structuredClone(base);
  json.hardware.linearTile = { in: k.tileIn, out: k.tileOut };
  json.hardware.attnParallel = k.attnParallel;
  json.hardware.axiBits = k.axiBits;
  const precision = profilePrecision(base, k.precision);
  if (precision) json.precision = precision;
  // Unset stays unset at 1 (the default config bytes); a base that sets it gets it set, so a chosen config that
  // extends the base cannot inherit the base's other value.
  if (k.weightPorts > 1 || json.hardware.weightPorts !== undefined) json.hardware.weightPorts = k.weightPorts;
  if (k.patchEmbed === 'unified' || json.hardware.patchEmbed !== undefined) json.hardware.patchEmbed = k.patchEmbed ?? 'own';
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

/** The sorted distinct values of a grid axis plus the base config's own value. */
const axis = (grid: readonly number[], own: number) => [...new Set([...grid, own])].sort((a, b) => a - b);

/** The precision profiles explored around `base`: 'own' and every profile that changes its precision. */
export function profilesOf(base: Config): PrecisionProfile[] {
  return PRECISION_PROFILES.filter((p) => p === 'own' || profilePrecision(base, p) !== null);
}

/** Every valid point of the grid around `base` (its own point always included), in a fixed order: the base
 *  precision's points first, then each other profile's, each in the hardware grid's order. */
export function enumeratePoints(base: Config): { points: DesignPoint[]; rejected: number } {
  const own = knobsOf(base);
  const parallel = attnParallelAxis(tokenCount(base.model));
  const points: DesignPoint[] = [];
  let rejected = 0;
  for (const precision of profilesOf(base))
    for (const tileIn of axis(GRID.tile, own.tileIn))
      for (const tileOut of axis(GRID.tile, own.tileOut))
        for (const attnParallel of axis(parallel, own.attnParallel))
          for (const axiBits of axis(GRID.axiBits, own.axiBits))
            for (const weightPorts of axis(GRID.weightPorts, own.weightPorts))
            for (const pe of GRID.patchEmbed) {
              const knobs: Knobs = { tileIn, tileOut, attnParallel, axiBits, weightPorts, ...(pe === 'unified' ? { patchEmbed: pe } : {}), precision };
              try {
                points.push({ id: pointId(knobs), knobs, config: withKnobs(base, knobs) });
              } catch (e) {
                if (!(e instanceof ConfigError)) throw e;
                rejected++;
              }
            }
  return { points, rejected };
}
