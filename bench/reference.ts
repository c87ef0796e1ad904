// Prints how long the float64 reference forward takes on each preset (random weights, random byte image).
import { PRESETS, resolveConfig } from '../generator/config/index.ts';
import { runReference } from '../generator/reference/model.ts';
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
  const timed = (trace: boolean) => {
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    runReference(config, weights, image, 0, { trace });
    const c = process.cpuUsage(c0);
    return `${(performance.now() - w0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`;
  };
  const first = timed(false);
  const runs = [timed(false), timed(false), timed(false)];
  console.log(`${preset}: first run (f32→f64 conversion, JIT) ${first}; then ${runs.join(' | ')}; with trace ${timed(true)}`);
}
