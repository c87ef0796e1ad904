// `edgemoe csim` over several images on lanes (host/pool/map.ts): two in this process, more on worker processes; the
// same bytes and lines as one lane, in the order given; Ctrl-C ends every testbench and leaves no run dir and no output.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../../../generator/config/index.ts';
import { emitDesign } from '../../../generator/emit/emit.ts';
import { mapJobs } from '../../../host/pool/map.ts';
import { ROOT, scratch, TINY } from '../../helpers/paths.ts';
import { processesWith } from '../../helpers/processes.ts';

const CLI = join(ROOT, 'bin', 'edgemoe.js');

/**
 * A stand-in compiler whose "testbench" sleeps, marked so its processes can be found; with FAKE_FAIL_FIRST set, the
 * process's first image (run dir …-0) fails at once instead.
 */
function fakeCompiler(root: string): { cxx: string; mark: string } {
  const cxx = join(root, 'fake-g++');
  if (!existsSync(cxx)) {
    writeFileSync(cxx, `#!/bin/sh
case "$*" in *--version*) echo "fake-cxx 1"; exit 0;; esac
out=""; prev=""
for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
case " $* " in
  *" -c "*) : > "$out";;
  *) printf '#!/bin/sh\\n[ -n "$FAKE_FAIL_FIRST" ] && case "$*" in *-0/image.bin*) exit 3;; esac\\nexec sleep %s\\n' "$FAKE_MARK" > "$out"; chmod +x "$out";;
esac
`);
    chmodSync(cxx, 0o755);
  }
  return { cxx, mark: String(5000 + (process.pid % 997)) };
}

describe('host/pool/map: csim over several images on lanes', function () {
  this.timeout(600_000);
  const root = scratch('edgemoe-map-');
  after(() => rmSync(root, { recursive: true, force: true }));
  /** A tiny design built by the sleeping stand-in compiler, an empty output dir and an images dir, under `name`. */
  const sleepingDesign = (name: string) => {
    const dir = join(root, `tiny-${name}`);
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    const out = join(root, `${name}-out`);
    const imgs = join(root, `${name}-imgs`);
    mkdirSync(out);
    mkdirSync(imgs);
    return { dir, out, imgs, ...fakeCompiler(root) };
  };

  it('mapJobs: results and onResult in job order whatever finishes first; a job error rejects', async () => {
    const mod = new URL('./map-jobs-fixture.ts', import.meta.url).href;
    const seen: number[] = [];
    const r = await mapJobs<number>([300, 10, 150, 0].map((ms, i) => ({ module: mod, fn: 'sleepThenSquare', arg: { ms, x: i + 1 } })), 2, (i) => seen.push(i));
    assert.deepEqual(r, [1, 4, 9, 16]);
    assert.deepEqual(seen, [0, 1, 2, 3]);
    await assert.rejects(mapJobs([{ module: mod, fn: 'fail', arg: 'boom' }], 2), /boom/);
    await assert.rejects(mapJobs([{ module: mod, fn: 'missing', arg: null }], 1), /exports no function missing/);
  });

  it('mapJobs with local lanes: two lanes here run two jobs at once and start no worker; a third lane is a worker', async () => {
    const mod = new URL('./map-jobs-fixture.ts', import.meta.url).href;
    const jobs = (n: number) => Array.from({ length: n }, () => ({ module: mod, fn: 'pidAfter', arg: 300 }));
    const t0 = performance.now();
    const here = await mapJobs<number>(jobs(2), 2, undefined, { local: 2 });
    assert.deepEqual(here, [process.pid, process.pid]);
    assert.ok(performance.now() - t0 < 550, 'the two local jobs ran one after the other');
    const marker = join(root, 'worker-ran');
    const mixed = await mapJobs<number>(Array.from({ length: 3 }, () => ({ module: mod, fn: 'pidOnceAWorkerRan', arg: { parent: process.pid, marker } })), 3, undefined, { local: 2 });
    assert.equal(mixed.filter((p) => p === process.pid).length, 2, `pids ${mixed.join(', ')}`);
  });

  it('tiny design, 3 images with -j 2 (both lanes here) and -j 3 (one on a worker) vs -j 1: byte-identical .npy outputs, same per-image lines in the given order', async () => {
    const dir = join(root, 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny' }), dir);
    mkdirSync(join(root, 'imgs'));
    const images = ['a.png', 'b.npy', 'c.png'].map((n, i) => {
      const p = join(root, 'imgs', n);
      copyFileSync(join(TINY, i === 1 ? 'image.npy' : 'image.png'), p);
      return p;
    });
    const run = async (jobs: number, out: string) => {
      mkdirSync(out);
      return execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '1', '-j', String(jobs), '-o', out, ...images], { reject: false });
    };
    const one = await run(1, join(root, 'one'));
    const two = await run(2, join(root, 'two'));
    const three = await run(3, join(root, 'three'));
    for (const r of [one, two, three]) assert.equal(r.exitCode, 0, String(r.stderr));
    assert.match(String(two.stderr), /3 images, 2 at a time: 2 in this process\n/);
    assert.match(String(three.stderr), /3 images, 3 at a time: 2 in this process and 1 on worker process\n/);
    // One set-up (read, build, pack check) for every image of this process.
    assert.equal(String(two.stderr).match(/compile .*cached/g)?.length, 1, String(two.stderr));
    // With more than one lane each reference runs beside its testbench; with one, after it.
    assert.match(String(two.stdout), /csim [\d.]+ s, reference [\d.]+ s \(beside csim\)/);
    assert.doesNotMatch(String(one.stdout), /beside/);
    for (const n of ['a.npy', 'b.npy', 'c.npy']) {
      assert.deepEqual(readFileSync(join(root, 'two', n)), readFileSync(join(root, 'one', n)), n);
      assert.deepEqual(readFileSync(join(root, 'three', n)), readFileSync(join(root, 'one', n)), n);
    }
    // Same text apart from timings, the output dir and the reference's place.
    const norm = (s: string) => s.replace(/\d+\.\d\d s/g, 'T s').replace(/\/(one|two|three)\//g, '/X/').replace('pack T s, ', '').replaceAll(' (beside csim)', '');
    assert.equal(norm(String(two.stdout)), norm(String(one.stdout)));
    assert.equal(norm(String(three.stdout)), norm(String(one.stdout)));
    const heads = String(three.stdout).split('\n').filter((l) => l.startsWith('== ')).map((l) => l.split('/').pop());
    assert.deepEqual(heads, ['a.png', 'b.npy', 'c.png']);
    assert.match(String(three.stdout), /3\/3 images pass/);
  });

  it('several images: --out must be a directory, and two images with one stem are refused (exit 2, nothing run)', async () => {
    const dir = join(root, 'tiny');
    const img = join(TINY, 'image.png');
    const notDir = await execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', join(root, 'x.npy'), img, join(TINY, 'image.npy')], { reject: false });
    assert.equal(notDir.exitCode, 2);
    assert.match(String(notDir.stderr), /--out .*x\.npy: with several images, expected an existing directory/);
    const same = await execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', root, img, join(TINY, 'image.npy')], { reject: false });
    assert.equal(same.exitCode, 2);
    assert.match(String(same.stderr), /two images have the stem 'image'/);
  });

  it('Ctrl-C with two images on two lanes: exit 130, both testbenches ended, no .build/run-* dir, no output file', async () => {
    const { dir, cxx, mark, out, imgs: imgDir } = sleepingDesign('int');
    const imgs = ['p.png', 'q.npy'].map((n) => join(imgDir, n));
    copyFileSync(join(TINY, 'image.png'), imgs[0]!);
    copyFileSync(join(TINY, 'image.npy'), imgs[1]!);
    const child = execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-j', '2', '-o', out, ...imgs], {
      reject: false,
      env: { CXX: cxx, FAKE_MARK: mark },
    });
    const runDirs = () => (existsSync(join(dir, '.build')) ? readdirSync(join(dir, '.build')).filter((f) => f.startsWith('run-')) : []);
    for (let i = 0; i < 1200 && !(runDirs().length === 2 && processesWith(mark).length === 2) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(child.exitCode, null, 'csim ended before the interrupt');
    assert.equal(processesWith(mark).length, 2, 'two testbenches running');
    child.kill('SIGINT');
    const r = await child;
    assert.equal(r.exitCode, 130, String(r.stderr));
    for (let i = 0; i < 50 && (processesWith(mark).length || runDirs().length); i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(processesWith(mark), [], 'a testbench outlived edgemoe');
    assert.deepEqual(runDirs(), []);
    assert.deepEqual(readdirSync(out), []);
  });

  it('a bad image while another lane runs: exit 2 naming it, no testbench left, no run dir, no output file', async () => {
    const { dir, cxx, mark, out, imgs } = sleepingDesign('bad');
    const bad = join(imgs, 'bad.png');
    writeFileSync(bad, 'not a png');
    const good = join(imgs, 'good.npy');
    copyFileSync(join(TINY, 'image.npy'), good);
    const r = await execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-j', '2', '-o', out, bad, good], { reject: false, env: { CXX: cxx, FAKE_MARK: mark } });
    assert.equal(r.exitCode, 2, String(r.stderr));
    assert.match(String(r.stderr), /edgemoe: error: .*bad\.png: not a PNG, JPEG or \.npy image/);
    for (let i = 0; i < 50 && processesWith(mark).length; i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(processesWith(mark), [], 'a testbench outlived edgemoe');
    // The other lane may or may not have made its run dir and started its testbench by then: neither is left.
    assert.deepEqual(existsSync(join(dir, '.build')) ? readdirSync(join(dir, '.build')).filter((f) => f.startsWith('run-')) : [], []);
    assert.deepEqual(readdirSync(out), []);
  });
  it('a testbench that fails while another lane\'s testbench runs: exit 1, that testbench ended, no run dir, no output file', async () => {
    const { dir, cxx, mark, out, imgs } = sleepingDesign('fail');
    const list = ['a.npy', 'b.npy'].map((n) => join(imgs, n));
    for (const p of list) copyFileSync(join(TINY, 'image.npy'), p);
    const child = execa('node', [CLI, 'csim', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-j', '2', '-o', out, ...list], { reject: false, env: { CXX: cxx, FAKE_MARK: mark, FAKE_FAIL_FIRST: '1' } });
    const r = await child;
    assert.equal(r.exitCode, 1, String(r.stderr));
    assert.match(String(r.stderr), /the testbench failed \(exit 3\)/);
    for (let i = 0; i < 50 && processesWith(mark).length; i++) await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(processesWith(mark), [], 'a testbench outlived edgemoe');
    assert.deepEqual(readdirSync(join(dir, '.build')).filter((f) => f.startsWith('run-')), []);
    assert.deepEqual(readdirSync(out), []);
  });
});
