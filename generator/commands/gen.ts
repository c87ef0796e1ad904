// `edgemoe gen`: generate the HLS design of a config.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { emitDesign } from '../emit/emit.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

/** Registers `edgemoe gen`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('gen')
      .description('generate the Vitis HLS design of a config: kernel sources, csim testbench, C ABI bridge, Makefile, run_hls.tcl, design.json'),
  )
    .option('-o, --out <dir>', 'output design dir (default: hls-out/<config name>)')
    .action((opts: { preset?: string; config?: string; set?: string[]; out?: string }) => {
      const t0 = performance.now();
      const config = configFromOptions(opts);
      const r = emitDesign(config, opts.out);
      const rel = relative(process.cwd(), r.dir) || '.';
      const weights = r.keptWeights ? `kept ${r.manifest.weights.file} (same weights layout)` : `no packed weights yet (\`edgemoe csim\` packs them, or run \`edgemoe pack --design ${rel} --weights W\`)`;
      process.stdout.write(
        `generated ${r.manifest.name} in ${rel}: ${r.files.length} files, ${r.plan.ops.length} ops, ${r.manifest.weights.tensors.length} packed tensors (${((performance.now() - t0) / 1000).toFixed(2)} s); ${weights}\n`,
      );
    });
}
