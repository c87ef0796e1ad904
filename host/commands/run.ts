// `edgemoe run`: run images through a design on an FPGA (XRT) or in C simulation, one .npy per image and task.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { designPlan } from '../../generator/csim/run.ts';
import { CONFIG_JSON, DESIGN_JSON, readDesign } from '../../generator/emit/design.ts';
import { UserError } from '../../generator/errors.ts';
import type { BackendChoice } from '../accelerator.ts';
import type { RunReport, RunResult } from '../run.ts';
import { defaultJobs, runImagesPooled, warmRunWorkers } from '../pool/pool.ts';
import { checkHtmlPath } from '../../generator/html/design-report.ts';
import { writeRunHtml } from '../../generator/html/report-command.ts';
import { expandImageArgs } from '../image-args.ts';
import { parseResize } from '../../generator/io/image.ts';
import { atInterrupt } from '../../generator/interrupt.ts';
import { cyclesToMs, estimatePlan } from '../../generator/estimate/estimate.ts';

interface RunCliOptions {
  design: string;
  weights: string;
  task: string;
  backend: BackendChoice;
  xclbin?: string;
  device: string;
  timeout?: string;
  out: string;
  json?: boolean;
  jobs?: string;
  html?: string;
  resize?: string;
}

/**
 * The results table, one row per image and task: the wall time of that image (its kernel call's time divided by the
 * call's images), the estimated FPGA latency per image (`edgemoe estimate`, when the design has its config.json) and
 * the output (or the error); then the totals and the throughput.
 */
export function formatTable(r: RunReport, estimatedMs?: number): string {
  const est = estimatedMs === undefined ? '-' : `${estimatedMs.toFixed(2)} ms`;
  const rows = r.results.map((x) => [
    x.image,
    x.task,
    x.backend,
    x.error ? '-' : `${x.latencyMs!.toFixed(3)} ms${x.batch! > 1 ? ` (1/${x.batch} of a call)` : ''}`,
    x.error ? '-' : est,
    x.error ? `error: ${x.error.split('\n')[0]}` : x.output!,
  ]);
  const head = ['image', 'task', 'backend', 'wall', 'est. FPGA', 'output'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  const done = r.results.filter((x) => !x.error).length;
  const perSec = r.seconds > 0 ? done / r.seconds : 0;
  const total = `total: ${done} inference${done === 1 ? '' : 's'} in ${r.seconds.toFixed(2)} s = ${perSec.toFixed(2)} /s (wall, ${r.backend})${
    estimatedMs ? `; estimated FPGA ${(1000 / estimatedMs).toFixed(1)} /s` : ''
  }`;
  return `${[line(head), ...rows.map(line), total].join('\n')}\n`;
}

/** One plain progress line (stderr that is not a terminal): `run: 3/10 a.png task0 12.3 ms`. */
export function progressLine(done: number, total: number, x: RunResult): string {
  return `run: ${done}/${total} ${x.image} ${x.task} ${x.error ? `error: ${x.error.split('\n')[0]}` : `${x.latencyMs!.toFixed(1)} ms`}`;
}

function parseDevice(s: string): number {
  if (!/^\d+$/.test(s)) throw new UserError(`--device '${s}': expected a device index (0, 1, …)`);
  return Number(s);
}

/** Registers `edgemoe run`. */
export function register(program: Command): void {
  program
    .command('run')
    .summary('run images through a design (XRT or csim)')
    .description(
      'run images through a generated design on an FPGA via XRT, or in C simulation; writes <out>/<image stem>.<task>.npy (float32 [tokens, dim]) per image and task and prints a table. A bad image is reported (exit 2) while the others still run',
    )
    .argument('<images...>', "input images: PNG/JPEG (8-bit RGB of the design size) or .npy float [C,H,W] of the model input, each value a preprocessed byte ((k/pixelDivisor − mean)/std); a directory gives its images (sorted), a quoted glob ('photos/*.png') its matches")
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <path>', 'packed weights image (`edgemoe pack`, e.g. <design>/weights.bin), or .safetensors/.pth/sharded dir to pack in memory')
    .requiredOption('-t, --task <tasks>', 'task name or index; several comma-separated (e.g. semseg,depth) run each image for each task')
    .addOption(new Option('-b, --backend <backend>', 'xrt: the FPGA through XRT (needs --xclbin); csim: the C-simulation bridge (g++); auto: xrt when --xclbin is given and a device answers, else csim, saying why').choices(['auto', 'xrt', 'csim']).default('auto'))
    .option('-x, --xclbin <file>', 'the design built by v++ (validated and matched against design.json before XRT sees it)')
    .addOption(new Option('--device <n>', 'XRT device index').default('0', '0'))
    .option('--timeout <ms>', 'XRT: fail a kernel call that has not completed after this many milliseconds (default: wait)')
    .addOption(new Option('-o, --out <dir>', 'output directory (created if missing)').default('.', 'the current dir'))
    .option('--resize <mode>', 'fit a PNG/JPEG of another size than the model\'s: stretch (scale each axis) or letterbox (keep the aspect ratio, pad with black, centred); bilinear. Default: refuse it')
    .option('--json', 'print the results as JSON (no progress bar, no table)')
    .option('-j, --jobs <n>', 'csim: worker processes the images are spread over (default: one per core); XRT runs in one')
    .option('--html <file>', 'also write an HTML report of this run: latency per image and task, the estimate\'s cycles and resources')
    .addHelpText(
      'after',
      `
Environment:
  XILINX_XRT            XRT install prefix (default: found on the loader path; a private prefix is made for Debian's layout)
  XCL_EMULATION_MODE    noop runs the XRT path without an FPGA (the kernel computes nothing); sw_emu/hw_emu need Vitis
  EDGEMOE_XRT_LIB_PATH  the only directories to search for libxrt_coreutil.so.2 (colon-separated)
XRT's own messages go to a log file; its errors are shown in edgemoe's error messages.`,
    )
    .action(async (images: string[], opts: RunCliOptions) => {
      const device = parseDevice(opts.device);
      if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) throw new UserError(`--out ${opts.out}: is a file, expected an output directory`);
      const timeoutMs = opts.timeout === undefined ? undefined : Number(opts.timeout);
      if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UserError(`--timeout '${opts.timeout}': expected a positive number of milliseconds`);
      const jobs = opts.jobs === undefined ? defaultJobs() : Number(opts.jobs);
      if (!(Number.isInteger(jobs) && jobs >= 1)) throw new UserError(`--jobs '${opts.jobs}': expected a whole number ≥ 1`);
      if (opts.html !== undefined) checkHtmlPath(opts.html);
      const tasks = opts.task.split(',').map((t) => t.trim()).filter((t) => t !== '');
      if (tasks.length === 0) throw new UserError('--task: no task given');
      images = expandImageArgs(images);
      // The pool's workers start now: their start-up runs beside the design check and estimate below.
      warmRunWorkers({ backend: opts.backend, xclbin: opts.xclbin, images }, jobs);
      // The host itself needs only design.json, but a design dir whose config.json does not produce that design.json
      // (mixed from two configs, or another edgemoe version) is refused exactly as csim and estimate refuse it.
      let estimatedMs: number | undefined;
      if (existsSync(join(opts.design, DESIGN_JSON)) && existsSync(join(opts.design, CONFIG_JSON))) {
        const plan = designPlan(readDesign(opts.design));
        estimatedMs = cyclesToMs(estimatePlan(plan).totals.bound, plan.config.hardware.clockMHz);
      }
      // A bar on a terminal; elsewhere (a pipe, a log file) one plain line per image and task.
      const showBar = !opts.json && process.stderr.isTTY === true;
      const bar = showBar ? new cliProgress.SingleBar({ format: 'run [{bar}] {value}/{total} {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      // Ctrl-C (bin/cli.ts exits 130): the cursor comes back; device handles close in their 'exit' hook.
      const offBar = atInterrupt(() => bar?.stop());
      let report: RunReport;
      try {
        report = await runImagesPooled(
          { design: opts.design, weights: opts.weights, tasks, backend: opts.backend, xclbin: opts.xclbin, device, timeoutMs, out: opts.out, images, resize: parseResize(opts.resize) },
          {
            onSelect: (line) => {
              process.stderr.write(`${line}\n`);
              bar?.start(images.length * tasks.length, 0);
            },
            onProgress: (done, total, x) => (bar ? bar.update(done) : opts.json ? undefined : process.stderr.write(`${progressLine(done, total, x)}\n`)),
          },
          jobs,
        );
      } finally {
        bar?.stop();
        offBar();
      }
      if (opts.html !== undefined) await writeRunHtml(opts.design, opts.html, report.results);
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...report, estimatedFpgaMs: estimatedMs ?? null }, null, 2)}\n`);
      else process.stdout.write(formatTable(report, estimatedMs));
      const failed = report.results.filter((x) => x.error);
      const seen = new Set<string>();
      for (const f of failed) {
        if (seen.has(f.error!)) continue;
        seen.add(f.error!);
        process.stderr.write(`edgemoe: error: ${f.error}\n`);
      }
      if (failed.length) process.exitCode = 2;
    });
}
