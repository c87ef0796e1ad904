// Prints `edgemoe run` (csim backend) over 8 images of a preset with one worker process and with N (default: one per
// core): wall seconds and the ratio (target on 2 cores: ≤ 0.6), then the phase split of the N-lane run (when each
// lane could take its first image, how many it ran, when it finished). The load average is printed too: on a shared
// machine the ratio means little when other work keeps the cores busy.
// Then the same 8 images through `edgemoe csim -j 1` and `-j N` (N images at once: two in the edgemoe process, more on
// worker processes), with GNU time's CPU seconds (user + sys of edgemoe and all its workers and testbenches): the CPU ratio (CPU of -j N / N) / CPU of
// -j 1 is what the wall ratio would be on N otherwise idle cores with the work spread evenly; and each run's phase
// split: when its first image was printed (start-up, reading, packing and building before it) and the rest.
// Usage: npx tsx bench/run-pool.ts [preset] [jobs] [run|csim|both]   (default m3vit-t-cityscapes, one per core, both)
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsim } from '../generator/csim/build.ts';
import { runImagesPooled, type LaneTiming } from '../host/pool/pool.ts';
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
    let lanes: LaneTiming[] = [];
    const many = await time(() => runImagesPooled({ ...opts, out: join(dir, 'many') }, { onLanes: (l) => (lanes = l) }, jobs));
    console.log(`run, preset ${preset}, 8 images: 1 worker ${one.toFixed(2)} s, ${jobs} workers ${many.toFixed(2)} s, ratio ${(many / one).toFixed(2)} (load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
    console.log(`  ${jobs} lanes: ${lanes.map((l) => `${l.lane} ready ${l.readyS.toFixed(2)} s, ${l.images} images, done ${l.doneS.toFixed(2)} s`).join('; ')}`);
  }
  if (which !== 'run') {
    // Build once first, so both runs find the testbench cached.
    await buildCsim(design, { kind: 'exe', defines: [] });
    const csim = async (j: number) => {
      const load0 = loadavg()[0]!;
      const t0 = performance.now();
      const child = execa('/usr/bin/time', ['-f', 'cpu %U %S', 'node', cli, 'csim', '-d', design, '-w', weights, '-t', '0', '-j', String(j), ...images], { reject: false });
      // The first image's lines are printed when it is done (in order, so also with several lanes).
      let first = NaN;
      child.stdout!.on('data', (d: Buffer) => {
        if (Number.isNaN(first) && d.toString().includes('phases:')) first = (performance.now() - t0) / 1000;
      });
      const r = await child;
      const wall = (performance.now() - t0) / 1000;
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
      if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`csim -j ${j} failed (exit ${r.exitCode}): ${String(r.stderr).slice(-500)}`);
      return { wall, first, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, load: `${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` };
    };
    const a = await csim(1);
    const b = await csim(jobs);
    console.log(
      `csim, preset ${preset}, 8 images: -j 1 ${a.wall.toFixed(1)} s wall / ${a.cpu.toFixed(1)} s CPU (load ${a.load}); -j ${jobs} ${b.wall.toFixed(1)} s wall / ${b.cpu.toFixed(1)} s CPU (load ${b.load}); ` +
        `wall ratio ${(b.wall / a.wall).toFixed(2)}, CPU ratio ${(b.cpu / jobs / a.cpu).toFixed(2)} on ${availableParallelism()} cores`,
    );
    const split = (x: { wall: number; first: number }) => `first image printed at ${x.first.toFixed(2)} s, the other 7 in ${(x.wall - x.first).toFixed(2)} s`;
    console.log(`  -j 1: ${split(a)}; -j ${jobs}: ${split(b)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
