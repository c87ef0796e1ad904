// Charts for the HTML reports: Vega-Lite specs compiled and rendered to SVG in Node (no browser, no canvas, no network).
import type { TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

/** Renders one Vega-Lite spec to a standalone SVG string; the same spec gives the same bytes. */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  // vega and vega-lite (~140 modules, ~1 s to load) only when a chart is drawn, not at every CLI start.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
