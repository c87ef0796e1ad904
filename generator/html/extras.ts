// The `profile` and `explore` pictures in a design's HTML report: read from their JSON outputs (profile -o FILE,
// explore --json > FILE), found in the design dir as profile.json / explore.json or named by report's options, and
// drawn with the same chart specs as their own pages. A file that is there but broken is a UserError naming it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { frontChart, type FrontChartInput } from '../explore/html.ts';
import { profileChartSpec } from '../profile/html.ts';
import type { ProfileResult, RangeProfile } from '../profile/profile.ts';
import { chartSvg } from './charts.ts';
import { esc, figure, table, type Section } from './page.ts';

/** Default file names in a design dir. */
export const PROFILE_JSON = 'profile.json';
export const EXPLORE_JSON = 'explore.json';

/** The explore --json fields the report draws. */
export interface ExploreOutput extends FrontChartInput {
  objective: string;
  chosenConfig: string | null;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the ${what}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${path}: corrupt ${what} (not JSON)`);
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown) => typeof x === 'number';

/** Checks `cond`, else a UserError naming the file and the field. */
function need(cond: boolean, path: string, what: string, field: string, expected: string): void {
  if (!cond) throw new UserError(`${path}: corrupt ${what} (${field}: expected ${expected})`);
}

const RANGE_FIELDS = ['lsb', 'typeMax', 'q01', 'q25', 'q50', 'q75', 'maxAbs', 'outOfRange'] as const;

/** A profile JSON (`edgemoe profile -o FILE`). */
export function readProfileJson(path: string): ProfileResult {
  const what = 'profile JSON (edgemoe profile -o)';
  const j = readJson(path, what);
  need(isObj(j), path, what, 'top level', 'an object');
  const o = j as Record<string, unknown>;
  need(typeof o.config === 'string', path, what, 'config', 'a string');
  for (const k of ['images', 'tasks', 'gates'] as const) need(Array.isArray(o[k]), path, what, k, 'an array');
  for (const k of ['weights', 'activations'] as const) {
    need(Array.isArray(o[k]), path, what, k, 'an array');
    (o[k] as unknown[]).forEach((r, i) => {
      need(isObj(r) && typeof r.name === 'string' && typeof r.ctype === 'string', path, what, `${k}[${i}]`, 'an object with name and ctype');
      for (const f of RANGE_FIELDS) need(finite((r as Record<string, unknown>)[f]), path, what, `${k}[${i}].${f}`, 'a number');
    });
  }
  return o as unknown as ProfileResult;
}

/** An exploration JSON (`edgemoe explore --json > FILE`). */
export function readExploreJson(path: string): ExploreOutput {
  const what = 'explore JSON (edgemoe explore --json)';
  const j = readJson(path, what);
  need(isObj(j), path, what, 'top level', 'an object');
  const o = j as Record<string, unknown>;
  need(typeof o.name === 'string', path, what, 'name', 'a string');
  need(typeof o.platform === 'string', path, what, 'platform', 'a platform id string');
  for (const k of ['ranked', 'front'] as const) {
    need(Array.isArray(o[k]), path, what, k, 'an array');
    (o[k] as unknown[]).forEach((p, i) => {
      const q = p as Record<string, unknown>;
      need(isObj(p) && typeof q.id === 'string', path, what, `${k}[${i}].id`, 'a string');
      need(isObj(q.latency) && finite(q.latency.ms), path, what, `${k}[${i}].latency.ms`, 'a number');
      need(isObj(q.resources) && finite(q.resources.DSP), path, what, `${k}[${i}].resources.DSP`, 'a number');
    });
  }
  need(Array.isArray(o.checks), path, what, 'checks', 'an array');
  (o.checks as unknown[]).forEach((c, i) => need(isObj(c) && typeof c.id === 'string' && finite(c.relMse), path, what, `checks[${i}]`, 'an object with id and relMse'));
  need(o.chosen === null || (isObj(o.chosen) && typeof o.chosen.id === 'string'), path, what, 'chosen', 'null or a point with an id');
  return { ...(o as unknown as ExploreOutput), platform: { id: o.platform as string } };
}

/** Where the report takes them from: an option's file (must exist), else the design dir's default file if present. */
export function extraFiles(dir: string, o: { profile?: string; explore?: string }): { profile: string | null; explore: string | null } {
  const pick = (given: string | undefined, opt: string, name: string) => {
    if (given !== undefined) {
      if (!existsSync(given)) throw new UserError(`${opt} ${given}: no such file`);
      return given;
    }
    return existsSync(join(dir, name)) ? join(dir, name) : null;
  };
  return { profile: pick(o.profile, '--profile', PROFILE_JSON), explore: pick(o.explore, '--explore', EXPLORE_JSON) };
}

const worst = (rows: readonly RangeProfile[]) => rows.filter((r) => r.outOfRange > 0).map((r) => r.name);

/** The numerical-profile section: the weights' and activations' |value| boxes over their types' ranges. */
export async function profileSection(p: ProfileResult, file: string): Promise<Section> {
  const w = await chartSvg(profileChartSpec(p.weights, 'weights: |value| box (1–25–50–75 % and max) over the type range [LSB, max] (grey)'));
  const a = await chartSvg(profileChartSpec(p.activations, 'activations: |value| box over the type range (grey)'));
  const over = [...worst(p.weights), ...worst(p.activations)];
  return {
    id: 'profile',
    title: 'Numerical profile (float reference)',
    body:
      `<p>From <code>${esc(file)}</code>: ${p.images.length} image(s) (${esc(p.images.join(', '))}), tasks ${esc(p.tasks.join(', '))}. ` +
      (over.length ? `Out of range: ${esc(over.join(', '))}.` : 'Every tensor and activation fits its type.') +
      '</p>' +
      figure(w, 'one box per packed tensor, its type range drawn behind it') +
      figure(a, 'one box per op output'),
  };
}

/** The exploration section: latency vs DSP with the Pareto front, the chosen point and the csim-checked points. */
export async function exploreSection(x: ExploreOutput, file: string): Promise<Section> {
  const svg = await chartSvg(frontChart(x));
  const checks = x.checks.flatMap((c) => c.images.map((im) => [c.id, im.image, im.relMse.toExponential(2), im.cosine.toFixed(5), `${(im.topkAgreement * 100).toFixed(1)}%`, c.passed ? 'pass' : 'FAIL']));
  return {
    id: 'explore',
    title: 'Design-space exploration',
    body:
      `<p>From <code>${esc(file)}</code>: ${x.ranked.length} points fit on ${esc(x.platform.id)}, ${x.front.length} on the Pareto front (objective ${esc(x.objective)})` +
      (x.chosen ? `; chosen <code>${esc(x.chosen.id)}</code>${x.chosenConfig ? ` (<code>${esc(x.chosenConfig)}</code>)` : ''}` : '; none chosen') +
      '.</p>' +
      figure(svg, 'Every point that fits the board (modelled latency vs DSPs); the line is the Pareto front.') +
      (checks.length ? table(['point', 'image', 'MSE/var', 'cosine', 'top-k agreement', 'verdict'], checks) : '<p class="missing">No point was C-simulated (<code>--top 0</code>).</p>'),
  };
}
