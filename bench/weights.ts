// Prints weights I/O timings: random draw, safetensors write/read for each preset, and .pth/sharded parse of the tiny fixture.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PRESETS, resolveConfig } from '../generator/config/index.ts';
import { loadWeights } from '../generator/weights/load.ts';
import { randomWeights } from '../generator/weights/random.ts';
import { readSafetensors, writeSafetensors } from '../generator/weights/safetensors.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgemoe-bench-weights-'));
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0).padStart(6)} ms`;
try {
  for (const preset of Object.keys(PRESETS)) {
    const c = resolveConfig({ preset });
    let t0 = performance.now();
    const w = randomWeights(c, 1);
    const tRandom = ms(t0);
    const values = [...w.values()].reduce((s, t) => s + t.data.length, 0);
    const file = join(dir, `${preset}.safetensors`);
    t0 = performance.now();
    writeSafetensors(file, w);
    const tWrite = ms(t0);
    t0 = performance.now();
    readSafetensors(file);
    const tRead = ms(t0);
    console.log(`${preset.padEnd(20)} ${(values / 1e6).toFixed(2).padStart(6)} M values  random ${tRandom}  write ${tWrite}  read ${tRead}`);
  }
  const tiny = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'm3vit-tiny-test');
  for (const src of ['0.pth', 'sharded', 'weights.safetensors']) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) loadWeights(join(tiny, src));
    console.log(`load tiny ${src.padEnd(20)} ${((performance.now() - t0) / 20).toFixed(2)} ms each`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
