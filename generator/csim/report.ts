// Printing csim results: the per-op error table, the MoE routing lines and the final error line.
import type { CsimResult, OpError } from './run.ts';
import type { RoutingReport } from './routing.ts';
import type { Comparison } from '../reference/compare.ts';

/** Compact number formatting for the tables. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4);
}

/** One row per traced op: id, op, reference trace name, MSE, MSE/var, max abs, cosine. */
export function formatOpTable(ops: readonly OpError[]): string {
  const head = ['id', 'op', 'trace', 'MSE', 'MSE/var', 'max abs', 'cosine'];
  const rows = ops.map((o) => [String(o.id), o.op, o.trace, fmtNum(o.mse), fmtNum(o.relMse), fmtNum(o.maxAbs), o.cosine.toFixed(6)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 || i === 2 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ').trimEnd();
  const table = [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
  if (ops.length === 0) return table;
  const worst = ops.reduce((a, b) => (b.relMse > a.relMse || Number.isNaN(b.relMse) ? b : a));
  return `${table}largest MSE/var: ${worst.op} (op ${worst.id}) ${fmtNum(worst.relMse)}, cosine ${worst.cosine.toFixed(6)}\n`;
}

/** Differing tokens listed per block before the rest is summarised. */
const ROUTING_LIST_MAX = 8;

/**
 * Per MoE block: how many tokens' expert sets differ from the reference's, each such token with the reference's
 * k-th − (k+1)-th probability margin (small = a near-tie the fixed-point gate may break the other way), and the
 * topk_p error over the agreeing tokens.
 */
export function formatRouting(reports: readonly RoutingReport[]): string {
  let out = '';
  for (const r of reports) {
    const k = r.topK;
    const agree = r.tokens - r.differ.length;
    const pk = `p${k}−p${k + 1}`;
    out += `routing ${r.name} (op ${r.op}): ${r.differ.length} of ${r.tokens} tokens pick other experts than the reference`;
    out += r.differ.length ? `, reference ${pk} at those ≤ ${fmtNum(Math.max(...r.differ.map((d) => d.margin)))}` : `, nearest reference tie ${pk} = ${fmtNum(r.minMargin)}`;
    out += agree ? `; topk_p max abs ${fmtNum(r.topkPMaxAbs)} over ${agree} agreeing tokens\n` : '; no agreeing tokens\n';
    for (const d of r.differ.slice(0, ROUTING_LIST_MAX)) {
      out += `  token ${d.token}: csim {${d.csim.join(',')}}  reference {${d.reference.join(',')}}  reference ${pk} = ${fmtNum(d.margin)}\n`;
    }
    if (r.differ.length > ROUTING_LIST_MAX) out += `  … ${r.differ.length - ROUTING_LIST_MAX} more\n`;
  }
  return out;
}

/** The final comparison line. */
export function formatFinal(e: Comparison): string {
  return `output vs float reference: MSE ${fmtNum(e.mse)}  MSE/var ${fmtNum(e.relMse)}  max abs ${fmtNum(e.maxAbs)}  cosine ${e.cosine.toFixed(6)}`;
}

/** The verdict line. */
export function formatVerdict(r: CsimResult): string {
  return r.passed ? `PASS (MSE/var ${fmtNum(r.final.relMse)} ≤ ${fmtNum(r.tolerance)})` : `FAIL: MSE/var ${fmtNum(r.final.relMse)} > tolerance ${fmtNum(r.tolerance)}`;
}
