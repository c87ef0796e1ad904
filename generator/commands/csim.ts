// `edgemoe csim`: C-simulate a generated design on one image and compare it with the float reference.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatFinal, formatOpTable, formatRouting, formatVerdict } from '../csim/report.ts';
import { formatCycles } from '../csim/cycles.ts';
import { DEFAULT_TOLERANCE, runCsim } from '../csim/run.ts';
import { resolveTask } from '../config/task.ts';
import { readDesign } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { csimRecord, writeRecord } from '../csim/record.ts';
import { checkHtmlPath, designReport, writeHtml } from '../html/design-report.ts';
import { formatFidelity, topKAgreement } from '../reference/fidelity.ts';
import { parseResize } from '../io/image.ts';

/** Registers `edgemoe csim`. */
export function register(program: Command): void {
  program
    .command('csim')
    .summary('C-simulate a design on one image vs the reference')
    .description(
      'C-simulate a design on one image (g++ build cached by content hash; weights packed when weights.bin is missing or stale) and compare with the float64 reference; exit 1 when MSE/var(reference) exceeds the tolerance',
    )
    .argument('<image>', 'input image: PNG/JPEG (8-bit; the hardware takes the bytes, the preprocessing is folded into the patch embedding) or .npy float [C,H,W] of the model input, each value a preprocessed byte ((k/pixelDivisor − mean)/std)')
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <file>', 'float weights (.safetensors, .pth or sharded dir); packed into the design when needed')
    .requiredOption('-t, --task <task>', 'task name or index (selects the MoE gates); required, as in `reference` and `run`')
    .option('-o, --out <file>', 'write the output as float32 [tokens, dim] .npy')
    .option('--trace', 'compare every op with the reference trace (builds with -DEDGEMOE_TRACE): print a per-op table and, per MoE block, how many tokens pick other experts than the reference and how close those were to a tie')
    .option('--cycles', "count pipelined loop iterations per op (-DEDGEMOE_COUNT_CYCLES) and print a table: op id (as in --trace and `estimate --ops`; 0 = the one-time weight load under reload=1), op name, counted iterations, the estimator's prediction (MoE ops with this run's routing: the kernel's with --trace, else the float reference's) and the difference, with totals in cycles and ms at the config's clock")
    .option('--overflow-stats', 'count out-of-range fixed-point stores per type (-DEDGEMOE_OVERFLOW_STATS); prints one line per type that overflowed, then `overflow total=N`')
    .option('--resize <mode>', 'fit a PNG/JPEG of another size than the model\'s: stretch (scale each axis) or letterbox (keep the aspect ratio, pad with black, centred); bilinear. Default: refuse it')
    .option('--html <file>', 'also write an HTML report of this run (routing maps, per-op error and cycle charts with --trace / --cycles, resources); self-contained, opens in any browser')
    .option('--tolerance <x>', `pass threshold on MSE / var(reference) (default ${DEFAULT_TOLERANCE}: the accuracy target of Edge-MoE's fixed-point types)`)
    .action(async (image: string, opts: { design: string; weights: string; task: string; out?: string; trace?: boolean; cycles?: boolean; overflowStats?: boolean; tolerance?: string; html?: string; resize?: string }) => {
      const tol = opts.tolerance === undefined ? DEFAULT_TOLERANCE : Number(opts.tolerance);
      if (!Number.isFinite(tol) || tol < 0) throw new UserError(`--tolerance '${opts.tolerance}': expected a number ≥ 0`);
      // Check --out before the (possibly minutes-long) build and run, not after.
      if (opts.out !== undefined) {
        if (existsSync(opts.out) && statSync(opts.out).isDirectory()) throw new UserError(`--out ${opts.out}: is a directory, expected an .npy file path`);
        if (!existsSync(dirname(resolve(opts.out)))) throw new UserError(`--out ${opts.out}: directory ${dirname(opts.out)} does not exist`);
      }
      if (opts.html !== undefined) checkHtmlPath(opts.html);
      const defines = opts.overflowStats ? ['EDGEMOE_OVERFLOW_STATS'] : [];
      const design = readDesign(opts.design);
      const task = resolveTask(design.manifest.tasks, opts.task);
      const r = await runCsim({
        design: opts.design,
        weights: opts.weights,
        task,
        image,
        out: opts.out,
        trace: opts.trace,
        cycles: opts.cycles,
        defines,
        tolerance: tol,
        resize: parseResize(opts.resize),
        log: (l) => process.stderr.write(`csim: ${l}\n`),
      });
      if (r.stdout.trim()) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
      if (opts.trace) process.stdout.write(formatOpTable(r.ops) + formatRouting(r.routing) + `${formatFidelity({ ...r.final, topk: topKAgreement(r.routing) })}\n`);
      if (r.cycles) process.stdout.write(formatCycles(r.cycles));
      process.stdout.write(`${formatFinal(r.final)}\n`);
      const total = r.phases.reduce((s, p) => s + p.seconds, 0);
      process.stdout.write(`phases: ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')} (total ${total.toFixed(2)} s)\n`);
      if (opts.out) process.stdout.write(`wrote ${opts.out}\n`);
      // Traced / counted runs are kept for `edgemoe report --html` (csim-runs/ in the design dir).
      const record = csimRecord(r, { configHash: design.manifest.configHash, image, taskName: design.manifest.tasks[task]! });
      if (opts.trace || opts.cycles) process.stdout.write(`recorded ${writeRecord(opts.design, record)}\n`);
      if (opts.html !== undefined) {
        writeHtml(opts.html, await designReport(opts.design, { records: [record], title: `edgemoe csim: ${basename(image)}, task ${record.taskName}` }));
        process.stdout.write(`wrote ${opts.html}\n`);
      }
      process.stdout.write(`${formatVerdict(r)}\n`);
      if (!r.passed) process.exitCode = 1;
    });
}
