// Routing maps of the HTML report: per MoE block and task, the input image with each patch coloured by the expert
// it goes to first (top-1), a dot in the colour of its second expert (top-2), and an outline on the tokens whose
// expert set differs from the float reference; and per block the expert load (tokens per expert) of each task.
import { PNG } from 'pngjs';
import type { CsimRecord } from '../csim/record.ts';
import type { ChartSpec } from './charts.ts';

/** What a map needs to know about the design's geometry. */
export interface Geometry {
  gridH: number;
  gridW: number;
  imgH: number;
  imgW: number;
  experts: number;
}

type BlockRouting = CsimRecord['routing'][number];

/** CHW 8-bit pixels (1 or 3 channels) as PNG bytes. */
export function chwToPng(chw: Uint8Array, c: number, h: number, w: number): Uint8Array {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      for (let k = 0; k < 3; k++) png.data[o + k] = chw[(c === 1 ? 0 : k) * h * w + y * w + x]!;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

const expertName = (e: number) => `E${String(e).padStart(2, '0')}`;

/** The experts' colour scale, shared by every map and load chart (the same expert keeps its colour everywhere). */
function expertScale(experts: number) {
  return { domain: Array.from({ length: experts }, (_, e) => expertName(e)), scheme: experts <= 10 ? 'category10' : 'category20' };
}

/** The expert legend under the map, in rows of 8. */
const EXPERT_LEGEND = { orient: 'bottom', columns: 8, symbolSize: 50, labelFontSize: 9, titleFontSize: 10 } as const;

/** Map width in pixels: the image scaled to about 400 px wide. */
const MAP_WIDTH = 400;

/** Vega-Lite spec of one routing map (token 0, the cls token, has no patch; the caption names its experts). */
export function routingMapSpec(r: BlockRouting, g: Geometry, title: string, imagePng: Uint8Array | null): ChartSpec {
  const K = r.topK;
  const differ = new Set(r.differ);
  const cells = [];
  for (let t = 1; t < r.tokens; t++) {
    const p = t - 1;
    const gy = Math.floor(p / g.gridW);
    const gx = p % g.gridW;
    cells.push({
      token: t,
      x0: gx,
      x1: gx + 1,
      xc: gx + 0.5,
      y0: gy,
      y1: gy + 1,
      yc: gy + 0.5,
      top1: expertName(r.kernel[t * K]!),
      top2: K > 1 ? expertName(r.kernel[t * K + 1]!) : null,
      differs: differ.has(t),
    });
  }
  const width = MAP_WIDTH;
  const height = Math.round((MAP_WIDTH * g.imgH) / g.imgW);
  const cell = width / g.gridW;
  const x = { field: 'x0', type: 'quantitative', scale: { domain: [0, g.gridW], nice: false, zero: true }, axis: null } as const;
  const y = { field: 'y0', type: 'quantitative', scale: { domain: [0, g.gridH], nice: false, zero: true, reverse: true }, axis: null } as const;
  const color = expertScale(g.experts);
  const layers: unknown[] = [];
  if (imagePng) {
    const url = `data:image/png;base64,${Buffer.from(imagePng).toString('base64')}`;
    layers.push({
      data: { values: [{ url }] },
      mark: { type: 'image', width, height, align: 'left', baseline: 'top', aspect: false },
      encoding: { url: { field: 'url', type: 'nominal' }, x: { value: 0 }, y: { value: 0 } },
    });
  }
  layers.push({
    data: { values: cells },
    mark: { type: 'rect', opacity: imagePng ? 0.5 : 0.9 },
    encoding: { x, x2: { field: 'x1' }, y, y2: { field: 'y1' }, color: { field: 'top1', type: 'nominal', scale: color, title: 'expert', legend: EXPERT_LEGEND } },
  });
  if (K > 1) {
    layers.push({
      data: { values: cells },
      mark: { type: 'point', filled: true, opacity: 1, size: Math.max(6, Math.round(cell * cell * 0.12)), stroke: 'white', strokeWidth: 0.5 },
      encoding: { x: { ...x, field: 'xc' }, y: { ...y, field: 'yc' }, color: { field: 'top2', type: 'nominal', scale: color, title: 'expert', legend: EXPERT_LEGEND } },
    });
  }
  if (differ.size > 0) {
    layers.push({
      data: { values: cells.filter((c) => c.differs) },
      mark: { type: 'rect', filled: false, stroke: 'black', strokeWidth: 2 },
      encoding: { x, x2: { field: 'x1' }, y, y2: { field: 'y1' } },
    });
  }
  return { title: { text: title, fontSize: 12 }, width, height, background: 'white', layer: layers, resolve: { scale: { color: 'shared' } } } as unknown as ChartSpec;
}

/** Vega-Lite spec of one block's expert load: token-expert pairs per expert, one bar per task. */
export function expertLoadSpec(block: number, runs: ReadonlyArray<{ taskName: string; routing: BlockRouting }>, experts: number): ChartSpec {
  const values: Array<{ expert: string; task: string; tokens: number }> = [];
  for (const { taskName, routing } of runs) {
    const n = new Array<number>(experts).fill(0);
    for (const e of routing.kernel) n[e]!++;
    n.forEach((tokens, e) => values.push({ expert: expertName(e), task: taskName, tokens }));
  }
  return {
    title: { text: `block ${block}: expert load (tokens per expert, top-${runs[0]?.routing.topK ?? 0} picks)`, fontSize: 12 },
    width: { step: 10 },
    height: 140,
    background: 'white',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'expert', type: 'nominal', title: 'expert', sort: expertScale(experts).domain },
      xOffset: { field: 'task', type: 'nominal' },
      y: { field: 'tokens', type: 'quantitative', title: 'tokens' },
      color: { field: 'task', type: 'nominal', title: 'run', legend: { orient: 'bottom', labelLimit: 400 } },
    },
  } as unknown as ChartSpec;
}

/** The cls token's experts, for a map's caption. */
export function clsExperts(r: BlockRouting): string {
  return r.kernel.slice(0, r.topK).map(expertName).join(', ');
}
