// Prints gen, compile, pack and csim figures (wall, CPU, peak RSS) for one m3vit-t-cityscapes image:
//   npx tsx bench/csim.ts [preset] [image]
// Compile and testbench figures come from /usr/bin/time (GNU time) around g++ and the testbench when it exists.
// Targets: csim ≤ 3 s per image, compile ≤ 30 s, peak RSS ≤ 1 GiB. On a loaded machine compare CPU, not wall.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { resolveConfig } from '../generator/config/index.ts';

const TIME = '/usr/bin/time';
const preset = process.argv[2] ?? 'm3vit-t-cityscapes';
const image = resolve(process.argv[3] ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'images', 'astronaut-256x128.png'));
const work = mkdtempSync(join(tmpdir(), 'edgemoe-bench-csim-'));
const timeLog = join(work, 'time.log');
const haveTime = existsSync(TIME);

// g++ through GNU time: every compile/link appends "rss_kib user sys wall" to time.log.
if (haveTime) {
  const wrapper = join(work, 'cxx.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${TIME} -a -o '${timeLog}' -f '%M %U %S %e' g++ "$@"\n`, { mode: 0o755 });
  process.env.CXX = wrapper;
}
const { emitDesign } = await import('../generator/emit/emit.ts');
const { buildCsim } = await import('../generator/csim/build.ts');
const { readDesign } = await import('../generator/emit/design.ts');
const { packDesign } = await import('../generator/pack/pack.ts');
const { runCsim } = await import('../generator/csim/run.ts');
const { loadImageBytes } = await import('../generator/io/image.ts');
const { randomWeights } = await import('../generator/weights/random.ts');
const { writeSafetensors } = await import('../generator/weights/safetensors.ts');

const rows: string[][] = [];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function timed<T>(what: string, f: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = cpu();
  const r = await f();
  rows.push([what, ((performance.now() - t0) / 1000).toFixed(2), (cpu() - c0).toFixed(2), `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} (node)`]);
  return r;
}
const logLines = () => (existsSync(timeLog) ? readFileSync(timeLog, 'utf8').trim().split('\n').filter((l) => /^\d/.test(l)) : []);

try {
  const config = resolveConfig({ preset });
  const dir = join(work, 'design');
  await timed('gen', () => emitDesign(config, dir));
  const weights = join(work, 'weights.safetensors');
  await timed('weights random --seed 1', () => writeSafetensors(weights, randomWeights(config, 1)));
  await timed('pack', () => packDesign(readDesign(dir), weights));
  const exe = await timed('compile (testbench, cold cache)', () => buildCsim(dir, { kind: 'exe' }));
  if (haveTime) {
    const jobs = logLines().map((l) => l.split(' ').map(Number));
    const maxRss = Math.max(...jobs.map((j) => j[0]!));
    const cpuSum = jobs.reduce((s, j) => s + j[1]! + j[2]!, 0);
    rows.push(['  g++ jobs (parallel)', '', cpuSum.toFixed(2), `${(maxRss / 1024).toFixed(0)} (largest g++)`]);
  }
  await timed('compile (cached)', () => buildCsim(dir, { kind: 'exe' }));
  const { manifest } = readDesign(dir);
  writeFileSync(join(work, 'image.bin'), loadImageBytes(image, config.model.image));
  const args = ['--weights', join(dir, manifest.weights.file), '--image', join(work, 'image.bin'), '--out', join(work, 'out.bin')];
  if (haveTime) {
    const r = await execa(TIME, ['-f', 'TIME %M %U %S %e', exe, ...args], { all: true });
    const t = /TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(String(r.all))!;
    rows.push(['csim testbench (1 image)', Number(t[4]).toFixed(2), (Number(t[2]) + Number(t[3])).toFixed(2), `${(Number(t[1]) / 1024).toFixed(0)} (testbench)`]);
  }
  const r = await timed('edgemoe csim (build cached, + reference)', () => runCsim({ design: dir, weights, task: 0, image }));
  const w = [Math.max(...rows.map((x) => x[0]!.length)), 8, 8, 18];
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  process.stdout.write(`${preset}: ${image}\n${line(['phase', 'wall s', 'cpu s', 'peak RSS MiB'])}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`output vs reference: MSE/var ${r.final.relMse.toExponential(3)}, cosine ${r.final.cosine.toFixed(6)}; csim phases: ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
