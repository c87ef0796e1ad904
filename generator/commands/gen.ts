// `edgemoe gen`: generate the HLS design of a config.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { UserError } from '../errors.ts';
import { emitDesign } from '../emit/emit.ts';
import { configFromOptions, withConfigOptions } from './common.ts';

/** A path as the shell reads it back: quoted when it holds anything beyond safe characters. */
export function shellQuote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** Registers `edgemoe gen`. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('gen')
      .summary('generate the Vitis HLS design of a config')
      .description('generate the Vitis HLS design of a config: kernel sources, csim testbench, C ABI bridge, Makefile, run_hls.tcl, link.cfg, design.json, config.json. Atomic and deterministic; regenerating keeps hls_prj/, build/, the build cache and your own files (and weights.bin while the weights layout is unchanged)'),
  )
    .option('-o, --out <dir>', 'output design dir (default: hls-out/<config name> under the current dir)')
    .option('--force', 'regenerate even over generated files you edited (gen refuses otherwise, naming them)')
    .action((opts: { preset?: string; config?: string; set?: string[]; out?: string; force?: boolean }) => {
      const t0 = performance.now();
      const config = configFromOptions(opts);
      if (opts.out !== undefined && existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
        throw new UserError(`--out ${opts.out}: is a file, expected a design directory (new, or one \`edgemoe gen\` made)`);
      }
      const r = emitDesign(config, opts.out, { force: opts.force });
      if (r.overwrittenEdits.length) process.stderr.write(`edgemoe: warning: --force: overwrote your edits of ${r.overwrittenEdits.join(', ')}\n`);
      const rel = shellQuote(relative(process.cwd(), r.dir) || '.');
      const weights = r.keptWeights ? `kept ${r.manifest.weights.file} (same weights layout)` : `no packed weights yet (\`edgemoe csim\` packs them, or run \`edgemoe pack --design ${rel} --weights W\`)`;
      process.stdout.write(
        `generated ${r.manifest.name} in ${rel}: ${r.files.length} files, ${r.plan.ops.length} ops, ${r.manifest.weights.tensors.length} packed tensors (${((performance.now() - t0) / 1000).toFixed(2)} s); ${weights}\n`,
      );
    });
}
