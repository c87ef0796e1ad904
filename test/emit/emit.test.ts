import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/index.ts';
import { emitDesign } from '../../generator/emit/emit.ts';
import { shellQuote } from '../../generator/commands/gen.ts';
import { isUserError } from '../../generator/errors.ts';
import { listFiles } from '../../generator/emit/write-dir.ts';
import { manifestSchema } from '../../generator/manifest.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT, scratch } from '../helpers/paths.ts';

const read = (dir: string) => new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f))]));

describe('edgemoe gen', () => {
  it('writes a complete design, byte-identical for the same config', async () => {
    const dir = scratch();
    const a = await runCli(['gen', '--preset', 'tiny', '--out', join(dir, 'a')]);
    assert.equal(a.exitCode, 0, a.stderr);
    assert.match(a.stdout, /generated tiny in .*: \d+ files, 25 ops, 37 packed tensors/);
    const b = await runCli(['gen', '--preset', 'tiny', '--out', join(dir, 'b')]);
    assert.equal(b.exitCode, 0, b.stderr);
    const fa = read(join(dir, 'a'));
    const fb = read(join(dir, 'b'));
    assert.deepEqual([...fa.keys()], [...fb.keys()]);
    for (const [k, v] of fa) assert.ok(v.equals(fb.get(k)!), `${k} differs between two gens`);
    for (const f of ['design.json', 'config.json', 'Makefile', 'run_hls.tcl', 'src/kernel.cpp', 'src/params.h', 'tb/testbench.cpp', 'tb/bridge.cpp', 'tb/tb_io.h', 'csim-include/ap_fixed.h']) {
      assert.ok(fa.has(f), `missing ${f}`);
    }
    // design.json follows the contract; its hash names the config; config.json is the resolved config.
    const m = manifestSchema.parse(JSON.parse(fa.get('design.json')!.toString()));
    assert.match(m.configHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(fa.get('config.json')!.toString()), JSON.parse(JSON.stringify(resolveConfig({ preset: 'tiny' }))));
    // The csim headers are a verbatim copy of templates/csim-include.
    for (const f of listFiles(join(ROOT, 'templates', 'csim-include'))) assert.ok(fa.get(`csim-include/${f}`)!.equals(readFileSync(join(ROOT, 'templates', 'csim-include', f))), f);
  });

  it('changes the config hash (and only the affected files) when the config changes', () => {
    const dir = scratch();
    const a = emitDesign(resolveConfig({ preset: 'tiny' }), join(dir, 'a'));
    const b = emitDesign(resolveConfig({ preset: 'tiny', sets: ['hardware.clockMHz=250'] }), join(dir, 'b'));
    assert.notEqual(a.manifest.configHash, b.manifest.configHash);
    assert.ok(readFileSync(join(dir, 'a', 'src', 'kernel.cpp')).equals(readFileSync(join(dir, 'b', 'src', 'kernel.cpp'))), 'the clock does not change the kernel');
    assert.notDeepEqual(readFileSync(join(dir, 'a', 'run_hls.tcl')), readFileSync(join(dir, 'b', 'run_hls.tcl')));
  });

  it('leaves no directory behind when the config is bad (exit 2)', async () => {
    const dir = scratch();
    const r = await runCli(['gen', '--preset', 'tiny', '--set', 'model.heads=5', '--out', join(dir, 'bad')]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /edgemoe: error: invalid config .*model\.heads/s);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses to replace a directory that is not a design, and leaves it untouched', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes.txt'), 'keep me');
    const r = await runCli(['gen', '--preset', 'tiny', '--out', join(dir, 'mine')]);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /not a generated design/);
    assert.deepEqual(readdirSync(join(dir, 'mine')), ['notes.txt']);
    assert.deepEqual(readdirSync(dir), ['mine']);
  });

  it('regenerating replaces the design, keeps packed weights only while their layout is unchanged', () => {
    const dir = join(scratch(), 'd');
    const cfg = resolveConfig({ preset: 'tiny' });
    emitDesign(cfg, dir);
    writeFileSync(join(dir, 'weights.bin'), 'packed');
    writeFileSync(join(dir, 'weights.bin.meta.json'), '{}');
    writeFileSync(join(dir, 'src', 'stray.h'), 'stale');
    const again = emitDesign(cfg, dir);
    assert.ok(again.keptWeights);
    assert.equal(readFileSync(join(dir, 'weights.bin'), 'utf8'), 'packed');
    assert.ok(!existsSync(join(dir, 'src', 'stray.h')), 'old files are gone');
    const other = emitDesign(resolveConfig({ preset: 'tiny', sets: ['precision.linearWeight.I=3'] }), dir);
    assert.ok(!other.keptWeights);
    assert.ok(!existsSync(join(dir, 'weights.bin')));
    assert.deepEqual(readdirSync(join(dir, '..')), ['d'], 'no temp dirs left next to the design');
  });

  it('refuses to overwrite a generated file the user edited (naming it) unless forced; config changes are no edits', () => {
    const dir = join(scratch(), 'd');
    const cfg = resolveConfig({ preset: 'tiny' });
    emitDesign(cfg, dir);
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['hardware.attnParallel=2'] }), dir); // gen's own changes
    const kernel = join(dir, 'src', 'kernel.cpp');
    writeFileSync(kernel, `${readFileSync(kernel, 'utf8')}\n// my tuning\n`);
    assert.throws(
      () => emitDesign(cfg, dir),
      (e: unknown) => isUserError(e) && /: src\/kernel\.cpp was edited since `edgemoe gen` wrote it; regenerating would lose the edits \(copy them elsewhere, then use --force\)$/.test((e as Error).message),
    );
    assert.match(readFileSync(kernel, 'utf8'), /my tuning/, 'the edit survives a refused gen');
    const forced = emitDesign(cfg, dir, { force: true });
    assert.deepEqual(forced.overwrittenEdits, ['src/kernel.cpp']);
    assert.doesNotMatch(readFileSync(kernel, 'utf8'), /my tuning/);
    assert.deepEqual(emitDesign(cfg, dir).overwrittenEdits, []);
  });

  it("gen's hint quotes a design path with spaces", () => {
    assert.equal(shellQuote('hls-out/tiny'), 'hls-out/tiny');
    assert.equal(shellQuote('my designs/tiny'), "'my designs/tiny'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });

  it('regenerating keeps what gen does not write: Vitis products, build outputs, user files', () => {
    const dir = join(scratch(), 'd');
    const cfg = resolveConfig({ preset: 'tiny' });
    emitDesign(cfg, dir);
    mkdirSync(join(dir, 'hls_prj', 'solution1'), { recursive: true });
    writeFileSync(join(dir, 'hls_prj', 'solution1', 'report.xml'), 'hours of synthesis');
    writeFileSync(join(dir, 'vitis_hls.log'), 'log');
    emitDesign(resolveConfig({ preset: 'tiny', sets: ['hardware.attnParallel=2'] }), dir);
    assert.equal(readFileSync(join(dir, 'hls_prj', 'solution1', 'report.xml'), 'utf8'), 'hours of synthesis');
    assert.equal(readFileSync(join(dir, 'vitis_hls.log'), 'utf8'), 'log');
    assert.match(readFileSync(join(dir, 'src', 'params.h'), 'utf8'), /ATTN_P\b.*2/);
  });
});
