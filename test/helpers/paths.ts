// Paths the tests share: project root, the fixtures shipped in test/fixtures, scratch dirs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** test/fixtures: everything the tests and the demo read (see its README for provenance). */
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const TINY = join(FIXTURES, 'm3vit-tiny-test');
export const IMAGES = join(FIXTURES, 'images');
export const REPORTS = join(FIXTURES, 'vitis-reports');

/** Every scratch dir this process made; all are removed when it exits (tests share dirs across hooks, so not sooner). */
const made: string[] = [];
process.once('exit', removeScratch);

/** Removes every scratch dir made so far (also run at process exit). */
export function removeScratch(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh temporary directory, removed automatically when the test process exits. */
export function scratch(prefix = 'edgemoe-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
