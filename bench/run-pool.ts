// Prints `edgemoe run` (csim backend) over 8 images of a preset with one worker process and with N (default: one per
// core): wall seconds and the ratio (target on 2 cores: ≤ 0.6). The load average is printed too: on a shared machine
// the ratio means little when other work keeps the cores busy.
// Usage: npx tsx bench/run-pool.ts [preset] [jobs]   (default m3vit-t-cityscapes, one per core)
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsim } from '../generator/csim/build.ts';
import { runImagesPooled } from '../host/pool/pool.ts';
import { runImages } from '../host/run.ts';

const preset = process.argv[2] ?? 'm3vit-t-cityscapes';
const jobs = Number(process.argv[3] ?? availableParallelism());
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
  const load0 = loadavg()[0]!;
  const one = await time(() => runImages({ ...opts, out: join(dir, 'one') }));
  const many = await time(() => runImagesPooled({ ...opts, out: join(dir, 'many') }, {}, jobs));
  console.log(`preset ${preset}, 8 images: 1 worker ${one.toFixed(2)} s, ${jobs} workers ${many.toFixed(2)} s, ratio ${(many / one).toFixed(2)} (load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
