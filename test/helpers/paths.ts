// Paths the tests share: project root, the fixtures shipped in test/fixtures, scratch dirs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** test/fixtures: everything the tests and the demo read (see its README for provenance). */
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const TINY = join(FIXTURES, 'm3vit-tiny-test');
export const IMAGES = join(FIXTURES, 'images');
export const REPORTS = join(FIXTURES, 'vitis-reports');

/** A fresh temporary directory for one test. */
export function scratch(prefix = 'edgemoe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
