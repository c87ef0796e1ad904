// `edgemoe profile` as a user runs it: bad input exits 2 with one clear line, warnings exit 0, --json = -o.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { IMAGES, scratch, TINY } from '../helpers/paths.ts';

describe('edgemoe profile (CLI)', function () {
  this.timeout(300_000);
  const dir = scratch();
  const w = join(TINY, 'weights.safetensors');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an empty images directory, a wrong-size image and an unmatched pattern: one error line each, exit 2, nothing written', async () => {
    mkdirSync(join(dir, 'empty'));
    const out = join(dir, 'p.json');
    const cases: Array<[string[], RegExp]> = [
      [['--images', join(dir, 'empty')], /^edgemoe: error: --images .*empty: the directory has no PNG, JPEG or \.npy images$/],
      [['--images', join(IMAGES, 'astronaut-256x128.png')], /^edgemoe: error: .*astronaut-256x128\.png: image is \[3,128,256\].*expects \[3,32,64\]/],
      [['--images', join(TINY, 'image.png'), '-s', 'precision.tensors={"blocks.5.*":{"I":1}}'], /precision\.tensors\."blocks\.5\.\*": pattern matches no packed tensor/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['profile', '-p', 'tiny', '-w', w, '-o', out, ...args]);
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.throws(() => readFileSync(out), /ENOENT/);
    }
  });

  it('three images on two worker processes (-j 2): the same profile JSON, byte for byte, as -j 1', async () => {
    mkdirSync(join(dir, 'three'));
    for (const [n, f] of [['a.png', 'image.png'], ['b.npy', 'image.npy'], ['c.png', 'image.png']]) copyFileSync(join(TINY, f!), join(dir, 'three', n!));
    const run = (j: string) => runCli(['profile', '-p', 'tiny', '-w', w, '--images', join(dir, 'three'), '-j', j, '-o', join(dir, `j${j}.json`)]);
    const one = await run('1');
    const two = await run('2');
    assert.equal(one.exitCode, 0, one.stderr);
    assert.equal(two.exitCode, 0, two.stderr);
    assert.match(two.stderr, /profile: 3 images on 2 processes/);
    assert.equal(readFileSync(join(dir, 'j2.json'), 'utf8'), readFileSync(join(dir, 'j1.json'), 'utf8'));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'j2.json'), 'utf8')).images, ['a.png', 'b.npy', 'c.png']);
    assert.equal(two.stdout, one.stdout);
  });

  it('a type too narrow for the observed range: a warning with the numbers, exit 0; --json prints what -o writes', async () => {
    const out = join(dir, 'p.json');
    const html = join(dir, 'p.html');
    const args = ['profile', '-p', 'tiny', '-w', w, '--images', join(TINY, 'image.png'), '-t', '1', '-s', 'precision.tensors={"blocks.1.mlp.gate.*":{"I":-1}}'];
    const r = await runCli([...args, '-o', out, '--html', html]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /^profile: 1\/1 image\.png task task1$/m);
    assert.match(r.stderr, /^WARNING: weight blocks\.1\.mlp\.gate\.0\.w_gate: observed .* does not fit ap_fixed<16,-1> \(range -0\.2500 \.\. 0\.2500; needs I ≥ \d+\): \d+ of 128 values would wrap$/m);
    assert.match(r.stdout, /^blocks\.1\.mlp\.gate\.0\.w_gate +ap_fixed<16,-1> .* OVERFLOW \d+ values$/m);
    assert.match(readFileSync(html, 'utf8'), /^<!DOCTYPE html>/);
    const j = await runCli([...args, '--json']);
    assert.equal(j.exitCode, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), JSON.parse(readFileSync(out, 'utf8')));
  });
});
