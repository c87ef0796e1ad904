// File helpers for the io modules: reads that fail with a UserError, atomic writes.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';

/** Reads a whole file; a missing/unreadable file becomes a UserError naming it and what it was meant to be. */
export function readFileOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (e as Error).message);
    throw new UserError(`cannot read ${what} file ${path}: ${why}`);
  }
}

/** Writes bytes to `path` via a temp file in the same directory and a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write ${path}: ${code ?? (e as Error).message}`);
  }
}
