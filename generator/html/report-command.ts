// `edgemoe report DIR --html FILE`: the design's HTML report (kept apart from the text report's parsing).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DESIGN_JSON } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { checkHtmlPath, designReport, writeHtml } from './design-report.ts';
import type { RunLatency } from './report.ts';

/** Writes the HTML report of design dir `dir` to `file` and prints its path. */
export async function writeDesignHtml(dir: string, file: string, extra: { profile?: string; explore?: string } = {}): Promise<void> {
  if (!existsSync(join(dir, DESIGN_JSON))) throw new UserError(`report --html: ${dir} is not a design dir (no ${DESIGN_JSON}); give the dir \`edgemoe gen\` wrote`);
  checkHtmlPath(file);
  writeHtml(file, await designReport(dir, extra));
  process.stdout.write(`wrote ${file}\n`);
}

/** `run --html`: the page of a run (its latencies) with the design's estimate; progress on stderr, stdout keeps the table. */
export async function writeRunHtml(dir: string, file: string, runs: RunLatency[]): Promise<void> {
  writeHtml(file, await designReport(dir, { records: [], runs, title: `edgemoe run: ${runs.length} image × task result(s)` }));
  process.stderr.write(`wrote ${file}\n`);
}
