// The design space `edgemoe explore` searches: the hardware knobs a config already has (linear tile in × out,
// attention parallelism P, AXI width, weight ports), each on a bounded grid of powers of two, around a base config.
import { ConfigError, validateConfig, type Config, type Platform } from '../config/index.ts';
import { platformInfo } from '../build/platforms.ts';

/** One point's hardware knobs. */
export interface Knobs {
  tileIn: number;
  tileOut: number;
  attnParallel: number;
  axiBits: number;
  /** hardware.weightPorts (1 when the config leaves it unset). */
  weightPorts: number;
}

/** One valid design point: its knobs, a stable id and the whole config. */
export interface DesignPoint {
  id: string;
  knobs: Knobs;
  config: Config;
}

/** The grid: every combination is tried; those the config rules reject are counted, not kept. */
export const GRID = {
  tile: [4, 8, 16, 32, 64, 128],
  attnParallel: [1, 2, 4, 8, 16, 32],
  axiBits: [128, 256, 512],
  /** Points with more weight ports than the board has free memory ports are rejected by the config rules. */
  weightPorts: [1, 2],
} as const;

/** `t16x16-p4-a256`: the knobs in a name usable as a file and directory name. */
export function pointId(k: Knobs): string {
  return `t${k.tileIn}x${k.tileOut}-p${k.attnParallel}-a${k.axiBits}${k.weightPorts > 1 ? `-w${k.weightPorts}` : ''}`;
}

/** The knobs a config has now. */
export function knobsOf(c: Config): Knobs {
  const hw = c.hardware;
  return { tileIn: hw.linearTile.in, tileOut: hw.linearTile.out, attnParallel: hw.attnParallel, axiBits: hw.axiBits, weightPorts: hw.weightPorts ?? 1 };
}

/** The config with these knobs (validated; throws ConfigError when a rule rejects them). */
export function withKnobs(base: Config, k: Knobs): Config {
  const json = structuredClone(base);
  json.hardware.linearTile = { in: k.tileIn, out: k.tileOut };
  json.hardware.attnParallel = k.attnParallel;
  json.hardware.axiBits = k.axiBits;
  // Unset stays unset at 1 (the default config bytes); a base that sets it gets it set, so a chosen config that
  // extends the base cannot inherit the base's other value.
  if (k.weightPorts > 1 || json.hardware.weightPorts !== undefined) json.hardware.weightPorts = k.weightPorts;
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

/** Every valid point of the grid around `base` (its own point always included), in a fixed order. */
export function enumeratePoints(base: Config): { points: DesignPoint[]; rejected: number } {
  const own = knobsOf(base);
  const points: DesignPoint[] = [];
  let rejected = 0;
  for (const tileIn of axis(GRID.tile, own.tileIn))
    for (const tileOut of axis(GRID.tile, own.tileOut))
      for (const attnParallel of axis(GRID.attnParallel, own.attnParallel))
        for (const axiBits of axis(GRID.axiBits, own.axiBits))
          for (const weightPorts of axis(GRID.weightPorts, own.weightPorts)) {
            const knobs = { tileIn, tileOut, attnParallel, axiBits, weightPorts };
            try {
              points.push({ id: pointId(knobs), knobs, config: withKnobs(base, knobs) });
            } catch (e) {
              if (!(e instanceof ConfigError)) throw e;
              rejected++;
            }
          }
  return { points, rejected };
}
