// A TypeScript entry module and everything it imports, bundled into one ES module by esbuild, kept in
// node_modules/.cache/edgemoe-bundles/<entry> (root: $EDGEMOE_BUNDLE_CACHE) and reused while every source it was built
// from is unchanged. Loading one file starts ~0.2 s sooner than tsx's module-by-module loading (`edgemoe csim -j 1`
// on two images: 1.95 → 1.77 s): the CLI and the `run` pool's workers use it. The sources stay the only build: each
// start compares the size and times (ns) of every input with those recorded when the bundle was built (~2 ms), and a
// changed, added or removed source rebuilds it (~0.15 s) before it runs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Part of the cache key: a bundle built by another version of this file (or of esbuild) is rebuilt. */
const FORMAT = 'edgemoe-bundle-1';

/** An entry (absolute, or relative to the project root) as a path relative to the root. */
function entryName(entry) {
  return relative(ROOT, resolve(ROOT, entry));
}

/** Where the bundle of `entry` and its record of inputs live. $EDGEMOE_BUNDLE_CACHE (tests) must lie inside the
 *  project: a bundle imports packages by name, found in node_modules from where it lies. */
export function bundleDir(entry) {
  const root = process.env.EDGEMOE_BUNDLE_CACHE ? resolve(process.env.EDGEMOE_BUNDLE_CACHE) : join(ROOT, 'node_modules', '.cache', 'edgemoe-bundles');
  return join(root, entryName(entry).replace(/\.ts$/, '').replaceAll('/', '__'));
}

/** Bundles of an entry are named <entry>-<build tag>.mjs: each build writes its own, so a build never replaces the
 *  file another build's record describes; the record names its bundle. */
const stem = (entry) => basename(entryName(entry), '.ts');

/** Bundles this old (and not the recorded one) are removed at the next build: any process that found one in a record
 *  has long imported it. */
const STALE_MS = 10 * 60 * 1000;

/** Size and times of a file, or null when it is gone. ctime moves on every write and cannot be set back. */
function identity(path) {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : null;
}

/** The bundle's path when its record says it was built from the sources as they are now, else null. */
export function freshBundle(entry, dir = bundleDir(entry)) {
  let record;
  try {
    record = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
  } catch {
    return null;
  }
  // A moved project: the bundle holds its sources' file URLs (templates, workers and fixtures are found from them).
  if (record.format !== FORMAT || record.root !== ROOT || record.entry !== entryName(entry) || record.self !== identity(fileURLToPath(import.meta.url))) return null;
  for (const [file, id] of Object.entries(record.inputs ?? {})) if (identity(join(ROOT, file)) !== id) return null;
  const bundle = join(dir, basename(String(record.file)));
  return identity(bundle) === record.bundle ? bundle : null;
}

/**
 * Builds the bundle; returns its path. Each module keeps its own import.meta.url (its source file), so paths to
 * templates, workers and fixtures resolve as they do under tsx. The record of inputs is written only when every input
 * was last changed before the build started (less a clock tick's margin): a source saved while esbuild read the
 * sources could otherwise be recorded with its new times beside a bundle of its old text. Then the next start
 * rebuilds. `opts.startedMs` (tests): the build's start as that moment.
 */
export async function buildBundle(entry, dir = bundleDir(entry), opts = {}) {
  const started = BigInt((opts.startedMs ?? Date.now()) - 50) * 1_000_000n;
  const esbuild = await import('esbuild');
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (a) => ({ contents: readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)), loader: 'ts' }));
    },
  };
  mkdirSync(dir, { recursive: true });
  removeOldBundles(entry, dir);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const bundle = join(dir, `${stem(entry)}-${tag}.mjs`);
  try {
    const r = await esbuild.build({
      entryPoints: [resolve(ROOT, entry)], bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external',
      outfile: bundle, sourcemap: 'linked', metafile: true, logLevel: 'silent', plugins: [ownUrl],
    });
    const inputs = {};
    let settled = true;
    // Besides the sources: what else shapes the output (esbuild's version, the TypeScript settings it reads).
    const shaping = ['tsconfig.json', 'node_modules/esbuild/package.json'].filter((f) => identity(join(ROOT, f)) !== null);
    for (const f of [...Object.keys(r.metafile.inputs).map((x) => resolve(process.cwd(), x)), ...shaping.map((x) => join(ROOT, x))]) {
      const file = relative(ROOT, f);
      const s = statSync(join(ROOT, file), { bigint: true });
      if (s.mtimeNs >= started || s.ctimeNs >= started) settled = false;
      inputs[file] = identity(join(ROOT, file));
    }
    if (settled) {
      const record = { format: FORMAT, root: ROOT, entry: entryName(entry), esbuild: esbuild.version, self: identity(fileURLToPath(import.meta.url)), file: basename(bundle), bundle: identity(bundle), inputs };
      writeFileSync(`${bundle}.json`, `${JSON.stringify(record, null, 1)}\n`);
      // The one step builds share: the last record renamed into place wins, and it names its own bundle.
      renameSync(`${bundle}.json`, join(dir, 'inputs.json'));
    }
    return bundle;
  } finally {
    rmSync(`${bundle}.json`, { force: true });
  }
}

/** Removes bundles of `entry` older than STALE_MS that the record does not name (best effort). */
function removeOldBundles(entry, dir) {
  let named = '';
  try {
    named = String(JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')).file);
  } catch {
    // no record
  }
  const now = Date.now();
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${stem(entry)}-`) || f === named || f === `${named}.map`) continue;
    const p = join(dir, f);
    try {
      if (now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { force: true });
    } catch {
      // gone already
    }
  }
}

/**
 * The module to import for the TypeScript module `entry`: its bundle (fresh, or built now), or the source itself through
 * tsx when no bundle can be had (EDGEMOE_NO_BUNDLE=1, a read-only install, esbuild missing). Never throws: the module's
 * own errors come from its import, outside this.
 */
export async function bundledModule(entry) {
  if (!process.env.EDGEMOE_NO_BUNDLE) {
    try {
      const bundle = freshBundle(entry) ?? (await buildBundle(entry));
      // Stack traces name the TypeScript sources.
      process.setSourceMapsEnabled(true);
      return pathToFileURL(bundle).href;
    } catch {
      // fall through to tsx
    }
  }
  if (!tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return pathToFileURL(resolve(ROOT, entry)).href;
}

let tsxRegistered = false;
