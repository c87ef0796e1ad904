// Writing a whole directory atomically: fill a temp dir next to the target, then swap it in with renames.
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { fsErrorReason, makeDirs, writeTarget } from '../io/files.ts';

/** Relative path → contents. */
export type FileSet = Map<string, string | Uint8Array>;

/**
 * Writes `files` as directory `target`: everything goes into `.<name>.tmp-<pid>` next to it, then the old target
 * (if any) is moved aside and the new one renamed in. `carry` lists entries of the old target (given its current
 * path) to move into the new one (e.g. caches). On an error before the swap, the temp dir is removed and the old
 * target is left as it was.
 */
export function writeDirAtomic(target: string, files: FileSet, carry: (old: string) => string[] = () => []): void {
  // A symlinked design dir: the dir it points at is replaced, never the link.
  const abs = writeTarget(resolve(target));
  const parent = dirname(abs);
  const tmp = join(parent, `.${basename(abs)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(abs)}.old-${process.pid}`);
  makeDirs(parent);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [rel, data] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const p = join(tmp, rel);
      makeDirs(dirname(p));
      writeFileSync(p, data);
    }
    if (existsSync(abs)) {
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs); // put the old design back
        throw e;
      }
      // The new design is in place; carry entries over from the old one (a failure here only loses a cache).
      for (const rel of carry(old)) {
        const from = join(old, rel);
        try {
          if (existsSync(from)) renameSync(from, join(abs, rel));
        } catch {
          // Keep going: the design itself is complete.
        }
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, abs);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof UserError) throw new UserError(`cannot write design dir ${target}: ${e.message}`);
    throw new UserError(`cannot write design dir ${target}: ${fsErrorReason(e)}`);
  }
}

/** Every file under `dir` as relative paths (sorted), recursively. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
