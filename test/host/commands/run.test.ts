// `edgemoe run` end to end on the generated tiny design: csim, XRT noop emulation, fallback, and bad inputs.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCsim } from '../../../generator/csim/build.ts';
import { resolveConfig } from '../../../generator/config/index.ts';
import { readDesign } from '../../../generator/emit/design.ts';
import { emitDesign } from '../../../generator/emit/emit.ts';
import { readNpy } from '../../../generator/io/npy.ts';
import { packDesign } from '../../../generator/pack/pack.ts';
import { buildXclbin, specForDesign } from '../../../host/xclbin/writer.ts';
import { noopEmulationEnv } from '../../../host/xrt/noop.ts';
import { runCli } from '../../helpers/cli.ts';
import { IMAGES, ROOT, scratch, TINY } from '../../helpers/paths.ts';
import { execa } from 'execa';
import { requireXrt } from '../../helpers/xrt.ts';

// The csim library's hls::stream model prints a Vitis-style INFO line on stdout at process exit (see the report).
const withoutSimInfo = (s: string) => s.split('\n').filter((l) => !l.startsWith('INFO [HLS SIM]')).join('\n');

describe('edgemoe run (tiny design)', function () {
  this.timeout(300_000);
  let dir: string;
  let xclbin: string;
  const image = join(TINY, 'image.png');
  const npyImage = join(TINY, 'image.npy');

  before(async () => {
    dir = join(scratch(), 'tiny');
    emitDesign(resolveConfig({ preset: 'tiny', sets: [] }), dir);
    packDesign(readDesign(dir), join(TINY, 'weights.safetensors'));
    await buildCsim(dir, { kind: 'shared' }); // warm the content-hashed cache once
    xclbin = join(dir, 'edgemoe_top.xclbin');
    writeFileSync(xclbin, buildXclbin(specForDesign(readDesign(dir).manifest)));
  });

  const out = () => join(scratch(), 'out');
  const weights = () => join(dir, 'weights.bin');

  it('csim: runs good images for both tasks, reports the bad ones (exit 2) and writes nothing for them', async () => {
    const o = out();
    // One process (-j 1): the progress order below is one process's; test/host/pool covers the workers.
    const r = await runCli(['run', '--design', dir, '--weights', weights(), '--task', 'task0,task1', '--out', o, '-j', '1', image, '/no/such.png', join(IMAGES, 'coffee-256x128.png')]);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^backend: csim \(.*libedgemoe_csim\.so\) — auto: no --xclbin given, using C simulation$/m);
    assert.match(r.stderr, /^edgemoe: error: cannot read image file \/no\/such\.png: no such file$/m);
    assert.match(r.stderr, /^edgemoe: error: .*coffee-256x128\.png: image is \[3,128,256\] .* but the config expects \[3,32,64\]/m);
    const lines = withoutSimInfo(r.stdout).trim().split('\n');
    assert.match(lines[0]!, /^image\s+task\s+backend\s+wall\s+est\. FPGA\s+output$/);
    assert.equal(lines.length, 1 + 3 * 2 + 1);
    // Per image its own wall time and the estimate's FPGA latency (the same for every image of a design).
    assert.match(lines[1]!, /image\.png\s+task0\s+csim\s+\d+\.\d{3} ms\s+\d+\.\d{2} ms\s+.*image\.task0\.npy$/);
    assert.match(lines[2]!, /image\.png\s+task1\s+csim\s+\d+\.\d{3} ms\s+\d+\.\d{2} ms\s+.*image\.task1\.npy$/);
    assert.match(lines[3]!, /such\.png\s+task0\s+csim\s+-\s+-\s+error: cannot read image file/);
    assert.match(lines[7]!, /^total: 2 inferences in \d+\.\d{2} s = \d+\.\d{2} \/s \(wall, csim\); estimated FPGA \d+\.\d \/s$/);
    // stderr is a pipe here: one plain progress line per image and task instead of a bar.
    assert.match(r.stderr, /^run: 1\/6 .*such\.png task0 error: cannot read image file/m);
    assert.match(r.stderr, /^run: 6\/6 .*image\.png task1 \d+\.\d ms$/m);
    assert.deepEqual(readdirSync(o).sort(), ['image.task0.npy', 'image.task1.npy']);
    for (const t of [0, 1]) {
      const got = readNpy(join(o, `image.task${t}.npy`));
      const ref = readNpy(join(TINY, `expected_task${t}.npy`)).data as Float64Array;
      assert.equal(got.dtype, 'f32');
      assert.deepEqual(got.shape, [9, 32]);
      // Fixed-point csim vs float64 reference: measured max |Δ| ≈ 0.021 (see test/host/tiny.test.ts); bound 0.1.
      let m = 0;
      (got.data as Float32Array).forEach((v, i) => (m = Math.max(m, Math.abs(v - ref[i]!))));
      assert.ok(m < 0.1, `task ${t}: max |Δ| ${m}`);
    }
  });

  it('--json prints the results; an .npy image and a safetensors source (packed in memory) give the same bytes', async () => {
    const o1 = out();
    const r1 = await runCli(['run', '-d', dir, '-w', weights(), '-t', '1', '-b', 'csim', '-o', o1, '--json', image]);
    assert.equal(r1.exitCode, 0, r1.stderr);
    const j = JSON.parse(withoutSimInfo(r1.stdout));
    assert.equal(j.backend, 'csim');
    assert.equal(j.results.length, 1);
    assert.equal(j.results[0].task, 'task1');
    assert.ok(j.results[0].latencyMs > 0);
    const o2 = out();
    const r2 = await runCli(['run', '-d', dir, '-w', join(TINY, 'weights.safetensors'), '-t', 'task1', '-b', 'csim', '-o', o2, npyImage]);
    assert.equal(r2.exitCode, 0, r2.stderr);
    assert.deepEqual(readFileSync(join(o2, 'image.task1.npy')), readFileSync(join(o1, 'image.task1.npy')));
  });

  it('takes a directory (its images, sorted) and a quoted glob; one matching nothing is an error', async () => {
    const imgs = join(scratch(), 'imgs');
    mkdirSync(imgs);
    for (const n of ['b.png', 'a.png', 'c.npy']) copyFileSync(n.endsWith('.npy') ? npyImage : image, join(imgs, n));
    writeFileSync(join(imgs, 'notes.txt'), 'not an image');
    const o = out();
    const r = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'csim', '-o', o, imgs]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(readdirSync(o).sort(), ['a.task0.npy', 'b.task0.npy', 'c.task0.npy']);
    const rows = withoutSimInfo(r.stdout).trim().split('\n').slice(1, 4).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(rows, ['a.png', 'b.png', 'c.npy'].map((n) => join(imgs, n)));
    const o2 = out();
    const g = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'csim', '-o', o2, join(imgs, '[ab].png')]);
    assert.equal(g.exitCode, 0, g.stderr);
    assert.deepEqual(readdirSync(o2).sort(), ['a.task0.npy', 'b.task0.npy']);
    const none = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'csim', '-o', out(), join(imgs, '*.jpg')]);
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /^edgemoe: error: .*\*\.jpg: no file matches this pattern$/m);
  });

  it('Ctrl-C (SIGINT) stops the csim run at once: exit 130, no temp or half-written file, not every output', async () => {
    const imgs = join(scratch(), 'many');
    mkdirSync(imgs);
    const n = 400;
    for (let i = 0; i < n; i++) copyFileSync(image, join(imgs, `im${String(i).padStart(3, '0')}.png`));
    const o = out();
    const child = execa('node', [join(ROOT, 'bin', 'edgemoe.js'), 'run', '-d', dir, '-w', weights(), '-t', 'task0,task1', '-b', 'csim', '-o', o, imgs], { reject: false });
    let err = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/^run: 2\//m.test(err)) resolve();
      });
      void child.then(() => resolve());
    });
    const t0 = performance.now();
    child.kill('SIGINT');
    const r = await child;
    const ms = performance.now() - t0;
    assert.equal(r.exitCode, 130, String(r.stderr));
    assert.ok(ms < 5000, `exited ${ms.toFixed(0)} ms after SIGINT`);
    assert.match(String(r.stderr), /edgemoe: interrupted \(SIGINT\)/);
    const left = readdirSync(o);
    assert.ok(left.length < 2 * n, `${left.length} outputs: the run went on after SIGINT`);
    assert.deepEqual(left.filter((f) => !/^im\d{3}\.task[01]\.npy$/.test(f)), [], 'a temp file was left');
    for (const f of left) assert.deepEqual(readNpy(join(o, f)).shape, [9, 32]);
  });

  it('an unknown task, mismatched weights or a bad design are clear errors (exit 2) with no output', async () => {
    const o = out();
    const bad = (r: { exitCode: number; stderr: string }, re: RegExp) => {
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(existsSync(o) && readdirSync(o).length > 0, false);
    };
    bad(await runCli(['run', '-d', dir, '-w', weights(), '-t', 'normals', '-o', o, image]), /^edgemoe: error: unknown task 'normals' \(tasks: task0 \(0\), task1 \(1\)\)$/m);
    const short = join(scratch(), 'short.bin');
    writeFileSync(short, readFileSync(weights()).subarray(0, 1000));
    bad(await runCli(['run', '-d', dir, '-w', short, '-t', '0', '-o', o, image]), /edgemoe: error: weights .*short\.bin: 1000 bytes, but design 'tiny' has a 118528-byte weights region/);
    const stale = join(scratch(), 'w.bin');
    copyFileSync(weights(), stale);
    const meta = JSON.parse(readFileSync(`${weights()}.meta.json`, 'utf8'));
    writeFileSync(`${stale}.meta.json`, JSON.stringify({ ...meta, layoutHash: 'other' }));
    bad(await runCli(['run', '-d', dir, '-w', stale, '-t', '0', '-o', o, image]), /were packed for a different design layout than 'tiny'/);
    bad(await runCli(['run', '-d', dir, '-w', image, '-t', '0', '-o', o, image]), /weights .*: this is a PNG image, not weights/);
    bad(await runCli(['run', '-d', join(dir, 'nope'), '-w', weights(), '-t', '0', '-o', o, image]), /edgemoe: error: design dir .*nope does not exist/);
    bad(await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '--device', 'x', '-o', o, image]), /--device 'x': expected a device index/);
  });

  it('a design dir mixed from two configs is refused as csim and estimate refuse it, not as a weights mismatch', async () => {
    const mixed = join(scratch(), 'mixed');
    emitDesign(resolveConfig({ preset: 'tiny' }), mixed);
    writeFileSync(join(mixed, 'config.json'), JSON.stringify(resolveConfig({ preset: 'm3vit-t-cityscapes' })));
    const o = out();
    const want = /^edgemoe: error: .*mixed does not match what this edgemoe generates from its config\.json \(a design\.json and config\.json that do not belong together, or a design from another edgemoe version\); regenerate it with `edgemoe gen`$/m;
    const r = await runCli(['run', '-d', mixed, '-w', join(TINY, 'weights.safetensors'), '-t', '0', '-o', o, image]);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, want);
    assert.doesNotMatch(r.stderr, /do not match config/);
    assert.equal(existsSync(o), false);
    const e = await runCli(['estimate', '-d', mixed]);
    assert.match(e.stderr, want);
  });

  it('xrt in noop emulation: the full path with the validated xclbin; a duplicate image stem is refused', async function () {
    requireXrt(this);
    const o = out();
    const env = noopEmulationEnv(join(scratch(), 'em'));
    const r = await runCli(['run', '-d', dir, '-w', weights(), '-t', 'task0,task1', '-b', 'xrt', '-x', xclbin, '--timeout', '5000', '-o', o, image, npyImage.replace('image.npy', 'image.png')], { env });
    // The same image twice would overwrite its outputs: the second is refused, the first runs.
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^backend: xrt \(device 0, .*edgemoe_top\.xclbin, .*libxrt_coreutil\.so\.2\)$/m);
    assert.match(r.stderr, /its outputs would overwrite those of .*image\.png \(same file stem 'image'\)/);
    assert.doesNotMatch(r.stderr, /\[XRT\]/);
    assert.match(r.stdout, /image\.png\s+task0\s+xrt\s+\d+\.\d{3} ms/);
    // noop emulation computes nothing, so the outputs are whatever the buffers held; only their shape is checked.
    assert.deepEqual(readNpy(join(o, 'image.task1.npy')).shape, [9, 32]);
  });

  it('xrt accepts an xclbin whose scalar argument HLS renamed with _r (task_id → task_id_r), as `edgemoe build` may make it', async function () {
    requireXrt(this);
    const env = noopEmulationEnv(join(scratch(), 'em'));
    const spec = specForDesign(readDesign(dir).manifest);
    assert.ok(spec.args.some((a) => a.name === 'task_id'), 'design.json names the task argument task_id');
    const renamed = join(scratch(), 'renamed.xclbin');
    writeFileSync(renamed, buildXclbin({ ...spec, args: spec.args.map((a) => (a.name === 'task_id' ? { ...a, name: 'task_id_r' } : a)) }));
    const o = out();
    const r = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'xrt', '-x', renamed, '--timeout', '5000', '-o', o, image], { env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /image\.png\s+task0\s+xrt\s+\d+\.\d{3} ms/);
    assert.ok(existsSync(join(o, 'image.task0.npy')));
  });

  it('xrt refuses a malformed or mismatched xclbin before XRT sees it', async function () {
    requireXrt(this);
    const env = noopEmulationEnv(join(scratch(), 'em'));
    const garbage = join(scratch(), 'g.xclbin');
    writeFileSync(garbage, Buffer.concat([Buffer.from('xclbin2\0'), Buffer.alloc(600, 0xab)]));
    const r = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'xrt', '-x', garbage, '-o', out(), image], { env });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /edgemoe: error: .*g\.xclbin: invalid xclbin: header length \d+ does not match the file size 608/);
    const other = join(scratch(), 'o.xclbin');
    const spec = specForDesign(readDesign(dir).manifest);
    writeFileSync(other, buildXclbin({ ...spec, args: spec.args.slice(0, -1) }));
    const r2 = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'auto', '-x', other, '-o', out(), image], { env });
    assert.equal(r2.exitCode, 2);
    assert.match(r2.stderr, /kernel 'edgemoe_top' does not match design\.json:\n\s+argument 8: design\.json has 'debug_stop' \(scalar int\), the xclbin has no argument 8/);
  });

  it('no libxrt on the search path: auto falls back to csim (saying why), --backend xrt fails with exit 2', async () => {
    const empty = scratch('edgemoe-nolib-');
    mkdirSync(empty, { recursive: true });
    const env = { ...noopEmulationEnv(join(scratch(), 'em')), EDGEMOE_XRT_LIB_PATH: empty };
    const o = out();
    const r = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-x', xclbin, '-o', o, image], { env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /^backend: csim \(.*\) — auto: XRT not usable \(libxrt_coreutil\.so\.2 not found \(searched .* from EDGEMOE_XRT_LIB_PATH\).*\), using C simulation$/m);
    assert.ok(existsSync(join(o, 'image.task0.npy')));
    const o2 = out();
    const r2 = await runCli(['run', '-d', dir, '-w', weights(), '-t', '0', '-b', 'xrt', '-x', xclbin, '-o', o2, image], { env });
    assert.equal(r2.exitCode, 2);
    assert.match(r2.stderr, /^edgemoe: error: libxrt_coreutil\.so\.2 not found \(searched .*\); install XRT/m);
    assert.equal(existsSync(o2), false);
  });
});
