// One calibration image of `edgemoe profile` as a pool job (host/pool/map.ts): the float reference's trace of it for
// each task, summarised as JSON-safe ProfileParts that the parent merges in image order (bit-identical to one process).
import { resolveConfig } from '../config/index.ts';
import { inputPipeline } from '../config/input.ts';
import { isUserError } from '../errors.ts';
import { loadImage, type ResizeMode } from '../io/image.ts';
import { buildPlan } from '../plan/index.ts';
import type { TensorMap } from '../tensor.ts';
import { loadStateDict } from '../pack/pack.ts';
import { ValueStats, type ValueStatsJson } from './histogram.ts';
import { profileTrace, type ProfilePart } from './profile.ts';

export interface ProfileImageJob {
  preset?: string;
  config?: string;
  set?: string[];
  weights: string;
  image: string;
  resize?: ResizeMode;
  tasks: number[];
}
export interface ProfilePartJson {
  act: Array<[string, ValueStatsJson]>;
  gaps: Array<[number, number[]]>;
  logitMax: Array<[number, number]>;
}
export type ProfileImageResult = { parts: ProfilePartJson[] } | { userError: string };

export const partToJson = (p: ProfilePart): ProfilePartJson => ({ act: [...p.act].map(([k, v]) => [k, v.toJson()]), gaps: [...p.gaps], logitMax: [...p.logitMax] });
export const partFromJson = (j: ProfilePartJson): ProfilePart => ({ act: new Map(j.act.map(([k, v]) => [k, ValueStats.fromJson(v)])), gaps: new Map(j.gaps), logitMax: new Map(j.logitMax) });

// A worker profiles several images with the same weights: loaded once per process.
let cached: { path: string; sd: TensorMap } | null = null;

export function profileImage(j: ProfileImageJob): ProfileImageResult {
  try {
    const config = resolveConfig({ preset: j.preset, file: j.config, sets: j.set ?? [] });
    const plan = buildPlan(config);
    if (cached?.path !== j.weights) cached = { path: j.weights, sd: loadStateDict(j.weights) };
    const values = loadImage(j.image, inputPipeline(config.model), { resize: j.resize });
    return { parts: j.tasks.map((t) => partToJson(profileTrace(config, plan, cached!.sd, values, t))) };
  } catch (e) {
    if (isUserError(e)) return { userError: (e as Error).message };
    throw e;
  }
}
