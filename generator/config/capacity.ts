// The rules that need the plan: every m_axi bundle must fit the platform's memory (one bank, or a bank range on HBM),
// and the resource estimate (DSP, BRAM36, URAM, LUT, FF) must fit the board. Part of validating a config, so `validate` refuses what `gen` and
// `estimate` would. Each rule is its own function; validateConfig runs them in order.
import { assignBanks } from '../build/link.ts';
import { platformInfo } from '../build/platforms.ts';
import { isUserError } from '../errors.ts';
import { estimateResources } from '../estimate/resources.ts';
import { buildPlan, type Plan } from '../plan/index.ts';
import { PrecisionError } from '../plan/precision.ts';
import type { Config } from './schema.ts';
import type { Violation } from './rules.ts';

export interface CapacityOptions {
  /** Check the resource estimate against the board (default true). `explore` turns it off: it ranks and reports
   *  points against its own utilisation cap, and names what bound them when none fits. */
  boardFit?: boolean;
}

/** A user error of the plan or the bank assignment as violations (`<path>: <rule>` messages keep their path). */
function asViolations(e: unknown): Violation[] {
  // Precision patterns that match nothing etc. are the plan's own violations, each with its path.
  if (e instanceof PrecisionError) return e.violations;
  if (!isUserError(e)) throw e;
  const m = /^([\w.]+): ([\s\S]*)$/.exec(e.message);
  return [m ? { path: m[1]!, rule: m[2]! } : { path: 'hardware.bundles', rule: e.message }];
}

/** Bundles that do not fit the board's memory, as violations (empty when they fit). */
export function memoryViolations(plan: Plan): Violation[] {
  try {
    assignBanks(plan);
    return [];
  } catch (e) {
    return asViolations(e);
  }
}

/** DSP slices: the estimator's honest count (every product, exp / reciprocal / rsqrt / GELU unit and run-time index
 *  multiply of the plan's hardware description, generator/plan/loops.ts) against the board's, naming the largest
 *  users so the user sees which knob to turn. */
export function dspViolations(plan: Plan): Violation[] {
  const p = platformInfo(plan.config.hardware.platform);
  const r = estimateResources(plan);
  if (r.total.DSP <= p.capacity.DSP) return [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const top = r.items
    .filter((i) => i.DSP > 0)
    .sort((a, b) => b.DSP - a.DSP)
    .slice(0, 3)
    .map((i) => `${i.unit.replace(/^loop /, '')} ${fmt(i.DSP)}`);
  return [
    {
      path: 'hardware',
      rule: `the design needs ${fmt(r.total.DSP)} DSP but the ${p.board.split(' (')[0]!} has ${fmt(p.capacity.DSP)} (resource estimate, largest: ${top.join(', ')}): reduce hardware.attnParallel or hardware.linearTile, or pick a larger platform`,
    },
  ];
}

/** Block RAM, URAM, LUT and FF: each resource the estimate needs beyond the whole board, with the numbers. With
 *  hardware.activations = 'onchip' a block RAM or URAM overflow names the activation arrays' share. */
export function storageLogicViolations(plan: Plan): Violation[] {
  const p = platformInfo(plan.config.hardware.platform);
  const est = estimateResources(plan);
  const used = est.total;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const board = p.board.split(' (')[0]!;
  const over = (['BRAM36', 'URAM', 'LUT', 'FF'] as const).filter((k) => Math.round(used[k]) > p.capacity[k]);
  const acts = est.items.filter((i) => /^buffer act_/.test(i.unit));
  const onchip: Array<(typeof over)[number]> = plan.sizes.actOnChip === true ? over.filter((k) => k === 'BRAM36' || k === 'URAM') : [];
  return [
    ...onchip.map((k) => {
      const share = acts.reduce((a, i) => a + i[k], 0);
      const list = acts.filter((i) => i[k] > 0).map((i) => `${i.unit.replace(/^buffer /, '')} ${fmt(i[k])}`).join(', ');
      return {
        path: 'hardware.activations',
        rule: `activations 'onchip' need ${fmt(used[k])} ${k} in all but the ${board} has ${fmt(p.capacity[k])}: the activation arrays take ${fmt(share)} (${list}), the rest of the design ${fmt(used[k] - share)}; use activations 'dram' or a smaller model or board`,
      };
    }),
    ...over
    .filter((k) => !onchip.includes(k))
    .map((k) => ({
      path: 'hardware',
      rule: `the design needs ${fmt(used[k])} ${k} but the ${board} has ${fmt(p.capacity[k])} (resource estimate; \`edgemoe estimate --resources\` lists every unit): reduce hardware.linearTile or hardware.attnParallel, or pick a larger platform`,
    })),
  ];
}

/** Every plan rule's violations (empty when the config is usable). */
export function capacityViolations(c: Config, o: CapacityOptions = {}): Violation[] {
  let plan: Plan;
  try {
    plan = buildPlan(c);
  } catch (e) {
    return asViolations(e);
  }
  const memory = memoryViolations(plan);
  if (memory.length || o.boardFit === false) return memory;
  return [...dspViolations(plan), ...storageLogicViolations(plan)];
}
