// Writing a file so that readers never see a half-written result: temp file in the same dir, then rename.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';

/** Writes `chunks` to `path` via a temp file + rename; on any failure nothing is left behind. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot write ${path}: ${code}`);
    throw e;
  }
}
