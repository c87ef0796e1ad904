// Text rendering of an estimate: memory setup, per-kind (or per-op) cycles, totals in cycles and ms, resources.
import { textTable } from '../report/format.ts';
import { cyclesToMs, type Estimate, type OpEstimate } from './estimate.ts';

const n = (v: number) => Math.round(v).toLocaleString('en-US');

function row(name: string, count: string, o: Pick<OpEstimate, 'ticks' | 'loadTicks' | 'computeTicks' | 'fill' | 'computeBound' | 'bandwidthBound' | 'bound'>, binding: string): string[] {
  return [name, count, n(o.ticks), n(o.loadTicks), n(o.computeTicks), n(o.fill), n(o.computeBound), n(o.bandwidthBound), n(o.bound), binding];
}

const HEAD = ['op', 'n', 'ticks', 'loads', 'compute', 'fill (high)', 'compute-bound', 'bandwidth-bound', 'bound (high)', 'binding'];

/** The estimate as text; `perOp` lists every op instead of one row per op kind. */
export function formatEstimate(e: Estimate, perOp = false): string {
  const ms = (c: number) => cyclesToMs(c, e.clockMHz).toFixed(2);
  const p = e.platform;
  const out: string[] = [];
  out.push(`estimate of '${e.name}' on ${p.board} @ ${e.clockMHz} MHz, per image (each loop at its declared II from the plan's description; assumptions in generator/estimate/README.md)`);
  out.push(
    `memory: ${e.ports.map((x) => `${x.bundle}→${x.port}`).join(', ')}; ${e.axiBits}-bit bundles on ${p.memory.portBits}-bit ports = ${e.portBytesPerCycle.toFixed(1)} B/cycle each, ${e.memoryBytesPerCycle.toFixed(1)} B/cycle for the whole memory (${p.memory.totalGBs} GB/s)`,
  );
  if (e.moe) {
    const pairs = [...new Set(e.moe.pairsPerBlock)].join('/');
    const active = [...new Set(e.moe.activePerBlock)].join('/');
    out.push(`MoE blocks ${e.moe.blocks.join(', ')}: ${pairs} token-expert pairs and ${active} active experts per block (expected active under uniform routing: ${e.moe.expectedActive.toFixed(2)})`);
  }
  out.push('');
  let rows: string[][];
  if (perOp) {
    rows = e.ops.map((o) => row(`${o.id} ${o.name}`, '1', o, o.binding === 'bandwidth' ? `bw ${o.bandwidthPort}` : 'compute'));
  } else {
    const kinds = [...new Set(e.ops.map((o) => o.kind))];
    rows = kinds.map((k) => {
      const os = e.ops.filter((o) => o.kind === k);
      const s = (f: (o: OpEstimate) => number) => os.reduce((a, o) => a + f(o), 0);
      const bw = os.filter((o) => o.binding === 'bandwidth').length;
      const sums = { ticks: s((o) => o.ticks), loadTicks: s((o) => o.loadTicks), computeTicks: s((o) => o.computeTicks), fill: s((o) => o.fill), computeBound: s((o) => o.computeBound), bandwidthBound: s((o) => o.bandwidthBound), bound: s((o) => o.bound) };
      return row(k, String(os.length), sums, bw ? `bw in ${bw}/${os.length}` : 'compute');
    });
  }
  rows.push(row('total', String(e.ops.length), e.totals, ''));
  out.push(textTable(HEAD, rows));
  const t = e.totals;
  const lines: string[][] = [
    ["compute, weight loads hidden (Edge-MoE's ideal model)", n(t.computeTicks), ms(t.computeTicks)],
    ['pipelined loop iterations (loads + compute = csim ticks)', n(t.ticks), ms(t.ticks)],
    ['at the declared IIs, concurrent processes and prefetched loads overlapped', n(t.cycles), ms(t.cycles)],
    ['  + fill once per loop, one m_axi latency per op: compute-bound, low', n(t.computeBoundFlat), ms(t.computeBoundFlat)],
    ['  + fill and m_axi latency per loop entry: compute-bound, high', n(t.computeBound), ms(t.computeBound)],
    ['bandwidth-bound (memory ports alone)', n(t.bandwidthBound), ms(t.bandwidthBound)],
    ['binding, low: per op max(compute-bound low, bandwidth-bound)', n(t.boundFlat), ms(t.boundFlat)],
    ['binding, high: per op max(compute-bound high, bandwidth-bound)', n(t.bound), ms(t.bound)],
  ];
  if (e.moe) lines.push(['binding high with every expert active in every MoE block', n(e.moe.worst.bound), ms(e.moe.worst.bound)]);
  lines.push(['one-time weight load per call (reload = 1)', n(e.reload.ticks + e.reload.fill), ms(e.reload.ticks + e.reload.fill)]);
  out.push(textTable(['latency', 'cycles', `ms @ ${e.clockMHz} MHz`], lines));
  const perBundle = new Map<string, { port: string; read: number; write: number }>();
  for (const o of e.ops)
    for (const x of o.traffic) {
      const c = perBundle.get(x.bundle) ?? { port: x.port, read: 0, write: 0 };
      perBundle.set(x.bundle, { port: c.port, read: c.read + x.read, write: c.write + x.write });
    }
  out.push(
    textTable(
      ['bundle', 'port', 'read MB', 'write MB', 'port cycles (max of read, write)'],
      [...perBundle].sort(([a], [b]) => (a < b ? -1 : 1)).map(([b, v]) => [b, v.port, (v.read / 1e6).toFixed(2), (v.write / 1e6).toFixed(2), n(Math.max(v.read, v.write) / e.portBytesPerCycle)]),
      2,
    ),
  );
  out.push(`DRAM traffic per image: ${(t.bytes / 1e6).toFixed(2)} MB${e.moe ? `; expert weights up to ${(e.moe.worstWeightBytesPerBlock / 1e6).toFixed(2)} MB per MoE block when all experts are active` : ''}`);
  out.push('');
  const r = e.resources;
  out.push(
    textTable(
      ['resource', 'estimate', p.board.split(' (')[0]!, 'util'],
      (['DSP', 'BRAM36', 'URAM', 'LUT', 'FF'] as const).map((k) => [k, n(r.total[k]), n(r.capacity[k]), r.capacity[k] ? `${((100 * r.total[k]) / r.capacity[k]).toFixed(1)}%` : r.total[k] ? 'none available' : '']),
    ),
  );
  for (const w of e.warnings) out.push(`warning: ${w}`);
  return out.join('\n') + (e.warnings.length ? '\n' : '');
}

/** The resource estimate item by item: compute units, each on-chip buffer with its banks and storage, the FIFOs. */
export function formatResources(e: Estimate): string {
  const r = e.resources;
  const k = (v: number) => (Number.isInteger(v) ? n(v) : v.toFixed(1));
  // A URAM column only on boards that have URAM (ZCU102's table stays as it was).
  const u = r.capacity.URAM > 0;
  const cols = (unit: string, storage: string, c: { DSP: string; BRAM36: string; URAM: string; LUT: string; FF: string }) =>
    [unit, storage, c.DSP, c.BRAM36, ...(u ? [c.URAM] : []), c.LUT, c.FF];
  const rows = r.items.map((i) => cols(i.unit, i.storage, { DSP: k(i.DSP), BRAM36: k(i.BRAM36), URAM: n(i.URAM), LUT: n(i.LUT), FF: n(i.FF) }));
  rows.push(cols('total', '', { DSP: k(r.total.DSP), BRAM36: k(r.total.BRAM36), URAM: n(r.total.URAM), LUT: n(r.total.LUT), FF: n(r.total.FF) }));
  rows.push(cols(e.platform.board.split(' (')[0]!, '', { DSP: n(r.capacity.DSP), BRAM36: n(r.capacity.BRAM36), URAM: n(r.capacity.URAM), LUT: n(r.capacity.LUT), FF: n(r.capacity.FF) }));
  // The description goes last, left-aligned, after the numeric columns.
  const whats = ['what', '', ...r.items.map((i) => i.what), '', ''];
  const lines = textTable(cols('unit', 'storage', { DSP: 'DSP', BRAM36: 'BRAM36', URAM: 'URAM', LUT: 'LUT', FF: 'FF' }), rows, 2).trimEnd().split('\n');
  const width = Math.max(...lines.map((l) => l.length));
  const table = lines.map((l, j) => (whats[j] ? `${l.padEnd(width)}  ${whats[j]}` : l)).join('\n');
  const out = [
    `resources of '${e.name}' per unit (storage per bank: registers ≤ 64 bits, LUTRAM ≤ 1 Kbit, else RAMB18s by aspect; BRAM36 = RAMB18 / 2; see generator/estimate/resources.ts)`,
    `${table}\n`,
  ];
  for (const w of e.warnings) out.push(`warning: ${w}\n`);
  return out.join('\n');
}
