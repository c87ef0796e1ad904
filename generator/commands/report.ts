// `edgemoe report DIR`: the Vitis HLS C-synthesis figures found under DIR, beside the estimate when DIR is a design.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collectReports } from '../report/collect.ts';
import { formatReports, reportsJson } from '../report/format.ts';
import { readDesign, DESIGN_JSON } from '../emit/design.ts';

/** Registers `edgemoe report`. */
export function register(program: Command): void {
  program
    .command('report')
    .description('parse the C-synthesis reports (*_csynth.xml, and the .rpt beside them) under DIR: latency, II, clocks, resources per top and sub-function')
    .argument('<dir>', 'a design dir (its HLS project is searched) or any folder holding csynth reports')
    .option('--json', 'print JSON instead of text')
    .action((dir: string, opts: { json?: boolean }) => {
      const kernel = existsSync(join(dir, DESIGN_JSON)) ? readDesign(dir).manifest.kernel.name : undefined;
      const set = collectReports(dir);
      if (opts.json) process.stdout.write(`${JSON.stringify({ dir: set.dir, projectTop: set.projectTop, ...reportsJson(set, kernel) }, null, 2)}\n`);
      else process.stdout.write(formatReports(set, kernel));
    });
}
