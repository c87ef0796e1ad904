// Bad input across the commands: `edgemoe: error: …` naming what is wrong, exit 2, no stack trace, nothing written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';

/** Asserts a clean user error: exit 2, the message on stderr, no stack, nothing on stdout. */
function userError(r: CliResult, message: RegExp): void {
  assert.equal(r.exitCode, 2, r.stderr);
  assert.match(r.stderr, /^edgemoe: error: /);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.equal(r.stdout, '');
}

describe('commands: bad input (CLI)', function () {
  it('gen --out naming a file: a user error, the file untouched and no temp dir left', async () => {
    const dir = scratch();
    const file = join(dir, 'design.json');
    writeFileSync(file, 'mine');
    userError(await runCli(['gen', '-p', 'tiny', '-o', file]), /--out .*design\.json: is a file, expected a design directory/);
    assert.equal(readFileSync(file, 'utf8'), 'mine');
    assert.deepEqual(readdirSync(dir), ['design.json']);
  });

  it('run --out naming a file: a user error before any image runs', async () => {
    const dir = scratch();
    const file = join(dir, 'out.npy');
    writeFileSync(file, 'mine');
    // The design dir does not exist either: the --out check comes first, so this needs no generated design.
    userError(await runCli(['run', '-d', join(dir, 'design'), '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', file, join(TINY, 'image.png')]), /--out .*out\.npy: is a file, expected an output directory/);
    assert.equal(readFileSync(file, 'utf8'), 'mine');
  });

  it('csim --out that cannot be written is refused before building (a directory, a missing parent)', async () => {
    const dir = scratch();
    const args = (out: string) => ['csim', '-d', join(dir, 'no-design'), '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', out, join(TINY, 'image.png')];
    userError(await runCli(args(dir)), /--out .*: is a directory, expected an \.npy file path/);
    userError(await runCli(args(join(dir, 'missing', 'o.npy'))), /--out .*o\.npy: directory .*missing does not exist/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('estimate --pairs / --active-experts outside what the config allows', async () => {
    // tiny: 9 tokens, top-2, 4 experts.
    userError(await runCli(['estimate', '-p', 'tiny', '--pairs', '19']), /--pairs '19': expected an integer in 0\.\.18 \(9 tokens × top-2\)/);
    userError(await runCli(['estimate', '-p', 'tiny', '--pairs', '2.5']), /--pairs '2\.5'/);
    userError(await runCli(['estimate', '-p', 'tiny', '--active-experts', '5']), /--active-experts '5': expected an integer in 0\.\.4 \(the config has 4 experts\)/);
    userError(await runCli(['estimate', '-p', 'tiny', '--pairs', '18', '--active-experts', '1']), /--active-experts 1: with 18 token-expert pairs .* between 2 and 4 experts/);
    userError(await runCli(['estimate', '-p', 'tiny', '--pairs', '2', '--active-experts', '3']), /between 1 and 2 experts/);
    const ok = await runCli(['estimate', '-p', 'tiny', '--pairs', '0', '--active-experts', '0']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /0 token-expert pairs and 0 active experts per block/);
  });

  it('--set typo, non-numeric --seed, --preset with --config, unknown task: named, exit 2', async () => {
    const dir = scratch();
    userError(await runCli(['validate', '-p', 'tiny', '-s', 'hardware.attnParalel=2']), /hardware\.attnParalel: unknown field 'attnParalel'/);
    const typed = await runCli(['validate', '-p', 'tiny', '-s', 'model.tasks=a,b']);
    userError(typed, /model\.tasks: .*expected array/);
    assert.match(typed.stderr, /hint: --set model\.tasks=a,b: model\.tasks got the string 'a,b'\n  hint: a --set value is read as JSON/);
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ extends: 'tiny', name: 'c' }));
    userError(await runCli(['gen', '-p', 'tiny', '-c', cfg, '-o', join(dir, 'd')]), /either a config file or --preset, not both/);
    const w = join(dir, 'w.safetensors');
    userError(await runCli(['weights', 'random', '-p', 'tiny', '--seed', 'abc', '-o', w]), /--seed must be an integer in 0\.\.4294967295 \(got 'abc'\)/);
    userError(await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '2', '-o', join(dir, 'o.npy'), join(TINY, 'image.png')]), /unknown task '2' \(tasks: task0 \(0\), task1 \(1\)\)/);
    userError(await runCli(['reference', '-p', 'tiny', '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', join(dir, 'o.npy'), join(IMAGES, 'coffee-256x128.png')]), /coffee-256x128\.png: image is \[3,128,256\].*expects \[3,32,64\]/);
    assert.deepEqual(readdirSync(dir), ['c.json']);
  });

  it('weights that do not fit the default preset, given no --preset/--config, say the default was used', async () => {
    const dir = scratch();
    const r = await runCli(['weights', 'import', join(TINY, '0.pth'), '-o', join(dir, 'w.safetensors')]);
    userError(r, /do not match config 'm3vit-t-cityscapes'/);
    assert.match(r.stderr, /\nhint: no --preset or --config was given, so the default preset m3vit-t-cityscapes was used$/);
    const named = await runCli(['weights', 'import', join(TINY, '0.pth'), '-p', 'm3vit-s-nyud', '-o', join(dir, 'w.safetensors')]);
    userError(named, /do not match config 'm3vit-s-nyud'/);
    assert.doesNotMatch(named.stderr, /default preset/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
