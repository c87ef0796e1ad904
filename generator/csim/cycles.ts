// The -DEDGEMOE_COUNT_CYCLES report of a csim run: the testbench's `cycles <op id> <count>` lines parsed and set beside
// the estimator's per-op prediction (generator/estimate), with op names from the plan and totals in ms.
import { textTable } from '../report/format.ts';
import { cyclesToMs, estimatePlan } from '../estimate/estimate.ts';
import type { Plan } from '../plan/index.ts';
import type { TensorMap } from '../tensor.ts';

/** Name of op id 0: what the kernel ticks before the first op (patch-embed weights and bias, reload = 1). */
export const RELOAD_NAME = 'one-time load (reload=1)';

const CYCLES_LINE = /^cycles (\d+) (\d+)\r?$/;

/** Splits testbench stdout into the op id → count map of its `cycles` lines and the remaining text. */
export function parseCycles(stdout: string): { counts: Map<number, number>; rest: string } {
  const counts = new Map<number, number>();
  const rest: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = CYCLES_LINE.exec(line);
    if (m) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + Number(m[2]));
    else rest.push(line);
  }
  return { counts, rest: rest.join('\n') };
}

/** Where the MoE routing of the prediction came from. */
export type RoutingSource = 'kernel' | 'reference' | 'default' | 'none';

/** One row of the cycles table. */
export interface CycleRow {
  id: number;
  name: string;
  /** Pipelined iterations the testbench counted (0 when the op did not tick). */
  counted: number;
  /** The estimator's ticks for the op (null for an id the plan does not know). */
  predicted: number | null;
}

export interface CycleReport {
  rows: CycleRow[];
  routing: RoutingSource;
  /** Default token-expert pairs per MoE block the prediction assumed (routing 'default'). */
  defaultPairs: number;
  clockMHz: number;
}

/** Tokens per expert of each MoE block from top-k expert indices [tokens][topK] (kernel picks or reference topk_idx). */
export function queueLengths(experts: number, idx: Iterable<number | bigint>): number[] {
  const lens = new Array<number>(experts).fill(0);
  for (const e of idx) lens[Number(e)]!++;
  return lens;
}

/** The reference's routing per MoE block (block{i}.topk_idx of a reference trace). */
export function referenceQueueLengths(plan: Plan, trace: TensorMap): Map<number, number[]> | null {
  const out = new Map<number, number[]>();
  for (const b of plan.moeBlocks) {
    const t = trace.get(`block${b}.topk_idx`);
    if (!t) return null;
    out.set(b, queueLengths(plan.sizes.experts, t.data as BigInt64Array));
  }
  return out;
}

/**
 * Counted vs predicted per op: every op of the plan that ticked or is predicted to tick, op 0 as the one-time load,
 * and any id the plan does not know. `routing` (tokens per expert per MoE block) makes MoE ops exact; without it the
 * estimator's default (tokens·topK pairs over the expected number of active experts) is used.
 */
export function cycleReport(plan: Plan, counts: ReadonlyMap<number, number>, routing: ReadonlyMap<number, readonly number[]> | null, source: Exclude<RoutingSource, 'default' | 'none'> = 'reference'): CycleReport {
  const est = estimatePlan(plan, routing ? { routing } : {});
  const predicted = new Map<number, { name: string; ticks: number }>([[0, { name: RELOAD_NAME, ticks: est.reload.ticks }]]);
  for (const o of est.ops) predicted.set(o.id, { name: o.name, ticks: o.ticks });
  const ids = new Set<number>([...counts.keys()]);
  for (const [id, p] of predicted) if (p.ticks > 0) ids.add(id);
  const rows = [...ids]
    .sort((a, b) => a - b)
    .map((id): CycleRow => ({ id, name: predicted.get(id)?.name ?? '(not in the plan)', counted: counts.get(id) ?? 0, predicted: predicted.get(id)?.ticks ?? null }));
  const s = plan.sizes;
  return { rows, routing: plan.moeBlocks.length === 0 ? 'none' : routing ? source : 'default', defaultPairs: s.tokens * s.topK, clockMHz: plan.config.hardware.clockMHz };
}

const n = (v: number) => v.toLocaleString('en-US');
const signed = (v: number) => (v > 0 ? `+${n(v)}` : v < 0 ? `−${n(-v)}` : '0');

/** The report as a table with per-image totals, the one-time load and the sum, in cycles and ms. */
export function formatCycles(r: CycleReport): string {
  const ms = (c: number) => (c === 0 ? '0' : cyclesToMs(c, r.clockMHz).toPrecision(3));
  const row = (id: string, name: string, counted: number, predicted: number | null) => [id, name, n(counted), predicted === null ? '-' : n(predicted), predicted === null ? '-' : signed(counted - predicted), ms(counted)];
  const sum = (rows: CycleRow[], f: (x: CycleRow) => number) => rows.reduce((a, x) => a + f(x), 0);
  const ops = r.rows.filter((x) => x.id !== 0);
  const load = r.rows.filter((x) => x.id === 0);
  const known = (rows: CycleRow[]) => (rows.some((x) => x.predicted === null) ? null : sum(rows, (x) => x.predicted!));
  const body = r.rows.map((x) => row(String(x.id), x.name, x.counted, x.predicted));
  body.push(row('', `per image (${ops.length} ops)`, sum(ops, (x) => x.counted), known(ops)));
  if (load.length) body.push(row('', 'total with the one-time load', sum(r.rows, (x) => x.counted), known(r.rows)));
  const routing = {
    kernel: "MoE ops predicted with the kernel's own routing (from the trace)",
    reference: "MoE ops predicted with the float reference's routing (near-ties the kernel breaks the other way show as a difference; --trace uses the kernel's routing)",
    default: `MoE ops predicted with the estimator's default routing (${r.defaultPairs} token-expert pairs per block over the expected number of active experts), not this run's`,
    none: 'no MoE blocks',
  }[r.routing];
  const exact = r.rows.every((x) => x.predicted === x.counted);
  return (
    `cycles per op: pipelined loop iterations counted by the testbench (-DEDGEMOE_COUNT_CYCLES) vs generator/estimate; ms at ${r.clockMHz} MHz, iterations only (no pipeline fill or memory stalls: see \`edgemoe estimate\`)\n` +
    textTable(['id', 'op', 'counted', 'estimate', 'counted − estimate', `ms @ ${r.clockMHz} MHz`], body, 2) +
    `\n${routing}; ${exact ? 'every op matches the estimate' : `${r.rows.filter((x) => x.predicted !== x.counted).length} op(s) differ from the estimate`}\n`
  );
}
