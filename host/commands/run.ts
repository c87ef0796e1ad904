// `edgemoe run`: run images through a design on an FPGA (XRT) or in C simulation, one .npy per image and task.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { designPlan } from '../../generator/csim/run.ts';
import { CONFIG_JSON, DESIGN_JSON, readDesign } from '../../generator/emit/design.ts';
import { UserError } from '../../generator/errors.ts';
import type { BackendChoice } from '../accelerator.ts';
import type { RunReport } from '../run.ts';
import { defaultJobs, runImagesPooled } from '../pool/pool.ts';
import { checkHtmlPath } from '../../generator/html/design-report.ts';
import { writeRunHtml } from '../../generator/html/report-command.ts';

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
}

/** The results table: image, task, backend, latency (or the error). */
export function formatTable(r: RunReport): string {
  const rows = r.results.map((x) => [
    x.image,
    x.task,
    x.backend,
    x.error ? '-' : `${x.latencyMs!.toFixed(3)} ms${x.batch! > 1 ? ` (batch of ${x.batch})` : ''}`,
    x.error ? `error: ${x.error.split('\n')[0]}` : x.output!,
  ]);
  const head = ['image', 'task', 'backend', 'latency', 'output'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
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
    .argument('<images...>', 'input images: PNG/JPEG (8-bit RGB of the design size) or .npy float [C,H,W] of the model input, each value a preprocessed byte ((k/pixelDivisor − mean)/std)')
    .requiredOption('-d, --design <dir>', 'generated design dir (from `edgemoe gen`)')
    .requiredOption('-w, --weights <path>', 'packed weights image (`edgemoe pack`, e.g. <design>/weights.bin), or .safetensors/.pth/sharded dir to pack in memory')
    .requiredOption('-t, --task <tasks>', 'task name or index; several comma-separated (e.g. semseg,depth) run each image for each task')
    .addOption(new Option('-b, --backend <backend>', 'xrt: the FPGA through XRT (needs --xclbin); csim: the C-simulation bridge (g++); auto: xrt when --xclbin is given and a device answers, else csim, saying why').choices(['auto', 'xrt', 'csim']).default('auto'))
    .option('-x, --xclbin <file>', 'the design built by v++ (validated and matched against design.json before XRT sees it)')
    .addOption(new Option('--device <n>', 'XRT device index').default('0', '0'))
    .option('--timeout <ms>', 'XRT: fail a kernel call that has not completed after this many milliseconds (default: wait)')
    .addOption(new Option('-o, --out <dir>', 'output directory (created if missing)').default('.', 'the current dir'))
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
      // The host itself needs only design.json, but a design dir whose config.json does not produce that design.json
      // (mixed from two configs, or another edgemoe version) is refused exactly as csim and estimate refuse it.
      if (existsSync(join(opts.design, DESIGN_JSON)) && existsSync(join(opts.design, CONFIG_JSON))) designPlan(readDesign(opts.design));
      const showBar = !opts.json && process.stderr.isTTY === true;
      const bar = showBar ? new cliProgress.SingleBar({ format: 'run [{bar}] {value}/{total} {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      // Ctrl-C: exit through process.exit so device handles are closed (the 'exit' hook) and the cursor comes back.
      const onSigint = () => {
        bar?.stop();
        process.exit(130);
      };
      process.once('SIGINT', onSigint);
      let report: RunReport;
      try {
        report = await runImagesPooled(
          { design: opts.design, weights: opts.weights, tasks, backend: opts.backend, xclbin: opts.xclbin, device, timeoutMs, out: opts.out, images },
          {
            onSelect: (line) => {
              process.stderr.write(`${line}\n`);
              bar?.start(images.length * tasks.length, 0);
            },
            onProgress: (done) => bar?.update(done),
          },
          jobs,
        );
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSigint);
      }
      if (opts.html !== undefined) await writeRunHtml(opts.design, opts.html, report.results);
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(formatTable(report));
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
