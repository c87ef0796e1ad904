// `profile --html`: one self-contained page: hls4ml's numerical profile (one box per tensor / activation, the type's
// range drawn behind it), the tables and the gate margins.
import { chartSvg, type ChartSpec } from '../html/charts.ts';
import { figure, page, table } from '../html/page.ts';
import type { ProfileResult, RangeProfile } from './profile.ts';
import { verdict } from './report.ts';

const num = (x: number) => (!Number.isFinite(x) ? String(x) : x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(4));
/** Smallest |v| drawn (log axis): values below are clamped here. */
const FLOOR = 2 ** -24;
const clamp = (x: number) => Math.max(FLOOR, x);

/** The Vega-Lite spec of a numerical profile: per row, the |v| box (1 %, 25 %, 50 %, 75 %, max) and the type's [LSB, max]. */
export function profileChartSpec(rows: readonly RangeProfile[], title: string): ChartSpec {
  const data = rows.map((r) => ({
    name: r.name,
    type: r.ctype,
    lsb: clamp(r.lsb),
    tmax: clamp(r.typeMax),
    q01: clamp(r.q01),
    q25: clamp(r.q25),
    q50: clamp(r.q50),
    q75: clamp(r.q75),
    max: clamp(r.maxAbs),
    over: r.outOfRange > 0 ? 'out of range' : 'fits',
  }));
  const y = { field: 'name', type: 'nominal' as const, sort: null, title: null, axis: { labelFontSize: 9 } };
  const x = (field: string) => ({ field, type: 'quantitative' as const, scale: { type: 'log' as const, base: 2 }, title: '|value| (log2 scale)' });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: { step: 11 },
    data: { values: data },
    layer: [
      { mark: { type: 'bar', color: '#dddddd', size: 10 }, encoding: { y, x: x('lsb'), x2: { field: 'tmax' }, tooltip: [{ field: 'type' }] } },
      { mark: { type: 'rule', color: '#555' }, encoding: { y, x: x('q01'), x2: { field: 'max' } } },
      {
        mark: { type: 'bar', size: 6 },
        encoding: {
          y,
          x: x('q25'),
          x2: { field: 'q75' },
          color: { field: 'over', type: 'nominal', scale: { domain: ['fits', 'out of range'], range: ['#4c78a8', '#e45756'] }, title: null },
        },
      },
      { mark: { type: 'tick', color: 'white', thickness: 1, size: 6 }, encoding: { y, x: x('q50') } },
      { mark: { type: 'tick', color: '#222', thickness: 2, size: 8 }, encoding: { y, x: x('max') } },
    ],
  } as ChartSpec;
}

function rangeTable(rows: readonly RangeProfile[]): string {
  return table(
    ['name', 'type', 'max |v|', 'p99.9 |v|', 'rms', 'range', 'need I', 'I', 'rel. q-error', 'verdict'],
    rows.map((r) => [r.name, r.ctype, num(r.maxAbs), num(r.q999), num(r.rms), `±${num(r.typeMax)}`, r.neededI, r.typeI, num(r.relQuantError), verdict(r)]),
  );
}

/** The whole page. */
export async function profileHtml(p: ProfileResult): Promise<string> {
  const wChart = await chartSvg(profileChartSpec(p.weights, 'weights: |value| box (1–25–50–75 % and max) over the type range [LSB, max] (grey)'));
  const aChart = await chartSvg(profileChartSpec(p.activations, 'activations: |value| box over the type range (grey)'));
  const gates = table(
    ['MoE block', 'tokens', 'gap min', 'gap p1', 'gap median', 'gap < 1e-2', 'max |logit|'],
    p.gates.map((g) => [`block${g.block}`, g.tokens, num(g.min), num(g.p1), num(g.median), g.below1e2, num(g.maxAbsLogit)]),
  );
  return page(`edgemoe profile: ${p.config}`, `${p.images.length} image(s): ${p.images.join(', ')}; tasks ${p.tasks.join(', ')}`, [
    { id: 'weights', title: 'Weights', body: figure(wChart, 'one box per packed tensor, its type range drawn behind it') + rangeTable(p.weights) },
    { id: 'activations', title: 'Activations', body: figure(aChart, 'one box per op output') + rangeTable(p.activations) },
    { id: 'gates', title: 'Gate margins', body: `<p>Gap between the k-th and (k+1)-th largest gate logit per token: where fixed-point error flips routing first.</p>${gates}` },
  ]);
}
