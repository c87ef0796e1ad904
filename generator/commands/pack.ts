// `edgemoe pack`: quantize and lay out a weights file for a generated design (the DRAM image of its weights region).
import type { Command } from 'commander';
import { readDesign } from '../emit/design.ts';
import { packDesign } from '../pack/pack.ts';
import { formatPackTable, outOfRangeWarning } from '../pack/report.ts';

/** Registers `edgemoe pack`. */
export function register(program: Command): void {
  program
    .command('pack')
    .summary("quantize weights into a design's DRAM image")
    .description("quantize a weights file to the design's fixed-point types and write its packed DRAM image (default <design>/weights.bin)")
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <file>', 'float weights matching the design\'s config: .safetensors, .pth checkpoint or sharded checkpoint dir')
    .option('-o, --out <file>', 'where to write the packed image (default: <design>/weights.bin, which csim and run use)')
    .option('-q, --quiet', 'print only warnings and the summary line, not the per-tensor table')
    .action((opts: { design: string; weights: string; out?: string; quiet?: boolean }) => {
      const t0 = performance.now();
      const design = readDesign(opts.design);
      const r = packDesign(design, opts.weights, opts.out);
      if (!opts.quiet) process.stdout.write(formatPackTable(r.tensors));
      const warn = outOfRangeWarning(r.tensors);
      if (warn) process.stderr.write(warn);
      const values = r.tensors.reduce((s, t) => s + t.values, 0);
      process.stdout.write(`packed ${r.tensors.length} tensors (${values} values, ${r.bytes.length} bytes) into ${r.file} in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    });
}
