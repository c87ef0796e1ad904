// `run`'s image arguments: files, directories (their images) and quoted globs (`'photos/*.png'`), in a stable order.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UserError } from '../generator/errors.ts';

/** Extensions `run` takes from a directory or glob. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.npy'];

const isImageName = (name: string) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()) && !name.startsWith('.');

/** `*`, `?` and `[…]` of one path component as a RegExp. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasGlob = (s: string) => /[*?[]/.test(s);

/**
 * Expands each argument: a directory gives its image files (PNG/JPEG/.npy, sorted by name, not recursive); a pattern
 * with `*`, `?` or `[…]` in its last component gives the matching files (sorted); anything else is kept as given (a
 * missing file is reported per image later). A directory or pattern that matches no image is an error.
 */
export function expandImageArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      const names = readdirSync(a).filter(isImageName).sort();
      if (names.length === 0) throw new UserError(`${a}: a directory with no images (${IMAGE_EXTENSIONS.join(', ')})`);
      out.push(...names.map((n) => join(a, n)));
    } else if (!st && hasGlob(basename(a)) && !hasGlob(dirname(a))) {
      const dir = dirname(a);
      const re = globRegExp(basename(a));
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => re.test(n) && statSync(join(dir, n)).isFile()).sort();
      } catch {
        names = [];
      }
      if (names.length === 0) throw new UserError(`${a}: no file matches this pattern`);
      out.push(...names.map((n) => (dir === '.' && !a.startsWith('./') ? n : join(dir, n))));
    } else out.push(a);
  }
  return out;
}
