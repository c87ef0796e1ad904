// Prints how long the float64 reference forward takes on each preset (random weights, random byte image), with the
// WebAssembly SIMD matrix product (the default) and with the plain loops it replaced, and how far their outputs are
// apart (target: ViT-S ≥ 3× faster than the plain loops' 20 s, outputs within 1e-12).
//   npx tsx bench/reference.ts [preset ...]   (default: every preset; RUNS=n timed runs per kernel, default 1)
import { PRESETS, resolveConfig } from '../generator/config/index.ts';
import { runReference } from '../generator/reference/model.ts';
import { setLinearKernel, type LinearKernel } from '../generator/reference/ops.ts';
import type { TensorMap } from '../generator/tensor.ts';
import { numel } from '../generator/tensor.ts';
import { expectedTensors } from '../generator/weights/expected.ts';

/** Deterministic pseudo-random numbers in [-0.5, 0.5) (xorshift32), so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32 - 0.5;
  };
}

const presets = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(PRESETS);
for (const preset of presets) {
  const config = resolveConfig({ preset, sets: [] });
  const r = rng(1);
  const weights: TensorMap = new Map();
  for (const [name, shape] of expectedTensors(config)) {
    const scale = name.includes('norm') && name.endsWith('weight') ? 0 : 0.1;
    const data = Float32Array.from({ length: numel(shape) }, () => (scale === 0 ? 1 : r() * scale));
    weights.set(name, { dtype: 'f32', shape, data });
  }
  const image = Float64Array.from({ length: numel(config.model.image) }, () => Math.floor((r() + 0.5) * 256) / 256);
  // Wall and CPU (user+system) time: on a shared machine the CPU figure is the steadier one.
  const runs = Number(process.env.RUNS ?? 1);
  const timed = (k: LinearKernel) => {
    setLinearKernel(k);
    let out: Float64Array = new Float64Array(0);
    let wall = 0, cpu = 0;
    for (let i = 0; i < runs; i++) {
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      out = runReference(config, weights, image, 0).out;
      const c = process.cpuUsage(c0);
      wall += performance.now() - w0;
      cpu += (c.user + c.system) / 1000;
    }
    return { out, wall: wall / runs, cpu: cpu / runs };
  };
  timed('simd'); // f32→f64 weight conversion and JIT warm-up, not counted
  const plain = timed('plain');
  const simd = timed('simd');
  let diff = 0;
  for (let i = 0; i < plain.out.length; i++) diff = Math.max(diff, Math.abs(plain.out[i]! - simd.out[i]!));
  const f = (t: { wall: number; cpu: number }) => `${t.cpu.toFixed(0)} ms cpu (${t.wall.toFixed(0)} ms wall)`;
  console.log(`${preset}: plain loops ${f(plain)}; SIMD ${f(simd)}; ${(plain.cpu / simd.cpu).toFixed(2)}× by CPU time; max |diff| ${diff.toExponential(2)}`);
}
