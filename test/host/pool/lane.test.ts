// A run-pool worker's lane (host/pool/lane.ts): it starts from what the parent checked, so it must load little, and it
// must not use a packed weights file that changed after the parent read it.
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../../../generator/config/index.ts';
import { readDesign } from '../../../generator/emit/design.ts';
import { emitDesign } from '../../../generator/emit/emit.ts';
import { packDesign } from '../../../generator/pack/pack.ts';
import { loadDesign } from '../../../host/design.ts';
import { openLane } from '../../../host/pool/lane.ts';
import { loadPackedWeights } from '../../../host/weights.ts';
import { ROOT, scratch, TINY } from '../../helpers/paths.ts';

describe('host/pool/lane: a run-pool worker', function () {
  this.timeout(120_000);

  it('loads no manifest schema, config validation, plan, packer or XRT module (only what running images on a checked design needs)', async () => {
    // A loader hook after tsx's prints every module the worker's lane module pulls in.
    const hook = `export async function load(url, context, next) { const r = await next(url, context); if (!url.startsWith('node:')) process.stderr.write('MOD ' + url + '\\n'); return r; }`;
    const script = `import { register } from 'node:module'; import { register as tsx } from 'tsx/esm/api'; tsx(); register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)})); await import('./host/pool/lane.ts');`;
    const r = await execa('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    const mods = String(r.stderr).split('\n').filter((l) => l.startsWith('MOD ')).map((l) => l.slice(4).replace(/^file:\/\/.*?\/(node_modules|host|generator)\//, '$1/'));
    assert.ok(mods.includes('host/pool/lane.ts') && mods.includes('host/run-session.ts') && mods.includes('host/csim/bridge.ts'), mods.join('\n'));
    const heavy = mods.filter((m) => /^node_modules\/zod\/|^generator\/(config\/(schema|load|index|rules)|plan|pack|manifest\.ts|emit\/design\.ts|reference|weights)|^host\/(xrt\/backend|xclbin|design\.ts|weights\.ts)/.test(m));
    assert.deepEqual(heavy, []);
  });

  it('refuses a packed weights file changed after the parent read it (size and mtime), before it opens a backend', async () => {
    const dir = join(scratch('edgemoe-lane-'), 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    packDesign(readDesign(dir), join(TINY, 'weights.safetensors'));
    const design = loadDesign(dir);
    const w = loadPackedWeights(design, join(dir, 'weights.bin'));
    assert.ok(w.file, 'a packed file records what it was when read');
    const setup = { key: 'test', design, tasks: ['task0'], backend: 'csim' as const, csimLibrary: join(dir, 'no-such-library.so'), weights: { file: w.file, hash: w.hash, origin: w.origin } };
    utimesSync(w.file.path, new Date(), new Date(w.file.mtimeMs + 5000));
    assert.deepEqual(await openLane(setup), { userError: `weights ${w.origin} changed while the run was starting; run it again` });
  });
});
