// Charts for the HTML reports: Vega-Lite specs compiled and rendered to SVG in Node (no browser, no canvas, no network).
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

/** Renders one Vega-Lite spec to a standalone SVG string; the same spec gives the same bytes. */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
