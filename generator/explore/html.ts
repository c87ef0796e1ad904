// The exploration as one self-contained HTML page: the latency-vs-DSP picture with the Pareto front, the front and
// the csim checks as tables, how the search went.
import { chartSvg, type ChartSpec } from '../html/charts.ts';
import { esc, figure, page, table } from '../html/page.ts';
import type { PointCheck } from './check.ts';
import { fmtMs, knobText, type Exploration } from './format.ts';
import { SKIPS } from './space.ts';

/** A point as the chart needs it (an EvaluatedPoint, or one of explore --json's points). */
interface ChartPoint {
  id: string;
  latency: { ms: number } | null | undefined;
  resources: { DSP: number };
}
/** What the chart needs of an exploration: an Exploration, or its --json output (report --html draws that). */
export interface FrontChartInput {
  name: string;
  platform: { id: string };
  ranked: readonly ChartPoint[];
  front: readonly ChartPoint[];
  checks: readonly PointCheck[];
  chosen: ChartPoint | null;
}

/** Vega-Lite: every fitting point, the Pareto front as a line, the chosen point and the checked points marked. */
export function frontChart(x: FrontChartInput): ChartSpec {
  const checked = new Map(x.checks.map((c) => [c.id, c]));
  const onFront = new Set(x.front.map((p) => p.id));
  const values = x.ranked.map((p) => ({
    id: p.id,
    dsp: p.resources.DSP,
    ms: Number(p.latency!.ms.toFixed(4)),
    kind: p.id === x.chosen?.id ? 'chosen' : checked.has(p.id) ? 'csim-checked' : onFront.has(p.id) ? 'Pareto front' : 'fits',
    mseVar: checked.get(p.id)?.relMse ?? null,
  }));
  const front = x.front.map((p) => ({ dsp: p.resources.DSP, ms: Number(p.latency!.ms.toFixed(4)) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${x.name} on ${x.platform.id}: modelled latency (binding, upper) vs DSP`,
    width: 560,
    height: 340,
    layer: [
      {
        data: { values: front },
        mark: { type: 'line', interpolate: 'step-after', color: '#999' },
        encoding: { x: { field: 'dsp', type: 'quantitative' }, y: { field: 'ms', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: { field: 'dsp', type: 'quantitative', title: 'DSP (estimate)' },
          y: { field: 'ms', type: 'quantitative', title: 'latency per image, ms (model)', scale: { zero: false } },
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['fits', 'Pareto front', 'csim-checked', 'chosen'], range: ['#c8c8c8', '#1f77b4', '#ff7f0e', '#d62728'] } },
        },
      },
    ],
  } as ChartSpec;
}

/** The whole page. */
export async function explorationHtml(x: Exploration, command: string): Promise<string> {
  const checked = new Map(x.checks.map((c) => [c.id, c]));
  const rows = x.front.map((p) => {
    const c = checked.get(p.id);
    return [
      `${p === x.chosen ? '* ' : ''}${p.id}`,
      knobText(p),
      fmtMs(p.latency!.ms),
      fmtMs(p.latency!.msLow),
      p.latency!.limitedBy,
      p.resources.DSP,
      p.resources.BRAM36,
      p.resources.LUT,
      p.resources.FF,
      `${p.binding} ${(p.util[p.binding] * 100).toFixed(0)}%`,
      c ? c.relMse.toExponential(2) : '-',
    ];
  });
  const checkRows = x.checks.flatMap((c) => c.images.map((im) => [c.id, im.image, im.relMse.toExponential(2), im.cosine.toFixed(5), `${(im.topkAgreement * 100).toFixed(1)}%`, c.passed ? 'pass' : 'FAIL']));
  const n = x.counts;
  const sections = [
    { id: 'front', title: 'Pareto front', body: figure(await chartSvg(frontChart(x)), 'Every point that fits the board; the line is the Pareto front (no point is both faster and cheaper in DSPs).') + table(['point', 'tile, P, AXI', 'ms (high)', 'ms (low)', 'limited by', 'DSP', 'BRAM36', 'LUT', 'FF', 'highest util', 'MSE/var'], rows) },
    {
      id: 'checks',
      title: 'Accuracy (csim vs float reference)',
      body: x.checks.length
        ? table(['point', 'image', 'MSE/var', 'cosine', 'top-k agreement', 'verdict'], checkRows) + `<p>Pass: MSE/var ≤ ${esc(String(x.tolerance))} and top-k agreement ≥ ${esc((x.minAgreement * 100).toFixed(0))}% on every image.</p>`
        : '<p class="missing">No point was C-simulated (<code>--top 0</code>).</p>',
    },
    {
      id: 'search',
      title: 'Search',
      body: `<p>Exhaustive over a bounded grid (linear tile in × out, attention parallelism P, AXI width, weight ports, the patch embedding's unit, precision): ${n.grid} points, ${n.rejected} rejected by the config rules, ${n.skipped ? `${n.skipped} skipped (${esc(SKIPS.map((r) => r.why).join('; '))}), ` : ''}${n.evaluated} estimated, ${n.fitting} fit under ${(x.maxUtil * 100).toFixed(0)}% of every resource of the ${esc(x.platform.board)}. Latency is the estimator's binding bound (compute vs memory per op), a model, not a measurement.</p><p><code>${esc(command)}</code></p>`,
    },
  ];
  return page(`edgemoe explore: ${x.name}`, `${x.platform.board}, objective ${x.objective}${x.chosen ? `, chosen ${x.chosen.id} at ${fmtMs(x.chosen.latency!.ms)} ms modelled` : ''}`, sections);
}
