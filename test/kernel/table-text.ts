// Reads a ROM initialiser back out of a kernel header, for the tests that regenerate the tables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.ts';

/** The integers of `name[...] = { ... };` in templates/kernel/<header>. */
export function headerTable(header: string, name: string): number[] {
  const text = readFileSync(join(ROOT, 'templates', 'kernel', header), 'utf8');
  const m = new RegExp(`${name}\\[[^\\]]*\\]\\s*=\\s*\\{([^}]*)\\}`).exec(text);
  if (!m) throw new Error(`${header} has no table ${name}`);
  return m[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
}
