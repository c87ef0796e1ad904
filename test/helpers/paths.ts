// Paths the tests share: project root, ../shared fixtures, scratch dirs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const TINY = join(SHARED, 'fixtures', 'm3vit-tiny-test');
export const IMAGES = join(SHARED, 'fixtures', 'images');

/** A fresh temporary directory for one test. */
export function scratch(prefix = 'edgemoe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
