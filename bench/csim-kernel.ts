// Prints C-simulation speed of the generated kernel: seconds per image (wall and CPU) for a preset at -O2.
// Usage: npx tsx bench/csim-kernel.ts [preset] [runs]   (default m3vit-t-cityscapes, 3 runs)
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../generator/config/index.ts';
import { buildPlan } from '../generator/plan/index.ts';

const preset = process.argv[2] ?? 'm3vit-t-cityscapes';
const runs = Number(process.argv[3] ?? 3);
const cli = join(import.meta.dirname, '..', 'bin', 'edgemoe.js');
const dir = mkdtempSync(join(tmpdir(), 'edgemoe-bench-'));
const design = join(dir, 'design');
const weights = join(dir, 'w.safetensors');
await execa('node', [cli, 'weights', 'random', '--preset', preset, '-o', weights]);
await execa('node', [cli, 'gen', '--preset', preset, '-o', design]);
await execa('node', [cli, 'pack', '-d', design, '-w', weights, '-q']);
const t0 = performance.now();
await execa('make', ['-C', design, '-s', 'csim']);
const compile = (performance.now() - t0) / 1000;
const s = buildPlan(resolveConfig({ preset })).sizes;
const img = new Uint8Array(s.inCh * s.imgH * s.imgW).map((_, i) => (i * 7) % 256);
writeFileSync(join(dir, 'img.bin'), img);
// /usr/bin/time reports the testbench's own CPU time (user + sys), which is what the speed target is about;
// wall time also counts whatever else the machine is doing.
const t1 = performance.now();
const r = await execa('/usr/bin/time', ['-f', 'cpu %U %S', join(design, 'build', 'testbench'), '--weights', join(design, 'weights.bin'), '--image', join(dir, 'img.bin'), '--runs', String(runs)], { reject: false });
const wall = (performance.now() - t1) / 1000;
const m = /cpu ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
const cpu = m ? Number(m[1]) + Number(m[2]) : NaN;
console.log(`preset ${preset}: compile ${compile.toFixed(1)} s (-O2); ${runs} image run(s): ${(cpu / runs).toFixed(2)} s/image CPU, ${(wall / runs).toFixed(2)} s/image wall (exit ${r.exitCode})`);
