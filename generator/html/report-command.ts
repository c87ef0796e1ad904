// `edgemoe report DIR --html FILE`: the design's HTML report (kept apart from the text report's parsing).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DESIGN_JSON } from '../emit/design.ts';
import { UserError } from '../errors.ts';
import { checkHtmlPath, designReport, writeHtml } from './design-report.ts';

/** Writes the HTML report of design dir `dir` to `file` and prints its path. */
export async function writeDesignHtml(dir: string, file: string): Promise<void> {
  if (!existsSync(join(dir, DESIGN_JSON))) throw new UserError(`report --html: ${dir} is not a design dir (no ${DESIGN_JSON}); give the dir \`edgemoe gen\` wrote`);
  checkHtmlPath(file);
  writeHtml(file, await designReport(dir));
  process.stdout.write(`wrote ${file}\n`);
}
