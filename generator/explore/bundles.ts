// The m_axi bundle layout of explore's points that have more weight ports than the board has free memory ports
// (ZCU102: six PS ports; the presets' five bundles leave one): the bundle carrying `weights` stays as it is, and the
// activation regions are merged onto the ports left. A point gets a provisional split first (enough for the resource
// model, which counts bundles, not their regions); a point that fits gets the split with the least modelled latency.
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, dramRegionsOf, validateConfig, type Config } from '../config/index.ts';
import { platformInfo } from '../build/platforms.ts';
import { estimatePlan, type Estimate } from '../estimate/estimate.ts';
import { buildPlan, type Plan } from '../plan/index.ts';

type Bundles = Config['hardware']['bundles'];

/** The bundle that carries the `weights` region. */
function weightsBundleOf(b: Bundles): string {
  const name = Object.keys(b).find((k) => b[k]!.includes('weights'));
  if (!name) throw new Error('explore: no bundle carries the weights region');
  return name;
}

/** Memory ports the board leaves for activation bundles beside the weights bundle and the extra weight ports. */
export function activationPorts(c: Config): number {
  return platformInfo(c.hardware.platform).memory.banks.length - (c.hardware.weightPorts ?? 1);
}

/** True when the config's bundles plus its extra weight ports are more than the board's memory ports and merging
 *  the activation bundles onto the ports left would make room (at least one port is left for them). */
export function needsMergedBundles(c: Config): boolean {
  const b = c.hardware.bundles;
  const w = weightsBundleOf(b);
  const room = activationPorts(c);
  // As the rules count them: a bundle whose regions are all on chip (hardware.activations 'onchip') has no port.
  const ported = Object.keys(b).filter((k) => k !== w && dramRegionsOf(c, b[k]!).length > 0).length;
  return ported > room && room >= 1;
}

/** The activation regions in the config's bundle order (every region not on the weights bundle). */
export function activationRegions(c: Config): string[] {
  const b = c.hardware.bundles;
  const w = weightsBundleOf(b);
  return Object.keys(b).filter((k) => k !== w).flatMap((k) => b[k]!);
}

/** The bundles of a split: group g of the activation regions on `inout<g+1>` (a name the weights bundle holds is
 *  skipped), the weights bundle last, as in the presets. */
export function bundlesOf(c: Config, groups: readonly string[][]): Bundles {
  const w = weightsBundleOf(c.hardware.bundles);
  const out: Bundles = {};
  let n = 1;
  for (const g of groups) {
    while (`inout${n}` === w) n++;
    out[`inout${n++}`] = [...g] as Bundles[string];
  }
  out[w] = [...c.hardware.bundles[w]!];
  return out;
}

/** The provisional merge: the activation regions in order, cut into activationPorts(c) runs of near-equal length. */
export function mergeActivationBundles(c: Config): Bundles {
  const regions = activationRegions(c);
  const k = Math.min(activationPorts(c), regions.length);
  const groups: string[][] = Array.from({ length: k }, (_, g) => regions.slice(Math.floor((g * regions.length) / k), Math.floor(((g + 1) * regions.length) / k)));
  return bundlesOf(c, groups);
}

/** Every partition of items 0..n−1 into exactly k non-empty groups, as group indices (restricted growth strings:
 *  item 0 in group 0, each item at most one group above the largest so far), in lexicographic order. */
export function partitions(n: number, k: number): number[][] {
  const out: number[][] = [];
  const a = new Array<number>(n).fill(0);
  const rec = (i: number, max: number) => {
    if (n - i < k - 1 - max) return; // too few items left to open the remaining groups
    if (i === n) {
      if (max === k - 1) out.push([...a]);
      return;
    }
    for (let g = 0; g <= Math.min(max + 1, k - 1); g++) {
      a[i] = g;
      rec(i + 1, Math.max(max, g));
    }
  };
  if (n >= 1 && k >= 1 && k <= n) {
    a[0] = 0;
    rec(1, 0);
  }
  return out;
}

/** The modelled latency of each split of a merged config's activation regions over activationPorts(c) bundles: per
 *  op the estimator's bound (estimate.ts opEstimates: the larger of its compute-bound cycles and its busiest port's or
 *  the whole memory's cycles), summed over the ops, from a probe plan with every activation region on a bundle of
 *  its own (a plan only, never a design: the board has not that many ports). `cost(split, limit)` may stop at limit;
 *  `costLow` is the same sum of the low bounds (estimate.ts boundFlat). */
export function splitScorer(c: Config): { regions: string[]; k: number; cost: (split: readonly number[], limit?: number) => number; costLow: (split: readonly number[]) => number } {
  const regions = activationRegions(c);
  const k = Math.min(activationPorts(c), regions.length);
  const w = weightsBundleOf(c.hardware.bundles);
  const probe = structuredClone(c);
  probe.hardware.bundles = { ...Object.fromEntries(regions.map((r) => [`probe_${r}`, [r]])), [w]: [...c.hardware.bundles[w]!] } as Bundles;
  const e = estimatePlan(buildPlan(probe));
  const portBpc = e.portBytesPerCycle;
  const memBpc = e.memoryBytesPerCycle;
  // Per op: the part of its bounds no split changes (compute, the weight ports, the whole memory) and its bytes per
  // activation region. An op whose bounds stay put even with every activation region on one port is summed once.
  const n = regions.length;
  const fixed: number[] = [];
  const fixedLow: number[] = [];
  const reads: Float64Array[] = [];
  const writes: Float64Array[] = [];
  let constant = 0;
  let constantLow = 0;
  for (const op of e.ops) {
    const rd = new Float64Array(n);
    const wr = new Float64Array(n);
    let floor = op.traffic.reduce((a, t) => a + t.read + t.write, 0) / memBpc;
    for (const t of op.traffic) {
      const i = t.bundle.startsWith('probe_') ? regions.indexOf(t.bundle.slice('probe_'.length)) : -1;
      if (i >= 0) [rd[i], wr[i]] = [t.read, t.write];
      else floor = Math.max(floor, Math.max(t.read, t.write) / portBpc);
    }
    const worst = Math.max(floor, Math.max(rd.reduce((a, x) => a + x, 0), wr.reduce((a, x) => a + x, 0)) / portBpc);
    // The low bound's compute part is at most the high one's, so this also keeps every op whose high bound can move.
    if (Math.ceil(worst) <= op.computeBoundFlat) {
      constant += op.computeBound;
      constantLow += op.computeBoundFlat;
    } else {
      fixed.push(Math.max(op.computeBound, Math.ceil(floor)));
      fixedLow.push(Math.max(op.computeBoundFlat, Math.ceil(floor)));
      reads.push(rd);
      writes.push(wr);
    }
  }
  const rdG = new Float64Array(k);
  const wrG = new Float64Array(k);
  // Per variable op, the cycles of its busiest activation port under a split.
  const portCycles = (o: number, split: readonly number[]): number => {
    rdG.fill(0);
    wrG.fill(0);
    const rd = reads[o]!;
    const wr = writes[o]!;
    for (let i = 0; i < n; i++) {
      rdG[split[i]!]! += rd[i]!;
      wrG[split[i]!]! += wr[i]!;
    }
    let port = 0;
    for (let g = 0; g < k; g++) port = Math.max(port, rdG[g]!, wrG[g]!);
    return Math.ceil(port / portBpc);
  };
  const cost = (split: readonly number[], limit = Infinity): number => {
    let sum = constant;
    for (let o = 0; o < fixed.length && sum < limit; o++) sum += Math.max(fixed[o]!, portCycles(o, split));
    return sum;
  };
  const costLow = (split: readonly number[]): number => {
    let sum = constantLow;
    for (let o = 0; o < fixed.length; o++) sum += Math.max(fixedLow[o]!, portCycles(o, split));
    return sum;
  };
  return { regions, k, cost, costLow };
}

/** The groups of a split (split[i]: the group of regions[i]). */
export function groupsOf(regions: readonly string[], k: number, split: readonly number[]): string[][] {
  const groups: string[][] = Array.from({ length: k }, () => []);
  regions.forEach((r, i) => groups[split[i]!]!.push(r));
  return groups;
}

/** The config with the split of least modelled latency (splitScorer: the high bound, then the low one; ties to the
 *  first split in partitions' order) among the splits the config rules accept (e.g. fused attention wants Q, K and V
 *  on different bundles), validated. For a config whose activation bundles were merged. */
export function balanceBundles(c: Config): Config {
  const { regions, k, cost, costLow } = splitScorer(c);
  const ranked = partitions(regions.length, k)
    .map((split, i) => ({ split, i, high: cost(split), low: costLow(split) }))
    .sort((a, b) => a.high - b.high || a.low - b.low || a.i - b.i);
  let first: unknown;
  for (const { split } of ranked) {
    const json = structuredClone(c);
    json.hardware.bundles = bundlesOf(c, groupsOf(regions, k, split));
    try {
      return validateConfig(json, `(${c.name}: balanced bundles)`, { boardFit: false });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      first ??= e;
    }
  }
  throw first;
}

/** True when no split of the activation regions can model lower than this estimate of `c`: every op's bounds (high
 *  and low) are already at their floor, the part no split changes (its compute, the weight ports, the whole memory). */
export function splitIsLeast(e: Estimate, c: Config): boolean {
  const w = weightsBundleOf(c.hardware.bundles);
  const activation = new Set(Object.keys(c.hardware.bundles).filter((k) => k !== w));
  for (const op of e.ops) {
    let floor = op.traffic.reduce((a, t) => a + t.read + t.write, 0) / e.memoryBytesPerCycle;
    for (const t of op.traffic) if (!activation.has(t.bundle)) floor = Math.max(floor, Math.max(t.read, t.write) / e.portBytesPerCycle);
    if (op.bound > Math.max(op.computeBound, Math.ceil(floor)) || op.boundFlat > Math.max(op.computeBoundFlat, Math.ceil(floor))) return false;
  }
  return true;
}

/** A merged config's plan and estimate with a split of least modelled latency: first the split `memo` holds (the one
 *  an earlier point needed; else the config's own), kept when splitIsLeast says no split can do better, else
 *  balanceBundles' (one probe plan more), which `memo` then holds. Either way the latency is the least over all
 *  splits; only which of several equal splits is written may depend on the points before. */
export function settleBundles(c: Config, memo: { bundles?: Bundles }): { config: Config; plan: Plan; estimate: Estimate } {
  let config = c;
  const m = memo.bundles;
  if (m && isDeepStrictEqual(Object.values(m).flat().sort(), Object.values(c.hardware.bundles).flat().sort()) && !isDeepStrictEqual(m, c.hardware.bundles)) {
    const json = structuredClone(c);
    json.hardware.bundles = structuredClone(m);
    try {
      config = validateConfig(json, `(${c.name}: merged bundles)`, { boardFit: false });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e; // a split this point's rules refuse: balanceBundles below
    }
  }
  let plan = buildPlan(config);
  let estimate = estimatePlan(plan);
  if (!splitIsLeast(estimate, config)) {
    config = balanceBundles(c);
    plan = buildPlan(config);
    estimate = estimatePlan(plan);
    memo.bundles = config.hardware.bundles;
  }
  return { config, plan, estimate };
}
