// `profile --propose`: a config (extending the profiled one) whose per-tensor integer bits come from the observed
// weight ranges plus a stated headroom, at a given stored width per class; weights rounded to nearest and saturated.
import type { Config, FixedTypePatch, PrecisionClass } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import type { Plan } from '../plan/index.ts';
import type { ProfileResult } from './profile.ts';

/** Classes whose tensors --propose types (the stored weight classes; activations keep their one type). */
export const PROPOSED_CLASSES: readonly PrecisionClass[] = ['linearWeight', 'attnBias', 'bias', 'patchWeight'];

export interface ProposeOptions {
  /** What the proposal extends: a preset name or a config file path. */
  extendsFrom: string;
  name: string;
  /** Integer bits added to each tensor's need. */
  headroom: number;
  /** Stored width per class (default: the class's current W). */
  widths: Partial<Record<PrecisionClass, number>>;
}

/** Parses `--widths linearWeight=8,bias=16`. */
export function parseWidths(text: string | undefined): Partial<Record<PrecisionClass, number>> {
  const out: Partial<Record<PrecisionClass, number>> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const [cls, w] = part.split('=');
    if (!PROPOSED_CLASSES.includes(cls as PrecisionClass)) throw new UserError(`--widths '${part}': class must be one of ${PROPOSED_CLASSES.join(', ')}`);
    const n = Number(w);
    if (!Number.isInteger(n) || n < 2 || n > 32) throw new UserError(`--widths '${part}': width must be an integer in 2..32`);
    out[cls as PrecisionClass] = n;
  }
  return out;
}

/** The proposed config JSON (an "extends" file: only what differs). */
export function proposeConfig(config: Config, plan: Plan, p: ProfileResult, o: ProposeOptions): Record<string, unknown> {
  if (!Number.isInteger(o.headroom) || o.headroom < 0 || o.headroom > 8) throw new UserError(`--headroom ${o.headroom}: expected an integer number of bits in 0..8`);
  const byName = new Map(p.weights.map((w) => [w.name, w]));
  const precision: Record<string, unknown> = {};
  for (const cls of PROPOSED_CLASSES) {
    const W = o.widths[cls];
    if (W !== undefined && W !== config.precision[cls].W) precision[cls] = { W };
  }
  const tensors: Record<string, FixedTypePatch> = {};
  for (const w of plan.weights) {
    if (!PROPOSED_CLASSES.includes(w.cls)) continue;
    const r = byName.get(w.name)!;
    tensors[w.name] = { I: r.neededI + o.headroom, q: 'AP_RND_CONV', o: 'AP_SAT' };
  }
  precision.tensors = tensors;
  return { extends: o.extendsFrom, name: o.name, precision };
}
