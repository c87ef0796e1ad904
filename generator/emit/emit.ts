// `edgemoe gen`: a config → a complete design dir (kernel sources, testbench, bridge, build files, design.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import { manifestSchema, type DesignManifest } from '../manifest.ts';
import { buildPlan, planToManifest, type Plan } from '../plan/index.ts';
import { renderKernelSources } from '../plan/render-kernel.ts';
import { DESIGN_JSON } from './design.ts';
import { configHash, designFiles } from './files.ts';
import { sha256 } from './hash.ts';
import { writeDirAtomic, type FileSet } from './write-dir.ts';

/** What `emitDesign` produced. */
export interface EmitResult {
  dir: string;
  plan: Plan;
  manifest: DesignManifest;
  files: string[];
  /** Whether an existing packed weights image was kept (its layout still matches). */
  keptWeights: boolean;
  /** Generated files the user had edited since the last gen, overwritten because of `force`. */
  overwrittenEdits: string[];
}

/** Hidden file of a design: sha256 of every file gen wrote, to tell a user's edit from an older generation. */
export const GENERATED_HASHES = '.edgemoe-generated.json';

/** Files gen wrote last time (per GENERATED_HASHES) that now differ from what it wrote, and would change again. */
export function editedFiles(dir: string, files: FileSet): string[] {
  let recorded: Record<string, string>;
  try {
    recorded = JSON.parse(readFileSync(join(dir, GENERATED_HASHES), 'utf8')) as Record<string, string>;
  } catch {
    return []; // a design from before this record (or none): nothing to compare with
  }
  const edited: string[] = [];
  for (const [rel, hash] of Object.entries(recorded).sort()) {
    let now: Buffer;
    try {
      now = readFileSync(join(dir, rel));
    } catch {
      continue; // deleted: nothing of the user's to lose
    }
    const next = files.get(rel);
    if (sha256(now) !== hash && (next === undefined || !now.equals(Buffer.from(next)))) edited.push(rel);
  }
  return edited;
}

/** The default output dir of a config: hls-out/<name> under `root` (the current dir by default). */
export function defaultDesignDir(config: Config, root = process.cwd()): string {
  return join(root, 'hls-out', config.name);
}

/** All files of the design of `config` (deterministic: the same config gives byte-identical files). */
export function renderDesign(config: Config): { plan: Plan; manifest: DesignManifest; files: FileSet } {
  const plan = buildPlan(config);
  const manifest = planToManifest(plan, configHash(config));
  const files: FileSet = new Map();
  for (const [k, v] of renderKernelSources(plan)) files.set(k, v);
  for (const [k, v] of designFiles(plan, manifest)) files.set(k, v);
  return { plan, manifest, files };
}

/** The old design's packed weights are kept only when they were packed for exactly the new weights layout. */
function weightsToKeep(oldDir: string, manifest: DesignManifest): string[] {
  const file = manifest.weights.file;
  try {
    const old = manifestSchema.parse(JSON.parse(readFileSync(join(oldDir, DESIGN_JSON), 'utf8')));
    const same = JSON.stringify(old.weights) === JSON.stringify(manifest.weights) && JSON.stringify(old.bundles) === JSON.stringify(manifest.bundles);
    if (same && old.weights.file === file) return [file, `${file}.meta.json`];
  } catch {
    // An unreadable old manifest: drop its weights.
  }
  return [];
}

/**
 * Generates the design of `config` into `outDir` atomically: a failure leaves no (half-written) directory, and an
 * existing design there is replaced. Everything in it that gen does not write is kept — the build cache (.build/,
 * content-addressed, so never stale) and the user's Vitis products (hls_prj/, build/, logs), which cost hours — except
 * the packed weights, kept only when the weights layout is unchanged (otherwise `edgemoe pack` must run again).
 */
export function emitDesign(config: Config, outDir?: string, opts: { force?: boolean } = {}): EmitResult {
  const dir = resolve(outDir ?? defaultDesignDir(config));
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, DESIGN_JSON))) {
    throw new UserError(`${dir} exists and is not a generated design (no ${DESIGN_JSON}); refusing to replace it`);
  }
  const { plan, manifest, files } = renderDesign(config);
  const edited = editedFiles(dir, files);
  if (edited.length && !opts.force) {
    throw new UserError(`${dir}: ${edited.join(', ')} ${edited.length === 1 ? 'was' : 'were'} edited since \`edgemoe gen\` wrote ${edited.length === 1 ? 'it' : 'them'}; regenerating would lose the edits (copy them elsewhere, then use --force)`);
  }
  const written: FileSet = new Map(files);
  written.set(GENERATED_HASHES, `${JSON.stringify(Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sha256(v)])), null, 1)}\n`);
  let keptWeights = false;
  writeDirAtomic(dir, written, (old) => {
    const keep = weightsToKeep(old, manifest);
    keptWeights = keep.length > 0 && existsSync(join(old, keep[0]!));
    const weightFiles = new Set([manifest.weights.file, `${manifest.weights.file}.meta.json`]);
    const generated = new Set([...written.keys()].map((rel) => rel.split('/')[0]!));
    const others = readdirSync(old).filter((e) => !generated.has(e) && !weightFiles.has(e));
    return [...others, ...keep];
  });
  return { dir, plan, manifest, files: [...files.keys()].sort(), keptWeights, overwrittenEdits: edited };
}
