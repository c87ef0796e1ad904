// `edgemoe pack`: quantize and lay out a weights file for a generated design (the DRAM image of its weights region).
import type { Command } from 'commander';
import { readDesign } from '../emit/design.ts';
import { parseResize } from '../io/image.ts';
import { calibrate, type Calibration } from '../pack/calibration-set.ts';
import { loadStateDict, packDesign } from '../pack/pack.ts';
import { formatPackTable, outOfRangeWarning } from '../pack/report.ts';
import { UserError } from '../errors.ts';
import { imageFiles } from './profile.ts';

/** Registers `edgemoe pack`. */
export function register(program: Command): void {
  program
    .command('pack')
    .summary("quantize weights into a design's DRAM image")
    .description("quantize a weights file to the design's fixed-point types and write its packed DRAM image (default <design>/weights.bin)")
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <file>', 'float weights matching the design\'s config: .safetensors, .pth checkpoint or sharded checkpoint dir')
    .option('-o, --out <file>', 'where to write the packed image (default: <design>/weights.bin, which csim and run use)')
    .option('--calibrate [images...]', 'GPTQ rounding of the per-channel (granularity channel) weights: each layer\'s rounding errors compensated with its inputs over these images (files or directories; every task) in the float reference; same grid, scales and kernel as plain rounding. Without images: the shipped calibration set (test/fixtures/calibration, stretched to the model\'s input), which a config with precision.linearWeight.gptq uses by default')
    .option('--no-calibrate', 'round every weight by its type\'s modes, even where the config sets precision.linearWeight.gptq')
    .option('--resize <mode>', 'fit a --calibrate PNG/JPEG of another size than the model\'s: stretch or letterbox (bilinear). Default: refuse it')
    .option('-q, --quiet', 'print only warnings and the summary line, not the per-tensor table')
    .action((opts: { design: string; weights: string; out?: string; calibrate?: string[] | boolean; resize?: string; quiet?: boolean }) => {
      const t0 = performance.now();
      const design = readDesign(opts.design);
      const sd = loadStateDict(opts.weights);
      const progress = (done: number, total: number) => process.stderr.write(`calibrate: reference run ${done}/${total}\n`);
      // undefined: as the config says (packDesign); null: --no-calibrate; else the images given or the shipped set.
      let calibration: Calibration | null | undefined;
      if (opts.calibrate === false) calibration = null;
      else if (opts.calibrate) {
        if (!design.manifest.weights.tensors.some((t) => t.scale))
          throw new UserError(`--calibrate: design ${opts.design} has no per-channel weights (precision.linearWeight.granularity is not 'channel'); GPTQ rounding needs a per-row grid`);
        const resize = parseResize(opts.resize);
        const files = opts.calibrate === true ? undefined : imageFiles(opts.calibrate, design.config.model.image, '--calibrate');
        calibration = calibrate(design.config, sd, files, resize, progress);
      }
      const r = packDesign(design, opts.weights, opts.out, sd, calibration, progress);
      if (!opts.quiet) process.stdout.write(formatPackTable(r.tensors));
      const warn = outOfRangeWarning(r.tensors);
      if (warn) process.stderr.write(warn);
      const values = r.tensors.reduce((s, t) => s + t.values, 0);
      process.stdout.write(`packed ${r.tensors.length} tensors (${values} values, ${r.bytes.length} bytes)${r.calibration ? `, GPTQ-rounded on ${r.calibration.length} images,` : ''} into ${r.file} in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    });
}
