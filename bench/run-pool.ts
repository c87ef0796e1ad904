// Prints `edgemoe run` (csim backend) over 8 images of a preset with one worker process and with N (default: one per
// core): wall seconds and the ratio (target on 2 cores: ≤ 0.6). The load average is printed too: on a shared machine
// the ratio means little when other work keeps the cores busy.
// Then the same 8 images through `edgemoe csim -j 1` and `-j N` (one testbench per worker process), with GNU time's
// CPU seconds (user + sys of edgemoe and all its workers and testbenches): the CPU ratio (CPU of -j N / N) / CPU of
// -j 1 is what the wall ratio would be on N otherwise idle cores with the work spread evenly.
// Usage: npx tsx bench/run-pool.ts [preset] [jobs] [run|csim|both]   (default m3vit-t-cityscapes, one per core, both)
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsim } from '../generator/csim/build.ts';
import { runImagesPooled } from '../host/pool/pool.ts';
import { runImages } from '../host/run.ts';

const preset = process.argv[2] ?? 'm3vit-t-cityscapes';
const jobs = Number(process.argv[3] ?? availableParallelism());
const which = process.argv[4] ?? 'both';
const size = { 'm3vit-t-cityscapes': '256x128', 'm3vit-s-pascal': '512x512', 'm3vit-s-nyud': '640x480' }[preset];
if (!size) throw new Error(`no photograph for ${preset}`);
const cli = join(import.meta.dirname, '..', 'bin', 'edgemoe.js');
const dir = mkdtempSync(join(tmpdir(), 'edgemoe-bench-pool-'));
try {
  const design = join(dir, 'design');
  const weights = join(dir, 'w.safetensors');
  await execa('node', [cli, 'weights', 'random', '--preset', preset, '--seed', '1', '-o', weights]);
  await execa('node', [cli, 'gen', '--preset', preset, '-o', design]);
  await execa('node', [cli, 'pack', '-d', design, '-w', weights, '-q']);
  const csimLibrary = await buildCsim(design, { kind: 'shared' });
  const images = Array.from({ length: 8 }, (_, i) => {
    const p = join(dir, `img${i}.png`);
    copyFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'images', `${i % 2 ? 'coffee' : 'astronaut'}-${size}.png`), p);
    return p;
  });
  const opts = { design, weights: join(design, 'weights.bin'), tasks: ['0'], backend: 'csim' as const, csimLibrary, images };
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return (performance.now() - t0) / 1000;
  };
  if (which !== 'csim') {
    const load0 = loadavg()[0]!;
    const one = await time(() => runImages({ ...opts, out: join(dir, 'one') }));
    const many = await time(() => runImagesPooled({ ...opts, out: join(dir, 'many') }, {}, jobs));
    console.log(`run, preset ${preset}, 8 images: 1 worker ${one.toFixed(2)} s, ${jobs} workers ${many.toFixed(2)} s, ratio ${(many / one).toFixed(2)} (load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
  }
  if (which !== 'run') {
    // Build once first, so both runs find the testbench cached.
    await buildCsim(design, { kind: 'exe', defines: [] });
    const csim = async (j: number) => {
      const load0 = loadavg()[0]!;
      const t0 = performance.now();
      const r = await execa('/usr/bin/time', ['-f', 'cpu %U %S', 'node', cli, 'csim', '-d', design, '-w', weights, '-t', '0', '-j', String(j), ...images], { reject: false });
      const wall = (performance.now() - t0) / 1000;
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
      if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`csim -j ${j} failed (exit ${r.exitCode}): ${String(r.stderr).slice(-500)}`);
      return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, load: `${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` };
    };
    const a = await csim(1);
    const b = await csim(jobs);
    console.log(
      `csim, preset ${preset}, 8 images: -j 1 ${a.wall.toFixed(1)} s wall / ${a.cpu.toFixed(1)} s CPU (load ${a.load}); -j ${jobs} ${b.wall.toFixed(1)} s wall / ${b.cpu.toFixed(1)} s CPU (load ${b.load}); ` +
        `wall ratio ${(b.wall / a.wall).toFixed(2)}, CPU ratio ${(b.cpu / jobs / a.cpu).toFixed(2)} on ${availableParallelism()} cores`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
