// Resolving a config: preset or file (with "extends"), then --set overrides, then schema and hardware rules.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { fsErrorReason } from '../io/files.ts';
import { configSchema, type Config } from './schema.ts';
import { PRESETS, DEFAULT_PRESET } from './presets.ts';
import { checkRules, type Violation } from './rules.ts';
import { capacityViolations, type CapacityOptions } from './capacity.ts';

/** Where a config comes from: a preset name, a JSON file, and `path=value` overrides. */
export interface ConfigSource {
  preset?: string;
  file?: string;
  sets?: string[];
  /** false: skip the check of the resource estimate against the board (explore's starting point; see capacity.ts). */
  boardFit?: boolean;
}

/** A config that broke the schema or a hardware rule; lists every violation. */
export class ConfigError extends UserError {
  readonly violations: Violation[];
  constructor(origin: string, violations: Violation[]) {
    const lines = violations.map((v) => `  ${v.path || '(root)'}: ${v.rule}`);
    super(`invalid config ${origin} (${violations.length} problem${violations.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.violations = violations;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) replaces; a null member removes the key
 *  it inherits (as RFC 7396 JSON Merge Patch: a config extending a preset can drop one of its bundles). */
export function deepMerge(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) return structuredClone(over);
  const out: Record<string, Json> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? deepMerge(out[k]!, v) : structuredClone(v);
  }
  return out;
}

/** The raw (unvalidated) JSON of a preset. */
export function presetJson(name: string): Json {
  const p = PRESETS[name];
  if (!p) throw new UserError(`unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
  return p.config() as unknown as Json;
}

/** `from`: the config whose "extends" names `file` (a missing base is then worded as a bad "extends"). */
function readConfigFile(file: string, seen: string[] = [], from?: { file: string; ext: string }): Json {
  const path = resolve(file);
  if (seen.includes(path)) throw new UserError(`config ${file}: "extends" cycle through ${seen.join(' -> ')}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = fsErrorReason(e);
    if (from) throw new UserError(`config ${from.file}: "extends": "${from.ext}" is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable config file (${path}: ${why})`);
    throw new UserError(`cannot read config ${file}: ${why}`);
  }
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    throw new UserError(`config ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new UserError(`config ${file}: expected a JSON object at the top level`);
  const { extends: ext, ...rest } = json;
  if (ext === undefined) return rest;
  if (typeof ext !== 'string') throw new UserError(`config ${file}: "extends" must be a preset name or a config file path`);
  const base = ext in PRESETS ? presetJson(ext) : readConfigFile(resolve(dirname(path), ext), [...seen, path], { file, ext });
  return deepMerge(base, rest);
}

/** Parses one `a.b.c=value` override; value is JSON when it parses as JSON, else a string. */
export function parseSet(expr: string): { path: string[]; value: Json } {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new UserError(`--set '${expr}': expected path=value, e.g. hardware.attnParallel=8`);
  const path = expr.slice(0, eq).trim().split('.');
  if (path.some((p) => p === '')) throw new UserError(`--set '${expr}': empty path segment`);
  const raw = expr.slice(eq + 1);
  let value: Json;
  try {
    value = JSON.parse(raw) as Json;
  } catch {
    value = raw;
  }
  return { path, value };
}

function applySet(json: Json, expr: string): Json {
  const { path, value } = parseSet(expr);
  const root = structuredClone(json) as Record<string, Json>;
  let node: Record<string, Json> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (Array.isArray(next)) {
      node = next as unknown as Record<string, Json>;
      continue;
    }
    if (!isObject(next)) {
      if (next !== undefined) throw new UserError(`--set '${expr}': ${path.slice(0, i + 1).join('.')} is not an object`);
      node[key] = {};
    }
    node = node[key] as Record<string, Json>;
  }
  node[path[path.length - 1]!] = value;
  return root;
}

/** One zod issue as violations: unknown keys get their own path each, missing fields say so. */
function schemaViolation(issue: z.core.$ZodIssue): Violation[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ path: path ? `${path}.${k}` : k, rule: `unknown field '${k}' (misspelt? see the preset JSON from \`edgemoe validate --json\`)` }));
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return [{ path, rule: `required field is missing (${issue.message})` }];
  return [{ path, rule: issue.message }];
}

/** Validates raw JSON against the schema and the hardware rules; throws ConfigError listing every violation. */
export function validateConfig(json: unknown, origin = '', o: CapacityOptions = {}): Config {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(origin, parsed.error.issues.flatMap(schemaViolation));
  const violations = checkRules(parsed.data);
  // Only a config that passes the rules has a plan: its memory, precision patterns and board fit are checked on it.
  if (violations.length === 0) violations.push(...capacityViolations(parsed.data, o));
  if (violations.length) throw new ConfigError(origin, violations);
  return parsed.data;
}

/** Resolves, merges and validates a config. With neither preset nor file, the default preset. */
export function resolveConfig(src: ConfigSource = {}): Config {
  if (src.preset && src.file) throw new UserError('give either a config file or --preset, not both (a file can "extends" a preset)');
  let json: Json = src.file ? readConfigFile(src.file) : presetJson(src.preset ?? DEFAULT_PRESET);
  for (const s of src.sets ?? []) json = applySet(json, s);
  const origin = src.file ? `'${src.file}'` : `(preset ${src.preset ?? DEFAULT_PRESET})`;
  return validateConfig(json, origin, { boardFit: src.boardFit });
}
