// `edgemoe report DIR`: the Vitis HLS C-synthesis figures found under DIR, beside the estimate when DIR is a design.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { designPlan } from '../csim/run.ts';
import { readDesign, DESIGN_JSON } from '../emit/design.ts';
import { estimatePlan } from '../estimate/estimate.ts';
import { collectReports, topReport } from '../report/collect.ts';
import { compareWithEstimate } from '../report/compare.ts';
import { formatReports, reportsJson } from '../report/format.ts';
import { writeDesignHtml } from '../html/report-command.ts';

/** Registers `edgemoe report`. */
export function register(program: Command): void {
  program
    .command('report')
    .summary('summarise Vitis HLS C-synthesis reports')
    .description('parse the C-synthesis reports (*_csynth.xml, and the .rpt beside them) under DIR: latency, II, clocks, resources per top and sub-function; beside the estimate when DIR is a design')
    .argument('<dir>', 'a design dir (its HLS project is searched) or any folder holding csynth reports')
    .option('--json', 'print JSON instead of text')
    .option('--html <file>', 'write an HTML report of the design dir instead: routing maps, per-op error and cycles from its csim runs (csim --trace/--cycles), the estimate, resources, synthesis when reports exist')
    .action(async (dir: string, opts: { json?: boolean; html?: string }) => {
      if (opts.html !== undefined) return writeDesignHtml(dir, opts.html);
      const design = existsSync(join(dir, DESIGN_JSON)) ? readDesign(dir) : undefined;
      const kernel = design?.manifest.kernel.name;
      const set = collectReports(dir);
      const est = design ? estimatePlan(designPlan(design)) : undefined;
      if (opts.json) {
        const estimate = est ? { totals: est.totals, resources: est.resources.total, clockMHz: est.clockMHz } : undefined;
        process.stdout.write(`${JSON.stringify({ dir: set.dir, projectTop: set.projectTop, ...reportsJson(set, kernel), estimate }, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatReports(set, kernel));
      if (est) process.stdout.write(`\n${compareWithEstimate(topReport(set, kernel), est)}`);
    });
}
