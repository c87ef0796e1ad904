// The analytic estimate of a design: per op, the pipelined-loop cycles the C++ schedule ticks (checked against csim),
// pipeline fill, DRAM bytes per m_axi bundle and the bandwidth-bound cycles on the board's memory ports, the binding
// bound; totals in cycles and ms; resources beside the board's capacity.
//
// Bandwidth model: each bundle is its own AXI port of min(AXI_BITS, the platform port width) bits per cycle, read and
// write channels independent (ZCU102's PS HP ports are 128 bit, so a 256-bit bundle moves at most 16 B/cycle); the
// banks' peak GB/s caps a port, and on ZCU102 all ports share one PS DDR (17.06 GB/s, reads + writes). Within an op,
// compute and memory overlap fully (bound = max); ops run one after another.
import type { DramRegion } from '../config/schema.ts';
import { assignBanks } from '../build/link.ts';
import { platformInfo, type PlatformInfo, type ResourceCounts } from '../build/platforms.ts';
import type { Plan } from '../plan/index.ts';
import { effectiveII, expectedActiveExperts, LOOP_OVERHEAD, M_AXI_LATENCY, nestCycles, opModels, reloadModel, spreadPairs, stagedCycles, type LoopNest, type MoeRouting, type OpModel } from './op-model.ts';
import { estimateResources, type ResourceItem } from './resources.ts';

export interface EstimateOptions {
  /** Actual routing: tokens per expert for each MoE block (e.g. from a csim or reference run). */
  routing?: ReadonlyMap<number, readonly number[]>;
  /** Token-expert pairs per MoE block when no routing is given (default tokens · topK). */
  pairs?: number;
  /** Active experts per MoE block when no routing is given (default: the expected number under uniform routing). */
  activeExperts?: number;
}

/** Bytes an op moves on one bundle. */
export interface BundleTraffic {
  bundle: string;
  port: string;
  read: number;
  write: number;
}

/** The estimate of one op (per image). */
export interface OpEstimate {
  id: number;
  name: string;
  kind: string;
  block: number | null;
  /** EDGEMOE_TICK count (what csim with -DEDGEMOE_COUNT_CYCLES prints): loads + compute. */
  ticks: number;
  /** Cycles at the declared IIs with concurrent processes overlapped (the slowest one per stage), no fill. */
  cycles: number;
  loadTicks: number;
  computeTicks: number;
  /** Beyond `cycles`: pipeline fill, loop overhead and m_axi latency per loop entry (upper estimate), and fill once
   *  per loop plus one m_axi latency per op (lower estimate). */
  fill: number;
  fillFlat: number;
  /** ticks + fill: the op's latency if memory keeps up (upper; the lower uses fillFlat). */
  computeBound: number;
  computeBoundFlat: number;
  traffic: BundleTraffic[];
  /** Cycles the memory ports need for the op's traffic, and the port (or 'DRAM') that binds. */
  bandwidthBound: number;
  bandwidthPort: string;
  bound: number;
  boundFlat: number;
  binding: 'compute' | 'bandwidth';
  macs: number;
}

export interface Totals {
  ticks: number;
  cycles: number;
  loadTicks: number;
  /** Compute ticks with weight loads hidden (Edge-MoE's ideal cycle model). */
  computeTicks: number;
  fill: number;
  fillFlat: number;
  computeBound: number;
  computeBoundFlat: number;
  bandwidthBound: number;
  bound: number;
  boundFlat: number;
  bytes: number;
}

export interface Estimate {
  name: string;
  platform: PlatformInfo;
  clockMHz: number;
  axiBits: number;
  /** Bytes per cycle of one bundle's port, and of the whole memory. */
  portBytesPerCycle: number;
  memoryBytesPerCycle: number;
  ports: Array<{ bundle: string; port: string }>;
  ops: OpEstimate[];
  /** Per-call one-time load (reload = 1), not in the per-image totals. */
  reload: { ticks: number; fill: number };
  totals: Totals;
  moe: {
    blocks: number[];
    pairsPerBlock: number[];
    activePerBlock: number[];
    expectedActive: number;
    /** Totals with every expert active in every MoE block (worst case for weight traffic). */
    worst: Totals;
    worstWeightBytesPerBlock: number;
  } | null;
  resources: { items: ResourceItem[]; total: ResourceCounts; capacity: ResourceCounts; over: Array<keyof ResourceCounts> };
  warnings: string[];
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

/** Ideal cycles of nests: iterations at the effective II, concurrent processes overlapped. */
const idealOf = (nests: readonly LoopNest[]) => stagedCycles(nests, (n) => n.trips * effectiveII(n));
/** Lower estimate: fill once per loop, one m_axi latency per op. */
// The op's one m_axi latency only when some loop of it touches DRAM (hardware.activations = 'onchip': a residual add
// or an attention op touches on-chip arrays only).
const lowOf = (nests: readonly LoopNest[]) =>
  stagedCycles(nests, (n) => (n.trips > 0 ? n.trips * effectiveII(n) + n.depth - 1 + LOOP_OVERHEAD : 0)) + (nests.some((n) => n.trips > 0 && n.access !== 'none') ? M_AXI_LATENCY : 0);

/** Per-op figures for given routing. */
function opEstimates(plan: Plan, p: PlatformInfo, routing: (b: number) => MoeRouting): { ops: OpEstimate[]; totals: Totals } {
  const wb = plan.sizes.axiBits / 8;
  const clockHz = plan.config.hardware.clockMHz * 1e6;
  const portBpc = Math.min(plan.sizes.axiBits, p.memory.portBits, ((p.memory.bankGBs * 1e9) / clockHz) * 8) / 8;
  const memBpc = (p.memory.totalGBs * 1e9) / clockHz;
  const portOf = new Map(assignBanks(plan, p).map((a) => [a.bundle, a.memory]));
  const ops = opModels(plan, routing).map((m: OpModel): OpEstimate => {
    const ticks = sum(m.nests.filter((n) => n.ticks), (n) => n.trips);
    const loadTicks = sum(m.nests.filter((n) => n.ticks && n.load), (n) => n.trips);
    const cycles = idealOf(m.nests);
    const fill = stagedCycles(m.nests, nestCycles) - cycles;
    const fillFlat = lowOf(m.nests) - cycles;
    const byBundle = new Map<string, BundleTraffic>();
    for (const [r, w] of Object.entries(m.traffic) as Array<[DramRegion, { read: number; write: number }]>) {
      const bundle = plan.regions[r].bundle;
      const cur = byBundle.get(bundle) ?? { bundle, port: portOf.get(bundle)!, read: 0, write: 0 };
      cur.read += w.read * wb;
      cur.write += w.write * wb;
      byBundle.set(bundle, cur);
    }
    const traffic = [...byBundle.values()].sort((a, b) => (a.bundle < b.bundle ? -1 : 1));
    // Bundles mapped to the same port share it.
    const byPort = new Map<string, { read: number; write: number }>();
    for (const t of traffic) {
      const cur = byPort.get(t.port) ?? { read: 0, write: 0 };
      byPort.set(t.port, { read: cur.read + t.read, write: cur.write + t.write });
    }
    let bw = 0;
    let bwPort = '-';
    for (const [port, t] of byPort) {
      const c = Math.max(t.read, t.write) / portBpc;
      if (c > bw) [bw, bwPort] = [c, port];
    }
    const total = sum(traffic, (t) => t.read + t.write);
    if (total / memBpc > bw) [bw, bwPort] = [total / memBpc, 'DRAM'];
    bw = Math.ceil(bw);
    const computeBound = cycles + fill;
    const computeBoundFlat = cycles + fillFlat;
    return {
      id: m.op.id,
      name: m.op.name,
      kind: m.op.kind,
      block: m.op.block,
      ticks,
      cycles,
      loadTicks,
      computeTicks: ticks - loadTicks,
      fill,
      fillFlat,
      computeBound,
      computeBoundFlat,
      traffic,
      bandwidthBound: bw,
      bandwidthPort: bwPort,
      bound: Math.max(computeBound, bw),
      boundFlat: Math.max(computeBoundFlat, bw),
      binding: bw > computeBound ? 'bandwidth' : 'compute',
      macs: m.macs,
    };
  });
  const totals: Totals = {
    ticks: sum(ops, (o) => o.ticks),
    cycles: sum(ops, (o) => o.cycles),
    loadTicks: sum(ops, (o) => o.loadTicks),
    computeTicks: sum(ops, (o) => o.computeTicks),
    fill: sum(ops, (o) => o.fill),
    fillFlat: sum(ops, (o) => o.fillFlat),
    computeBound: sum(ops, (o) => o.computeBound),
    computeBoundFlat: sum(ops, (o) => o.computeBoundFlat),
    bandwidthBound: sum(ops, (o) => o.bandwidthBound),
    bound: sum(ops, (o) => o.bound),
    boundFlat: sum(ops, (o) => o.boundFlat),
    bytes: sum(ops, (o) => sum(o.traffic, (t) => t.read + t.write)),
  };
  return { ops, totals };
}

/** The estimate of a plan (per image; milliseconds at config.hardware.clockMHz). */
export function estimatePlan(plan: Plan, opts: EstimateOptions = {}): Estimate {
  const p = platformInfo(plan.config.hardware.platform);
  const s = plan.sizes;
  const clockHz = plan.config.hardware.clockMHz * 1e6;
  const expected = expectedActiveExperts(s.experts, s.topK, s.tokens);
  const pairs = opts.pairs ?? s.tokens * s.topK;
  const active = opts.activeExperts ?? Math.min(s.experts, Math.round(expected));
  const routing = (b: number): MoeRouting => {
    const given = opts.routing?.get(b);
    return { queueLens: given ? [...given] : spreadPairs(s.experts, pairs, active) };
  };
  const { ops, totals } = opEstimates(plan, p, routing);
  const warnings: string[] = [];
  let moe: Estimate['moe'] = null;
  if (plan.moeBlocks.length) {
    const worst = opEstimates(plan, p, () => ({ queueLens: spreadPairs(s.experts, s.tokens * s.topK, s.experts) })).totals;
    const t = plan.types;
    const wBytes = t.linearWeight.containerBits / 8;
    const bBytes = t.bias.containerBits / 8;
    const sBytes = t.linearWeight.scale ? 2 : 0; // a 16-bit scale per matrix row (per-channel scales)
    moe = {
      blocks: plan.moeBlocks,
      pairsPerBlock: plan.moeBlocks.map((b) => routing(b).queueLens.reduce((a, n) => a + n, 0)),
      activePerBlock: plan.moeBlocks.map((b) => routing(b).queueLens.filter((n) => n > 0).length),
      expectedActive: expected,
      worst,
      worstWeightBytesPerBlock: s.experts * (2 * s.expertHidden * s.dim * wBytes + (s.expertHidden + s.dim) * (bBytes + sBytes)),
    };
  }
  const r = reloadModel(plan);
  const res = estimateResources(plan);
  const over = (Object.keys(res.total) as Array<keyof ResourceCounts>).filter((k) => res.total[k] > p.capacity[k]);
  for (const k of over) warnings.push(`${k} estimate ${Math.round(res.total[k]).toLocaleString('en-US')} exceeds the ${p.board}'s ${p.capacity[k].toLocaleString('en-US')}`);
  if (plan.config.hardware.part !== p.part) warnings.push(`hardware.part ${plan.config.hardware.part} is not the ${p.board}'s part ${p.part}`);
  return {
    name: plan.name,
    platform: p,
    clockMHz: plan.config.hardware.clockMHz,
    axiBits: s.axiBits,
    portBytesPerCycle: Math.min(s.axiBits, p.memory.portBits, ((p.memory.bankGBs * 1e9) / clockHz) * 8) / 8,
    memoryBytesPerCycle: (p.memory.totalGBs * 1e9) / clockHz,
    ports: assignBanks(plan, p).map((a) => ({ bundle: a.bundle, port: a.memory })),
    ops,
    reload: { ticks: sum(r.nests, (n) => n.trips), fill: stagedCycles(r.nests, nestCycles) - idealOf(r.nests) },
    totals,
    moe,
    resources: { ...res, capacity: p.capacity, over },
    warnings,
  };
}

/** Cycles → milliseconds at `clockMHz`. */
export function cyclesToMs(cycles: number, clockMHz: number): number {
  return cycles / (clockMHz * 1e3);
}
