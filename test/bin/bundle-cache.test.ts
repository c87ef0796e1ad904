// Entries bundled from their TypeScript sources and cached while those are unchanged (bin/bundle-cache.js).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
// @ts-expect-error: a plain-JS module of the entry (no declarations); its functions are used as documented there.
import { buildBundle, bundleDir, freshBundle } from '../../bin/bundle-cache.js';
import { runCli } from '../helpers/cli.ts';
import { ROOT, scratch } from '../helpers/paths.ts';

const CLI = 'bin/cli.ts';

/** A cache dir inside the project (the bundle imports packages by name, found from where it lies); removed after. */
const caches: string[] = [];
function cacheDir(): string {
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const d = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'edgemoe-cli-test-'));
  caches.push(d);
  return d;
}

describe('bin/bundle-cache (the CLI and the run workers bundled from their sources, cached)', function () {
  this.timeout(60_000);
  after(() => {
    for (const d of caches.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('builds a bundle and a record of its inputs; the record makes it fresh; a changed input makes it stale', async () => {
    const dir = cacheDir();
    assert.equal(freshBundle(CLI, dir), null, 'nothing built yet');
    const bundle: string = await buildBundle(CLI, dir);
    assert.match(bundle, /\/cli-[0-9a-z-]+\.mjs$/);
    assert.ok(existsSync(`${bundle}.map`));
    assert.ok(readFileSync(bundle, 'utf8').trimEnd().endsWith(`sourceMappingURL=${basename(bundle)}.map`));
    const record = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    assert.equal(record.file, basename(bundle));
    assert.equal(record.root, ROOT);
    for (const f of ['bin/cli.ts', 'generator/commands/csim.ts', 'generator/csim/image-job.ts', 'host/pool/map.ts', 'tsconfig.json', 'node_modules/esbuild/package.json']) assert.ok(f in record.inputs, f);
    assert.ok(!Object.keys(record.inputs).some((f) => f.includes('node_modules') && f !== 'node_modules/esbuild/package.json'), 'packages stay external');
    assert.equal(freshBundle(CLI, dir), bundle);
    // A source as it would be after an edit: other size and times than recorded.
    record.inputs['generator/commands/csim.ts'] = '1:2:3:4';
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(record));
    assert.equal(freshBundle(CLI, dir), null);
    // A source gone (a module deleted), a moved project or a bundle not the one recorded: stale too.
    await buildBundle(CLI, dir);
    const r2 = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    r2.inputs['generator/no-such-module.ts'] = '1:2:3:4';
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(r2));
    assert.equal(freshBundle(CLI, dir), null);
    const moved: string = await buildBundle(CLI, dir);
    const r3 = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ ...r3, root: '/elsewhere' }));
    assert.equal(freshBundle(CLI, dir), null);
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(r3));
    assert.equal(freshBundle(CLI, dir), moved);
    writeFileSync(moved, `${readFileSync(moved, 'utf8')}\n`);
    assert.equal(freshBundle(CLI, dir), null);
  });

  it("each entry has its own bundle and record; another entry's record does not make it fresh", async () => {
    const dir = cacheDir();
    const lane: string = await buildBundle('host/pool/lane.ts', dir);
    assert.match(lane, /\/lane-[0-9a-z-]+\.mjs$/);
    const record = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    assert.equal(record.entry, 'host/pool/lane.ts');
    assert.ok(!('bin/cli.ts' in record.inputs));
    assert.equal(freshBundle('host/pool/lane.ts', dir), lane);
    assert.equal(freshBundle(CLI, dir), null);
    assert.notEqual(bundleDir('host/pool/lane.ts'), bundleDir(CLI));
  });

  it('each build writes its own file; the record names the last one; unnamed bundles are removed once 10 minutes old', async () => {
    const dir = cacheDir();
    const a: string = await buildBundle(CLI, dir);
    const b: string = await buildBundle(CLI, dir);
    assert.notEqual(a, b);
    assert.ok(existsSync(a), 'a young bundle another process may be about to import is kept');
    assert.equal(freshBundle(CLI, dir), b);
    const old = new Date(Date.now() - 11 * 60 * 1000);
    utimesSync(a, old, old);
    utimesSync(`${a}.map`, old, old);
    utimesSync(b, old, old);
    const c: string = await buildBundle(CLI, dir);
    assert.equal(existsSync(a), false);
    assert.equal(existsSync(`${a}.map`), false);
    assert.ok(existsSync(b), 'the recorded one stays');
    assert.equal(freshBundle(CLI, dir), c);
  });

  it('records nothing when a source changed after the build started (it could be bundled from its old text)', async () => {
    const dir = cacheDir();
    // A build "started" at the epoch: every source changed after it.
    const bundle: string = await buildBundle(CLI, dir, { startedMs: 0 });
    assert.ok(existsSync(bundle), 'the bundle is still built (and used by this start)');
    assert.equal(existsSync(join(dir, 'inputs.json')), false);
    assert.equal(freshBundle(CLI, dir), null, 'so the next start builds again');
  });

  it('the CLI builds the bundle at its first start and reuses it; EDGEMOE_NO_BUNDLE=1 runs through tsx; an unwritable cache falls back to tsx', async () => {
    const dir = scratch('edgemoe-cli-bundle-');
    const cache = join(cacheDir(), 'cache');
    const first = await runCli(['presets'], { env: { EDGEMOE_BUNDLE_CACHE: cache } });
    assert.equal(first.exitCode, 0, first.stderr);
    const recorded = () => join(cache, 'bin__cli', JSON.parse(readFileSync(join(cache, 'bin__cli', 'inputs.json'), 'utf8')).file);
    const built = statSync(recorded(), { bigint: true });
    const again = await runCli(['presets'], { env: { EDGEMOE_BUNDLE_CACHE: cache } });
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    const reused = statSync(recorded(), { bigint: true });
    assert.equal(reused.ino, built.ino, 'not rebuilt');
    assert.equal(reused.mtimeNs, built.mtimeNs, 'not rebuilt');
    const tsx = await runCli(['presets'], { env: { EDGEMOE_NO_BUNDLE: '1', EDGEMOE_BUNDLE_CACHE: join(dir, 'unused') } });
    assert.equal(tsx.stdout, first.stdout);
    assert.equal(existsSync(join(dir, 'unused')), false);
    // A cache path under a file cannot be made (by root neither).
    writeFileSync(join(dir, 'file'), '');
    const fallback = await runCli(['presets'], { env: { EDGEMOE_BUNDLE_CACHE: join(dir, 'file', 'cache') } });
    assert.equal(fallback.exitCode, 0, fallback.stderr);
    assert.equal(fallback.stdout, first.stdout);
  });

  it('its source map names the TypeScript sources (stack traces point into them)', async () => {
    const dir = cacheDir();
    const bundle: string = await buildBundle(CLI, dir);
    const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; mappings: string };
    const sources = map.sources.map((x) => x.replace(/^(\.\.\/)+/, ''));
    for (const f of ['bin/cli.ts', 'generator/csim/run.ts', 'generator/reference/model.ts']) assert.ok(sources.some((x) => x.endsWith(f)), f);
    assert.ok(map.mappings.length > 10_000);
  });
});
