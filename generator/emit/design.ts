// Reading a generated design dir back: design.json (validated against the manifest contract) and its config.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateConfig } from '../config/index.ts';
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { fsErrorReason, nonUtf8Note } from '../io/files.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_ONCHIP, MANIFEST_FORMAT_PORTS, MANIFEST_FORMATS, manifestSchema, type DesignManifest } from '../manifest.ts';
import { findRegion } from './regions.ts';

export { findRegion, locateRegion, weightParts, weightsImageBytes } from './regions.ts';

/** File names inside a design dir. */
export const DESIGN_JSON = 'design.json';
export const CONFIG_JSON = 'config.json';

/** A generated design as read from disk. */
export interface Design {
  dir: string;
  manifest: DesignManifest;
  config: Config;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${fsErrorReason(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Validates parsed design.json text (read from `path`) against the manifest contract. The format is checked first:
 * a design of another edgemoe version gets one line asking for regeneration, not a list of schema issues.
 */
export function parseManifest(raw: unknown, path: string): DesignManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${path}: expected a JSON object (an edgemoe design.json)`);
  const format = (raw as { format?: unknown }).format;
  if (!(MANIFEST_FORMATS as readonly unknown[]).includes(format)) {
    const has = typeof format === 'string' ? `has format '${format}'` : 'has no "format" field';
    throw new UserError(`${path} ${has}, this edgemoe writes ${MANIFEST_FORMAT}: regenerate it with \`edgemoe gen\``);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new UserError(`${path} does not match the design.json contract (regenerate the design with \`edgemoe gen\`):\n${lines.join('\n')}`);
  }
  const m = parsed.data;
  // On-chip activations come with format /5 and only with it (weight parts optional there).
  if ((m.format === MANIFEST_FORMAT_ONCHIP) !== (m.onChip !== undefined))
    throw new UserError(`${path}: format ${m.format} ${m.format === MANIFEST_FORMAT_ONCHIP ? 'needs onChip (the regions held on chip)' : 'cannot carry onChip (on-chip activations are format ' + MANIFEST_FORMAT_ONCHIP + ')'}`);
  // Several weight ports come with format /4 (or /5) and only with it (a /3 reader would write one weights buffer).
  const parts = m.weights.parts;
  if (m.format === MANIFEST_FORMAT_ONCHIP) {
    if (parts !== undefined && parts.length < 2) throw new UserError(`${path}: weights.parts needs two or more weight regions`);
  } else if ((m.format === MANIFEST_FORMAT_PORTS) !== (parts !== undefined && parts.length > 1))
    throw new UserError(`${path}: format ${m.format} ${m.format === MANIFEST_FORMAT_PORTS ? 'needs weights.parts with two or more weight regions' : 'cannot carry weights.parts (several weight ports are format ' + MANIFEST_FORMAT_PORTS + ')'}`);
  if (parts) {
    if (parts[0]!.bundle !== m.weights.bundle || parts[0]!.region !== m.weights.region) throw new UserError(`${path}: weights.parts[0] must be the weights bundle and region (${m.weights.bundle}/${m.weights.region})`);
    for (const p of parts) findRegion(m, p.bundle, p.region);
    for (const t of m.weights.tensors) if (t.ports !== undefined && t.ports !== parts.length) throw new UserError(`${path}: tensor ${t.name} is split over ${t.ports} weight ports, weights.parts lists ${parts.length}`);
  } else if (m.weights.tensors.some((t) => t.ports !== undefined)) throw new UserError(`${path}: a tensor is split over weight ports but weights.parts is absent`);
  return m;
}

/** Reads and validates `<dir>/design.json` and `<dir>/config.json`; a bad or missing design is a UserError. */
export function readDesign(dir: string): Design {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UserError(`design dir ${dir} does not exist${nonUtf8Note(dir)} (generate it with \`edgemoe gen\`)`);
  const mpath = join(abs, DESIGN_JSON);
  const manifest = parseManifest(readJson(mpath, 'design manifest'), mpath);
  const config = validateConfig(readJson(join(abs, CONFIG_JSON), 'design config'), `'${join(abs, CONFIG_JSON)}'`);
  return { dir: abs, manifest, config };
}
