// `edgemoe report DIR`: the Vitis HLS C-synthesis figures found under DIR, per solution, beside the estimate when
// DIR is a design whose kernel and part the reports match.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { designPlan } from '../csim/run.ts';
import { readDesign, DESIGN_JSON } from '../emit/design.ts';
import { estimatePlan } from '../estimate/estimate.ts';
import { collectReports, selectSolutions } from '../report/collect.ts';
import { formatReport } from '../report/format.ts';
import { formatGathered, gatherSweep, isSweepDir } from '../explore/gather.ts';
import { reportModel, type ReportModel } from '../report/model.ts';
import { writeDesignHtml } from '../html/report-command.ts';
import { UserError } from '../errors.ts';
import { EXPLORE_JSON, PROFILE_JSON } from '../html/extras.ts';

export interface ReportOptions {
  solution?: string;
}

/** The parsed data model of `edgemoe report DIR` (what the text, --json and any other view render). */
export function buildReport(dir: string, opts: ReportOptions = {}): ReportModel {
  const design = existsSync(join(dir, DESIGN_JSON)) ? readDesign(dir) : undefined;
  const set = collectReports(dir);
  const solutions = selectSolutions(set, opts.solution);
  const identity = design ? { name: design.manifest.name, kernel: design.manifest.kernel.name, part: design.config.hardware.part } : null;
  return reportModel(set.dir, solutions, identity, design ? estimatePlan(designPlan(design)) : null);
}

/** Registers `edgemoe report`. */
export function register(program: Command): void {
  program
    .command('report')
    .summary('summarise Vitis HLS C-synthesis reports')
    .description(
      'parse the C-synthesis reports (*_csynth.xml, and the .rpt beside them) under DIR, one section per solution: the top (from hls.app / vivado_hls.app / hls_config.cfg syn.top=, else csynth.xml), flow target, clocks, latency, II, dataflow throughput, resources beside the device, every module in hierarchy order with its II and pipeline type, the instance table; in a design dir, beside the estimate when the reports are of the design\'s kernel and part (a warning otherwise)',
    )
    .argument('<dir>', 'a design dir (its HLS project is searched), a sweep dir (every point, as `edgemoe sweep gather`) or any folder holding csynth reports')
    .option('--solution <name>', 'only this solution (its name, e.g. solution2, or its path under DIR)')
    .option('--json', 'print JSON instead of text (the same figures)')
    .option('--html <file>', 'write an HTML report of the design dir instead: routing maps, per-op error and cycles from its csim runs (csim --trace/--cycles), the estimate, resources, synthesis when reports exist, the profile and explore pictures when their JSON is there')
    .option('--profile <file>', `with --html: draw this profile JSON (\`edgemoe profile -o FILE\`; default: ${PROFILE_JSON} in DIR when there)`)
    .option('--explore <file>', `with --html: draw this exploration JSON (\`edgemoe explore --json > FILE\`; default: ${EXPLORE_JSON} in DIR when there)`)
    .action(async (dir: string, opts: { json?: boolean; solution?: string; html?: string; profile?: string; explore?: string }) => {
      if (opts.html === undefined && (opts.profile !== undefined || opts.explore !== undefined)) throw new UserError('--profile and --explore go with --html');
      if (opts.html !== undefined) return writeDesignHtml(dir, opts.html, { profile: opts.profile, explore: opts.explore });
      // A sweep dir (edgemoe explore --emit-jobs) gets the sweep's table, as `edgemoe sweep gather`.
      if (isSweepDir(dir) && opts.solution === undefined) {
        const g = gatherSweep(dir);
        process.stdout.write(opts.json ? `${JSON.stringify(g, null, 2)}\n` : formatGathered(g));
        return;
      }
      const model = buildReport(dir, { solution: opts.solution });
      for (const s of model.solutions) {
        if (s.foreign.length) process.stderr.write(`edgemoe: warning: reports in ${s.path} do not belong to design '${model.design!.name}': ${s.foreign.join('; ')}; not compared with its estimate\n`);
      }
      process.stdout.write(opts.json ? `${JSON.stringify(model, null, 2)}\n` : formatReport(model));
    });
}
