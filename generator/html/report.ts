// The HTML report of a design: routing maps, error along the network, cycles per op, resources against the board,
// synthesis beside the estimate, and (for `run --html`) the latency of each image. Every section the inputs cannot
// fill says which command fills it. Pure: inputs in, one self-contained page out (same inputs → same bytes).
import { basename, extname } from 'node:path';
import type { CsimRecord } from '../csim/record.ts';
import { cyclesToMs, type Estimate } from '../estimate/estimate.ts';
import type { CsynthReport } from '../report/csynth.ts';
import { chartSvg, type ChartSpec } from './charts.ts';
import { esc, figure, missing, page, table, type Section } from './page.ts';
import { clsExperts, expertLoadSpec, routingMapSpec, type Geometry } from './routing.ts';

/** One image × task outcome of `edgemoe run`. */
export interface RunLatency {
  image: string;
  task: string;
  backend: string;
  latencyMs?: number;
  error?: string;
}

export interface ReportInput {
  title: string;
  /** The design dir as the user named it (used in the commands the missing sections suggest). */
  designDir: string;
  /** Design name, board and clock, shown under the title. */
  meta: string;
  geometry: Geometry;
  /** csim runs (csim-runs/*.json, or the run just done). */
  records: readonly CsimRecord[];
  /** The PNG of each record's image (by record.image), or null when the file is gone. */
  images: ReadonlyMap<string, Uint8Array | null>;
  estimate: Estimate | null;
  /** The synthesised top function, when C-synthesis reports exist. */
  synthesis: { report: CsynthReport; path: string } | null;
  /** `run --html`: the run's outcomes. */
  runs?: readonly RunLatency[];
  /** Notes shown at the top (e.g. records of another config left out). */
  notes?: readonly string[];
  /** Sections drawn elsewhere, shown last (the profile and explore pictures when their JSON is there). */
  extra?: readonly Section[];
}

const stem = (p: string) => basename(p, extname(p));
const runLabel = (r: CsimRecord) => `${stem(r.image)} · ${r.taskName}`;
const fmt = (x: number | null) => (x === null ? '-' : x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4));
const count = (v: number) => Math.round(v).toLocaleString('en-US');

async function chart(spec: ChartSpec, caption: string): Promise<string> {
  return figure(await chartSvg(spec), caption);
}

/** Runs at a glance: image, task, final error, verdict, phases. */
function summarySection(inp: ReportInput): Section {
  const d = inp.designDir;
  if (!inp.records.length) {
    return { id: 'runs', title: 'csim runs', body: missing('csim run', `edgemoe csim -d ${d} -w WEIGHTS -t TASK --trace --cycles IMAGE`) };
  }
  const rows = inp.records.map((r) => [stem(r.image), r.taskName, fmt(r.final.mse), fmt(r.final.relMse), r.final.cosine === null ? '-' : r.final.cosine.toFixed(6), r.passed ? 'PASS' : `FAIL (> ${fmt(r.tolerance)})`, r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s${p.beside ? ` (beside ${p.beside})` : ''}`).join(', ')]);
  return { id: 'runs', title: 'csim runs', body: table(['image', 'task', 'MSE', 'MSE/var', 'cosine', 'verdict', 'phases'], rows) };
}

/** Per MoE block: the map of each task's run, then the expert load of every task. */
async function routingSection(inp: ReportInput): Promise<Section> {
  const withRouting = inp.records.filter((r) => r.routing.length > 0);
  const cmd = `edgemoe csim -d ${inp.designDir} -w WEIGHTS --trace -t TASK IMAGE`;
  if (!withRouting.length) return { id: 'routing', title: 'Routing maps', body: missing('MoE routing (from a traced csim run)', cmd) };
  const blocks = [...new Set(withRouting.flatMap((r) => r.routing.map((b) => b.block)))].sort((a, b) => a - b);
  let body = `<p>Each patch is coloured by the expert it goes to first (top-1); the dot has the colour of its second expert (top-2); a black outline marks a token whose expert set differs from the float reference's. Routing as the C-simulated kernel took it. One map per MoE block and run (image · task).</p>`;
  const seenMissing = new Set<string>();
  for (const r of withRouting) {
    if (inp.images.get(r.image) === null && !seenMissing.has(r.image)) {
      seenMissing.add(r.image);
      body += `<p class="missing">${esc(r.image)} is gone: its maps show the patches without the photograph.</p>`;
    }
  }
  for (const b of blocks) {
    body += `<h3>MoE block ${b}</h3>\n<div class="maps">`;
    const runs: Array<{ taskName: string; routing: CsimRecord['routing'][number] }> = [];
    for (const r of withRouting) {
      const br = r.routing.find((x) => x.block === b);
      if (!br) continue;
      runs.push({ taskName: runLabel(r), routing: br });
      const title = `block ${b} · ${runLabel(r)}`;
      const caption = `${br.differ.length} of ${br.tokens} tokens differ from the reference; cls → ${clsExperts(br)}`;
      body += await chart(routingMapSpec(br, inp.geometry, title, inp.images.get(r.image) ?? null), caption);
    }
    body += await chart(expertLoadSpec(b, runs, inp.geometry.experts), `block ${b}: token-expert pairs per expert, per run`);
    body += '</div>\n';
  }
  return { id: 'routing', title: 'Routing maps', body };
}

/** MSE/var and cosine of every traced op, per run. */
async function errorSection(inp: ReportInput): Promise<Section> {
  const traced = inp.records.filter((r) => r.ops.length > 0);
  if (!traced.length) return { id: 'error', title: 'Error along the network', body: missing('per-op error (from a traced csim run)', `edgemoe csim -d ${inp.designDir} -w WEIGHTS -t TASK --trace IMAGE`) };
  const values = traced.flatMap((r) => r.ops.map((o) => ({ op: `${String(o.id).padStart(3, '0')} ${o.trace}`, id: o.id, run: runLabel(r), relMse: o.relMse, cosine: o.cosine })));
  const ops = [...new Set(values.map((v) => v.op))].sort();
  const spec = (field: 'relMse' | 'cosine', title: string, log: boolean): ChartSpec =>
    ({
      title: { text: title, fontSize: 12 },
      width: Math.max(600, Math.min(1000, ops.length * 12)),
      height: 220,
      background: 'white',
      data: { values: values.filter((v) => v[field] !== null && (!log || v[field]! > 0)) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'op', type: 'ordinal', sort: ops, title: 'op (id, reference trace key)', axis: { labelAngle: -90, labelFontSize: 8 } },
        y: { field, type: 'quantitative', title, scale: log ? { type: 'log' } : { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'image · task', legend: { orient: 'bottom', labelLimit: 400 } },
      },
    }) as unknown as ChartSpec;
  let body = await chart(spec('relMse', 'MSE / var(reference)', true), 'MSE / var(reference) of each op output against the float64 reference (log scale)');
  body += await chart(spec('cosine', 'cosine similarity', false), 'cosine similarity of each op output with the float64 reference');
  const worst = traced.map((r) => {
    const w = r.ops.reduce((a, b) => ((b.relMse ?? -1) > (a.relMse ?? -1) ? b : a));
    return [runLabel(r), `${w.op} (op ${w.id}, ${w.trace})`, fmt(w.relMse), w.cosine === null ? '-' : w.cosine.toFixed(6)];
  });
  body += table(['run', 'largest MSE/var at', 'MSE/var', 'cosine'], worst);
  return { id: 'error', title: 'Error along the network', body };
}

/** The estimate per op (compute, loads, fill, bandwidth bound) and csim's counted iterations beside it. */
async function cyclesSection(inp: ReportInput): Promise<Section> {
  const e = inp.estimate;
  let body = '';
  if (!e) body += missing('estimate', `edgemoe gen -o ${inp.designDir}`);
  else {
    const label = (o: { id: number; name: string }) => `${String(o.id).padStart(3, '0')} ${o.name}`;
    const ops = e.ops.map(label);
    const parts = e.ops.flatMap((o) => [
      { op: label(o), part: 'compute', cycles: o.computeTicks },
      { op: label(o), part: 'weight/act loads', cycles: o.loadTicks },
      { op: label(o), part: 'pipeline fill', cycles: o.fill },
    ]);
    const bw = e.ops.map((o) => ({ op: label(o), bandwidth: o.bandwidthBound, binding: o.binding }));
    const spec = {
      title: { text: `cycles per op at ${e.clockMHz} MHz (bars: compute + loads + fill; tick: bandwidth bound)`, fontSize: 12 },
      width: Math.max(600, Math.min(1000, ops.length * 12)),
      height: 240,
      background: 'white',
      encoding: { x: { field: 'op', type: 'ordinal', sort: ops, title: 'op', axis: { labelAngle: -90, labelFontSize: 8 } } },
      layer: [
        { data: { values: parts }, mark: 'bar', encoding: { y: { field: 'cycles', type: 'quantitative', stack: 'zero', title: 'cycles' }, color: { field: 'part', type: 'nominal', title: 'part', sort: ['compute', 'weight/act loads', 'pipeline fill'], legend: { orient: 'bottom' } } } },
        { data: { values: bw }, mark: { type: 'tick', color: 'black', thickness: 2 }, encoding: { y: { field: 'bandwidth', type: 'quantitative' } } },
      ],
    } as unknown as ChartSpec;
    body += await chart(spec, 'estimate per op (edgemoe estimate --ops): the op binds on compute when its bar is above the tick, on bandwidth when below');
    const t = e.totals;
    const ms = (c: number) => cyclesToMs(c, e.clockMHz).toFixed(2);
    const binding = e.ops.filter((o) => o.binding === 'bandwidth').length;
    body += table(
      ['per image', 'cycles', 'ms'],
      [
        ['compute (ticks)', count(t.ticks), ms(t.ticks)],
        ['compute bound (+ fill), low – high', `${count(t.computeBoundFlat)} – ${count(t.computeBound)}`, `${ms(t.computeBoundFlat)} – ${ms(t.computeBound)}`],
        ['bandwidth bound', count(t.bandwidthBound), ms(t.bandwidthBound)],
        ['binding latency, low – high', `${count(t.boundFlat)} – ${count(t.bound)}`, `${ms(t.boundFlat)} – ${ms(t.bound)}`],
      ],
    );
    body += `<p>${binding} of ${e.ops.length} ops bind on bandwidth.</p>`;
  }
  const counted = inp.records.filter((r) => r.cycles && r.cycles.rows.length > 0);
  if (!counted.length) body += missing('csim cycle counts', `edgemoe csim -d ${inp.designDir} -w WEIGHTS -t TASK --cycles IMAGE`);
  else {
    const r = counted[0]!;
    const rows = r.cycles!.rows;
    const ops = rows.map((x) => `${String(x.id).padStart(3, '0')} ${x.name}`);
    const values = rows.flatMap((x, i) => [
      { op: ops[i], source: 'csim counted', cycles: x.counted },
      ...(x.predicted === null ? [] : [{ op: ops[i], source: 'estimate', cycles: x.predicted }]),
    ]);
    const spec = {
      title: { text: `csim --cycles: counted pipelined iterations vs the estimate (${runLabel(r)})`, fontSize: 12 },
      width: Math.max(600, Math.min(1000, ops.length * 12)),
      height: 200,
      background: 'white',
      data: { values },
      mark: 'bar',
      encoding: {
        x: { field: 'op', type: 'ordinal', sort: ops, title: 'op', axis: { labelAngle: -90, labelFontSize: 8 } },
        xOffset: { field: 'source', type: 'nominal' },
        y: { field: 'cycles', type: 'quantitative', title: 'iterations' },
        color: { field: 'source', type: 'nominal', title: '', legend: { orient: 'bottom' } },
      },
    } as unknown as ChartSpec;
    body += await chart(spec, `counted by the testbench (-DEDGEMOE_COUNT_CYCLES) beside the estimate; MoE ops with the ${r.cycles!.routing} routing`);
    const differ = rows.filter((x) => x.predicted !== x.counted).length;
    body += `<p>${differ === 0 ? 'Every op counts exactly what the estimate predicts.' : `${differ} op(s) differ from the estimate.`} Total counted: ${count(rows.reduce((a, x) => a + x.counted, 0))} iterations.</p>`;
  }
  return { id: 'cycles', title: 'Cycles', body };
}

const KINDS = ['DSP', 'BRAM36', 'URAM', 'LUT', 'FF'] as const;

/** HLS's figure of a kind in the estimate's units (BRAM_18K / 2 = BRAM36). */
function hlsResource(r: CsynthReport, k: (typeof KINDS)[number]): number | null {
  const res = r.module.resources;
  if (k === 'BRAM36') return res.BRAM_18K === null ? null : res.BRAM_18K / 2;
  return res[k];
}

/** Estimate (and synthesis) as a share of the board's capacity. */
async function resourcesSection(inp: ReportInput): Promise<Section> {
  const e = inp.estimate;
  if (!e) return { id: 'resources', title: 'Resources', body: missing('estimate', `edgemoe gen -o ${inp.designDir}`) };
  const cap = e.resources.capacity;
  const kinds = KINDS.filter((k) => cap[k] > 0);
  const values = kinds.flatMap((k) => {
    const out = [{ kind: k, source: 'estimate', percent: (100 * e.resources.total[k]) / cap[k] }];
    const h = inp.synthesis ? hlsResource(inp.synthesis.report, k) : null;
    if (h !== null) out.push({ kind: k, source: 'synthesis', percent: (100 * h) / cap[k] });
    return out;
  });
  const spec = {
    title: { text: `resources against the ${e.platform.board}'s capacity`, fontSize: 12 },
    width: { step: 40 },
    height: 200,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          x: { field: 'kind', type: 'nominal', sort: kinds, title: '' },
          xOffset: { field: 'source', type: 'nominal' },
          y: { field: 'percent', type: 'quantitative', title: '% of the board' },
          color: { field: 'source', type: 'nominal', title: '' },
        },
      },
      { data: { values: [{ full: 100 }] }, mark: { type: 'rule', color: 'red', strokeDash: [4, 3] }, encoding: { y: { field: 'full', type: 'quantitative' } } },
    ],
  } as unknown as ChartSpec;
  let body = await chart(spec, 'estimate (edgemoe estimate --resources) and, when reports exist, C-synthesis; the red line is the board');
  body += table(
    ['resource', 'estimate', 'synthesis', 'board', 'estimate %'],
    kinds.map((k) => {
      const h = inp.synthesis ? hlsResource(inp.synthesis.report, k) : null;
      return [k, count(e.resources.total[k]), h === null ? '-' : count(h), count(cap[k]), `${((100 * e.resources.total[k]) / cap[k]).toFixed(1)} %`];
    }),
  );
  if (e.resources.over.length) body += `<p class="missing">Over the board: ${esc(e.resources.over.join(', '))}.</p>`;
  return { id: 'resources', title: 'Resources', body };
}

/** The synthesised top beside the estimate, and each synthesised function's latency and resources. */
async function synthesisSection(inp: ReportInput): Promise<Section> {
  const s = inp.synthesis;
  if (!s) return { id: 'synthesis', title: 'Synthesis', body: missing('C-synthesis report (*_csynth.xml)', `edgemoe build -d ${inp.designDir} --target hls`) };
  const r = s.report;
  const e = inp.estimate;
  const m = r.module;
  let body = `<p>${esc(r.tool)} ${esc(r.version ?? '')}, top <code>${esc(r.top)}</code>, part ${esc(r.part ?? '?')}, clock ${r.targetClockNs ?? '?'} ns target / ${r.estimatedClockNs ?? '?'} ns estimated (${esc(s.path)}).</p>`;
  const rows: string[][] = [
    ['latency best (cycles)', fmtC(m.latency.best), e ? count(e.totals.boundFlat) : '-'],
    ['latency worst (cycles)', fmtC(m.latency.worst), e ? count(e.totals.bound) : '-'],
    ...KINDS.map((k) => [k, fmtC(hlsResource(r, k)), e ? count(e.resources.total[k]) : '-']),
  ];
  body += table(['figure', 'synthesis', 'estimate'], rows);
  const mods = [r.module, ...r.subModules].filter((x) => x.latency.worst !== null && x.latency.worst > 0);
  if (mods.length) {
    const values = mods.flatMap((x) => [
      { fn: x.name, figure: 'latency worst (cycles)', value: x.latency.worst },
      ...(x.resources.DSP !== null ? [{ fn: x.name, figure: 'DSP', value: x.resources.DSP }] : []),
      ...(x.resources.BRAM_18K !== null ? [{ fn: x.name, figure: 'BRAM_18K', value: x.resources.BRAM_18K }] : []),
    ]);
    const spec = {
      title: { text: 'per synthesised function', fontSize: 12 },
      background: 'white',
      data: { values: values.filter((v) => v.value! > 0) },
      facet: { column: { field: 'figure', type: 'nominal', title: '' } },
      spec: { width: 220, height: { step: 14 }, mark: 'bar', encoding: { y: { field: 'fn', type: 'nominal', title: '', sort: mods.map((x) => x.name) }, x: { field: 'value', type: 'quantitative', title: '', scale: { type: 'log' } } } },
      resolve: { scale: { x: 'independent' } },
    } as unknown as ChartSpec;
    body += await chart(spec, 'C-synthesis per function (log scale)');
  }
  return { id: 'synthesis', title: 'Synthesis', body };
}

const fmtC = (v: number | null) => (v === null ? '?' : count(v));

/** `run --html`: latency per image and task. */
async function runSection(runs: readonly RunLatency[]): Promise<Section> {
  const ok = runs.filter((r) => r.latencyMs !== undefined);
  let body = table(['image', 'task', 'backend', 'latency (ms)', 'error'], runs.map((r) => [r.image, r.task, r.backend, r.latencyMs === undefined ? '-' : r.latencyMs.toFixed(3), r.error ?? '']));
  if (ok.length) {
    const values = ok.map((r, i) => ({ run: `${String(i).padStart(3, '0')} ${stem(r.image)}.${r.task}`, ms: r.latencyMs }));
    const spec = {
      title: { text: 'latency per image and task', fontSize: 12 },
      width: { step: 16 },
      height: 180,
      background: 'white',
      data: { values },
      mark: 'bar',
      encoding: { x: { field: 'run', type: 'ordinal', title: '', axis: { labelAngle: -90 } }, y: { field: 'ms', type: 'quantitative', title: 'ms' } },
    } as unknown as ChartSpec;
    body += await chart(spec, 'wall time of the kernel call that produced each output');
  }
  return { id: 'run', title: 'Run', body };
}

/** The whole report page. */
export async function buildReport(inp: ReportInput): Promise<string> {
  const sections: Section[] = [];
  if (inp.notes?.length) sections.push({ id: 'notes', title: 'Notes', body: inp.notes.map((n) => `<p>${esc(n)}</p>`).join('\n') });
  if (inp.runs) sections.push(await runSection(inp.runs));
  sections.push(summarySection(inp));
  sections.push(await routingSection(inp));
  sections.push(await errorSection(inp));
  sections.push(await cyclesSection(inp));
  sections.push(await resourcesSection(inp));
  sections.push(await synthesisSection(inp));
  sections.push(...(inp.extra ?? []));
  return page(inp.title, inp.meta, sections);
}
