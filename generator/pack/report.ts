// The pack report: a table of every packed tensor and a loud warning for out-of-range (wrapped/saturated) values.
import type { PackedTensorReport } from './pack.ts';

function fmt(x: number): string {
  return x === 0 ? '0' : x >= 1e4 || x < 1e-3 ? x.toExponential(2) : x.toPrecision(4);
}

/** One row per tensor: name, shape, type, values, max |value| vs the type's range, out-of-range count. */
export function formatPackTable(rows: readonly PackedTensorReport[]): string {
  const head = ['tensor', 'shape', 'type', 'values', 'max|v|', 'range', 'out of range'];
  const body = rows.map((r) => [r.name, `[${r.shape.join(',')}]`, r.ctype, String(r.values), fmt(r.maxAbs), `±${fmt(r.typeMax)}`, r.outOfRange ? `${r.outOfRange} !` : '0']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

/** The warning printed when any value was out of range ('' when none). */
export function outOfRangeWarning(rows: readonly PackedTensorReport[]): string {
  const bad = rows.filter((r) => r.outOfRange > 0);
  if (bad.length === 0) return '';
  const total = bad.reduce((s, r) => s + r.outOfRange, 0);
  const list = bad.map((r) => `  ${r.name}: ${r.outOfRange} of ${r.values} (max |v| ${fmt(r.maxAbs)} vs ±${fmt(r.typeMax)} of ${r.ctype})`).join('\n');
  return `WARNING: ${total} weight value${total === 1 ? '' : 's'} did not fit ${total === 1 ? 'its' : 'their'} type and wrapped or saturated:\n${list}\n` + 'Widen the precision class in the config (e.g. --set precision.linearWeight.I=…) or rescale the weights.\n';
}
