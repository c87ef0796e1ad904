// The profile as text: one row per tensor / activation against its type, the gate margins, and the warnings.
import type { GateMarginProfile, ProfileResult, RangeProfile } from './profile.ts';

const num = (x: number) => (!Number.isFinite(x) ? String(x) : x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(4));

function grid(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i < 2 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

/** What a row says about its type: overflow risk, wasted integer bits, or ok. */
export function verdict(r: RangeProfile): string {
  if (r.outOfRange > 0) return r.kind === 'weight' ? `OVERFLOW ${r.outOfRange} values` : 'OVERFLOW';
  if (r.wastedIntBits > 0) return `${r.wastedIntBits} int bit${r.wastedIntBits === 1 ? '' : 's'} unused`;
  return 'ok';
}

/** One table of ranges against types. */
export function formatRanges(rows: readonly RangeProfile[]): string {
  const head = ['name', 'type', 'max|v|', 'p99.9|v|', 'rms', 'range', 'need I', 'I', 'rel. q-error', 'verdict'];
  return grid(head, rows.map((r) => [r.name, r.ctype, num(r.maxAbs), num(r.q999), num(r.rms), `±${num(r.typeMax)}`, String(r.neededI), String(r.typeI), num(r.relQuantError), verdict(r)]));
}

/** The gate-margin table. */
export function formatGates(gates: readonly GateMarginProfile[]): string {
  if (gates.length === 0) return '';
  const head = ['MoE block', 'tokens', 'gap min', 'gap p1', 'gap median', 'gap < 1e-2', 'max |logit|'];
  return grid(head, gates.map((g) => [`block${g.block}`, String(g.tokens), num(g.min), num(g.p1), num(g.median), String(g.below1e2), num(g.maxAbsLogit)]));
}

/** The whole text report. */
export function formatProfile(p: ProfileResult): string {
  return (
    `profile of ${p.config} over ${p.images.length} image${p.images.length === 1 ? '' : 's'} × ${p.tasks.length} task${p.tasks.length === 1 ? '' : 's'} (${p.tasks.join(', ')})\n\n` +
    `weights (packed tensors, quantized as pack does):\n${formatRanges(p.weights)}\n` +
    `activations (op outputs of the float reference):\n${formatRanges(p.activations)}\n` +
    `gate margins (k-th − (k+1)-th largest logit per token):\n${formatGates(p.gates)}`
  );
}

/** One warning line per tensor or activation whose type is too narrow for its observed range ('' when none). */
export function rangeWarnings(p: ProfileResult): string {
  const bad = [...p.weights, ...p.activations].filter((r) => r.outOfRange > 0);
  return bad
    .map((r) => `WARNING: ${r.kind} ${r.name}: observed ${num(r.min)} .. ${num(r.max)} does not fit ${r.ctype} (range ${num(r.typeMin)} .. ${num(r.typeMax)}; needs I ≥ ${r.neededI})${r.kind === 'weight' ? `: ${r.outOfRange} of ${r.values} values would ${/AP_SAT/.test(r.ctype) ? 'saturate' : 'wrap'}` : ''}\n`)
    .join('');
}
