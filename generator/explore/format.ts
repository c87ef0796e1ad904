// Text and JSON views of an exploration: the Pareto front with its csim checks, the chosen point, why nothing fits.
import type { PlatformInfo } from '../build/platforms.ts';
import type { PointCheck } from './check.ts';
import { knobsText, SKIPS } from './space.ts';
import { RESOURCE_NAMES as RESOURCE_ORDER, type EvaluatedPoint, type NoFit, type Objective } from './evaluate.ts';

/** Everything one `edgemoe explore` run found. */
export interface Exploration {
  name: string;
  platform: PlatformInfo;
  objective: Objective;
  maxUtil: number;
  /** Grid points tried, rejected by the config rules, skipped by a rule of the space (space.ts SKIPS), evaluated,
   *  fitting. */
  counts: { grid: number; rejected: number; skipped?: number; evaluated: number; fitting: number };
  ranked: EvaluatedPoint[];
  front: EvaluatedPoint[];
  checks: PointCheck[];
  chosen: EvaluatedPoint | null;
  images: string[];
  tolerance: number;
  minAgreement: number;
}

/** Left-aligned first column, the rest right-aligned. */
export function textTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

/** Milliseconds with three significant digits below 10 ms, two decimals above. */
export const fmtMs = (ms: number) => (ms < 10 ? ms.toPrecision(3) : ms.toFixed(2));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');

/** A point's knobs as the table shows them. */
export function knobText(p: EvaluatedPoint): string {
  return knobsText(p.knobs, p.config);
}

const HEAD = ['point', 'tile, P, AXI', 'ms (high)', 'ms (low)', 'limited by', 'DSP', 'BRAM36', 'URAM', 'LUT', 'FF', 'highest util', 'MSE/var', 'cosine', 'top-k'];

function row(p: EvaluatedPoint, check: PointCheck | undefined, mark: string): string[] {
  const l = p.latency!;
  const r = p.resources;
  return [
    `${mark}${p.id}`,
    knobText(p),
    fmtMs(l.ms),
    fmtMs(l.msLow),
    l.limitedBy,
    int(r.DSP),
    int(r.BRAM36),
    int(r.URAM),
    int(r.LUT),
    int(r.FF),
    `${p.binding} ${pct(p.util[p.binding])}`,
    check ? check.relMse.toExponential(2) : '-',
    check ? check.cosine.toFixed(5) : '-',
    check ? `${(check.topkAgreement * 100).toFixed(1)}%` : '-',
  ];
}

/** The Pareto front and the checked points as one table, the chosen point marked with '*'. */
export function formatExploration(x: Exploration): string {
  const checks = new Map(x.checks.map((c) => [c.id, c]));
  const shown = [...x.front];
  for (const p of x.ranked) if (checks.has(p.id) && !shown.includes(p)) shown.push(p);
  shown.sort((a, b) => a.resources.DSP - b.resources.DSP || a.latency!.cycles - b.latency!.cycles);
  const c = x.counts;
  let s = `${x.name} on ${x.platform.board}: ${c.grid} grid points, ${c.rejected} rejected by the config rules, ${c.skipped ? `${c.skipped} skipped (${SKIPS.map((r) => r.why).join('; ')}), ` : ''}${c.evaluated} estimated, ${c.fitting} fit under ${pct(x.maxUtil)} of every resource\n`;
  s += `Pareto front (modelled latency vs DSP)${x.checks.length ? ' and the csim-checked points' : ''}; '*' = chosen, ranked by ${x.objective}:\n`;
  s += textTable(HEAD, shown.map((p) => row(p, checks.get(p.id), p === x.chosen ? '*' : x.front.includes(p) ? ' ' : '+')));
  if (shown.some((p) => !x.front.includes(p))) s += "('+': checked, not on the front)\n";
  if (x.checks.length) s += `accuracy on ${x.images.length} image${x.images.length === 1 ? '' : 's'} (worst image; pass: MSE/var ≤ ${x.tolerance}, top-k agreement ≥ ${pct(x.minAgreement)}): ${x.checks.filter((k) => k.passed).length}/${x.checks.length} checked points pass\n`;
  return s;
}

/** The one line saying which resource kept every point off the board. */
export function formatNoFit(name: string, board: string, maxUtil: number, n: NoFit, total: number): string {
  const say = (c: NoFit['counts'][number]) => `${c.resource} (the least any point needs is ${int(c.least)}, the cap ${int(c.capacity * maxUtil)} of ${int(c.capacity)})`;
  if (n.everywhere.length) {
    const bound = n.counts.filter((c) => n.everywhere.includes(c.resource));
    return `explore: no point of ${name} fits the ${board} under ${pct(maxUtil)} utilisation: every one of the ${total} points is over on ${bound.map(say).join(' and ')}`;
  }
  // Mixed: each point breaks at least one of these; the most frequent first.
  const most = [...n.counts].sort((a, b) => b.points - a.points || RESOURCE_ORDER.indexOf(a.resource) - RESOURCE_ORDER.indexOf(b.resource));
  return `explore: no point of ${name} fits the ${board} under ${pct(maxUtil)} utilisation; no single resource binds them all, each point is over on one or more of: ${most.map((c) => `${say(c)} in ${c.points}/${total}`).join(', ')}`;
}

/** JSON view: the points' figures without their whole configs (the chosen config is written to its own file). */
export function explorationJson(x: Exploration, chosenFile: string | null, html: string | null): object {
  const pt = (p: EvaluatedPoint) => ({ id: p.id, knobs: p.knobs, latency: p.latency, resources: p.resources, util: p.util, binding: p.binding });
  return {
    name: x.name,
    platform: x.platform.id,
    objective: x.objective,
    maxUtil: x.maxUtil,
    counts: x.counts,
    front: x.front.map(pt),
    ranked: x.ranked.map(pt),
    checks: x.checks,
    chosen: x.chosen ? pt(x.chosen) : null,
    chosenConfig: chosenFile,
    html,
  };
}
