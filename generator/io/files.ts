// File helpers for the io modules: reads that fail with a UserError, safe writes (atomic for regular files, never
// replacing a device, FIFO or a symlink itself), directory creation that cannot loop.
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of it is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  ENXIO: 'no reader on the other end (or no such device)',
  EBUSY: 'device or resource busy',
  EMFILE: 'too many open files',
  EXDEV: 'on another file system',
  EINVAL: 'invalid argument (not a file this can be written to)',
};

/**
 * What to add to "no such file" for `path`: Node decodes a command-line argument that is not UTF-8 with U+FFFD in
 * place of the bad bytes, so such a file name can never be opened; say so instead of only "no such file".
 */
export function nonUtf8Note(path: string | Buffer | URL | undefined): string {
  return typeof path === 'string' && path.includes('\uFFFD') ? ' (its name has bytes that are not valid UTF-8, which edgemoe cannot open: rename the file)' : '';
}

/** Why a file system call failed, in words ('no such file', 'no space left on device', …), else the error code. */
export function fsErrorReason(e: unknown): string {
  const { code, path } = e as NodeJS.ErrnoException;
  if (code === 'ENOENT') return `${REASONS.ENOENT}${nonUtf8Note(path)}`;
  return (code && REASONS[code]) ?? code ?? (e as Error).message;
}

/** Reads a whole file; a missing/unreadable file becomes a UserError naming it and what it was meant to be. */
export function readFileOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${what} file ${path}: ${fsErrorReason(e)}`);
  }
}

/** The first `n` bytes of a file (fewer if it is shorter), for sniffing its format. */
export function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = new Uint8Array(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function statOrNull(path: string, link = false): Stats | null {
  try {
    return link ? lstatSync(path) : statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The file a write to `path` must change: `path` itself, or the end of its symlink chain (which may not exist yet). */
export function writeTarget(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const st = statOrNull(p, true);
    if (!st?.isSymbolicLink()) return p;
    const to = readlinkSync(p);
    p = resolve(dirname(p), to);
  }
  // A loop: realpath names it (ELOOP) in the caller's error.
  return realpathSync(path);
}

/** What kind of existing non-regular file `st` is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFile()) return 'a file';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isFIFO()) return 'a FIFO';
  return 'not a regular file';
}

/** True when `path` (after symlinks) exists and is a character device or FIFO: written into, never replaced. */
export function isStreamTarget(path: string): boolean {
  try {
    const st = statOrNull(writeTarget(path));
    return !!st && (st.isCharacterDevice() || st.isFIFO());
  } catch {
    return false;
  }
}

function writeAll(fd: number, chunks: readonly Uint8Array[]): void {
  for (const c of chunks) {
    let off = 0;
    while (off < c.length) off += writeSync(fd, c, off, c.length - off);
  }
}

/**
 * Writes bytes (or chunks in order) to `path`. A regular file (new or existing) is written through a temp file in the
 * same dir and a rename, so a failure leaves nothing and the old file intact; a symlink is followed and its target
 * written; a character device or FIFO (`/dev/null`, `/dev/stdout`, a pipe) is written into, never replaced; a
 * directory, block device or socket is refused.
 */
export function writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): void {
  const chunks = data instanceof Uint8Array ? [data] : data;
  const fail = (e: unknown): never => {
    throw new UserError(`cannot write ${path}: ${fsErrorReason(e)}`);
  };
  let target = path;
  let st: Stats | null = null;
  try {
    target = writeTarget(path);
    st = statOrNull(target);
  } catch (e) {
    fail(e);
  }
  if (st && !st.isFile()) {
    if (!(st.isCharacterDevice() || st.isFIFO())) throw new UserError(`cannot write ${path}: ${target === resolve(path) ? 'it' : target} is ${kindOf(st)}, expected a file`);
    let fd: number | undefined;
    try {
      fd = openSync(target, 'w');
      writeAll(fd, chunks);
    } catch (e) {
      fail(e);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', st ? st.mode & 0o7777 : 0o666);
    writeAll(fd, chunks);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    fail(e);
  }
}

/**
 * `mkdir -p` that cannot hang: Node's recursive mkdir loops for ever where mkdir says ENOENT under an existing dir
 * (/proc, /sys). Creates each missing component in turn; errors become a UserError naming `what`.
 */
export function makeDirs(dir: string, what = 'directory'): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  try {
    for (;;) {
      const st = statOrNull(p);
      if (st) {
        if (!st.isDirectory()) throw new UserError(`cannot create ${what} ${dir}: ${p} is ${kindOf(st)}, not a directory`);
        break;
      }
      missing.unshift(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
    }
    for (const m of missing) {
      try {
        mkdirSync(m);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(m).isDirectory()) throw e;
      }
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot create ${what} ${dir}: ${fsErrorReason(e)}`);
  }
}
