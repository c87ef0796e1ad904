// `edgemoe weights import|random|info`: bring checkpoints into the project's checked .safetensors form.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config/index.ts';
import { UserError } from '../errors.ts';
import { numel, shapeStr, type Tensor, type TensorMap } from '../tensor.ts';
import { checkWeights } from '../weights/check.ts';
import { expectedTensors } from '../weights/expected.ts';
import { loadWeights } from '../weights/load.ts';
import { MAX_SEED, randomWeights } from '../weights/random.ts';
import { readSafetensorsFile, writeSafetensors } from '../weights/safetensors.ts';
import { configFromOptions, withConfigOptions, withDefaultConfigHint } from './common.ts';

interface ConfigOpts {
  preset?: string;
  config?: string;
  set?: string[];
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

/** The config's tensors in state-dict order, as float32 unless f64 is kept; notes what was converted. */
function orderedForWrite(config: Config, tensors: TensorMap, keepF64: boolean, notes: string[]): TensorMap {
  const out: TensorMap = new Map();
  let converted = 0;
  for (const name of expectedTensors(config).keys()) {
    const t = tensors.get(name)!;
    if (t.dtype === 'f64' && !keepF64) {
      out.set(name, { dtype: 'f32', shape: t.shape, data: Float32Array.from(t.data as Float64Array) });
      converted++;
    } else out.set(name, t);
  }
  if (converted) notes.push(`converted ${converted} float64 tensor${converted === 1 ? '' : 's'} to float32 (use --keep-f64 to keep them)`);
  return out;
}

const totalValues = (tensors: TensorMap) => [...tensors.values()].reduce((s, t) => s + numel(t.shape), 0);

/** min, max, mean and std of a tensor's values. */
function tensorStats(t: Tensor): { min: number; max: number; mean: number; std: number } {
  let min = Infinity, max = -Infinity, s = 0, s2 = 0;
  const n = t.data.length;
  for (let i = 0; i < n; i++) {
    const v = Number(t.data[i]!);
    if (v < min) min = v;
    if (v > max) max = v;
    s += v;
    s2 += v * v;
  }
  const mean = n ? s / n : NaN;
  return { min: n ? min : NaN, max: n ? max : NaN, mean, std: n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : NaN };
}

/** Parses --seed: an integer in 0..2^32-1. */
function parseSeed(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED) throw new UserError(`--seed must be an integer in 0..${MAX_SEED} (got '${text}')`);
  return n;
}

/** Registers `edgemoe weights` and its subcommands. */
export function register(program: Command): void {
  const weights = program.command('weights').summary('import, generate or inspect backbone weights').description('import, generate and inspect backbone weights (.safetensors)');

  withConfigOptions(
    weights
      .command('import')
      .summary('convert a checkpoint to checked .safetensors')
      .description(
        'load a checkpoint (.safetensors, PyTorch .pth/.pt/.pth.tar zip, or a FastMoE sharded dir of {rank}.pth files), check it against the config and write it as .safetensors',
      )
      .argument('<checkpoint>', 'checkpoint file or sharded checkpoint directory'),
  )
    .requiredOption('-o, --out <file>', 'output .safetensors file (written atomically)')
    .option('--keep-f64', 'keep float64 tensors as float64 instead of converting them to float32')
    .action((ckpt: string, opts: ConfigOpts & { out: string; keepF64?: boolean }) => {
      const t0 = performance.now();
      const config = configFromOptions(opts);
      const { tensors, notes } = loadWeights(ckpt);
      withDefaultConfigHint(opts, () => checkWeights(config, tensors, ckpt));
      const out = orderedForWrite(config, tensors, opts.keepF64 === true, notes);
      writeSafetensors(opts.out, out, { format: 'pt', config: config.name, source: basename(ckpt), producer: 'edgemoe weights import' });
      for (const n of notes) process.stdout.write(`note: ${n}\n`);
      const secs = ((performance.now() - t0) / 1000).toFixed(2);
      process.stdout.write(`imported ${out.size} tensors (${fmtInt(totalValues(out))} values) for config '${config.name}' from ${ckpt} into ${opts.out} in ${secs} s\n`);
    });

  withConfigOptions(weights.command('random').summary('write seeded random weights for a config').description('write seeded random float32 weights for the config (deterministic: same seed, same file)'))
    .addOption(new Option('--seed <n>', `PRNG seed, integer in 0..${MAX_SEED}`).default('0', '0'))
    .requiredOption('-o, --out <file>', 'output .safetensors file (written atomically)')
    .action((opts: ConfigOpts & { seed: string; out: string }) => {
      const t0 = performance.now();
      const config = configFromOptions(opts);
      const seed = parseSeed(opts.seed);
      const w = randomWeights(config, seed);
      writeSafetensors(opts.out, w, { format: 'pt', config: config.name, seed: String(seed), producer: 'edgemoe weights random (xoshiro128**, trunc-normal)' });
      const secs = ((performance.now() - t0) / 1000).toFixed(2);
      process.stdout.write(`wrote ${w.size} random tensors (${fmtInt(totalValues(w))} values, seed ${seed}) for config '${config.name}' to ${opts.out} in ${secs} s\n`);
    });

  withConfigOptions(
    weights
      .command('info')
      .summary('list (and check) the tensors of a weights file')
      .description('list the tensors of a weights file or checkpoint (dtype, shape, min/max/mean/std); with --preset or --config also check them against that config')
      .argument('<weights>', 'a .safetensors file, .pth checkpoint or sharded dir'),
    { use: 'check the tensors against' },
  )
    .option('--json', 'print JSON instead of a table')
    .action((file: string, opts: ConfigOpts & { json?: boolean }) => {
      const { tensors, notes } = loadWeights(file);
      const config = opts.preset || opts.config || opts.set?.length ? configFromOptions(opts) : undefined;
      if (config) checkWeights(config, tensors, file);
      const metadata = file.toLowerCase().endsWith('.safetensors') ? readSafetensorsFile(file).metadata : {};
      const rows = [...tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, ...tensorStats(t) }));
      let text: string;
      if (opts.json) text = `${JSON.stringify({ file, metadata, notes, checkedAgainst: config?.name ?? null, tensors: rows }, null, 2)}\n`;
      else {
        const lines = [...Object.entries(metadata).map(([k, v]) => `metadata ${k}: ${v}`), ...notes.map((n) => `note: ${n}`)];
        const w = Math.max(4, ...rows.map((r) => r.name.length));
        const sw = Math.max(5, ...rows.map((r) => shapeStr(r.shape).length));
        const num = (v: number) => (Number.isFinite(v) ? v.toPrecision(5) : String(v)).padStart(12);
        lines.push(`${'name'.padEnd(w)}  dtype  ${'shape'.padEnd(sw)}  ${'min'.padStart(12)}  ${'max'.padStart(12)}  ${'mean'.padStart(12)}  ${'std'.padStart(12)}`);
        for (const r of rows) lines.push(`${r.name.padEnd(w)}  ${r.dtype.padEnd(5)}  ${shapeStr(r.shape).padEnd(sw)}  ${num(r.min)}  ${num(r.max)}  ${num(r.mean)}  ${num(r.std)}`);
        lines.push(`${rows.length} tensors, ${fmtInt(totalValues(tensors))} values`);
        lines.push(config ? `matches config '${config.name}'` : 'not checked against a config (give --preset or --config to check)');
        text = `${lines.join('\n')}\n`;
      }
      process.stdout.write(text);
    });
}
