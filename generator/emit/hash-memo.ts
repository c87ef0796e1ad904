// File sha256s remembered by the file's identity and times, as git's index and make do: a file whose device, inode,
// size, mtime and ctime (nanoseconds) are those recorded is not read again. Any write to a file changes its ctime
// (which no tool can set back), so a changed file is always hashed afresh. A file changed within the same clock tick
// as its hash was recorded could keep its times: a file is only recorded once both times are `settledMs` old.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { filesSha256 } from './hash.ts';

interface Entry {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

const MEMO_FORMAT = 'edgemoe-file-hashes-1';

function identity(path: string): Omit<Entry, 'sha256'> | null {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!s?.isFile()) return null;
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

const same = (a: Omit<Entry, 'sha256'>, b: Omit<Entry, 'sha256'>) => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

function readMemo(memo: string): Record<string, Entry> {
  try {
    const m = JSON.parse(readFileSync(memo, 'utf8')) as { format?: string; files?: Record<string, Entry> };
    return m.format === MEMO_FORMAT && m.files && typeof m.files === 'object' ? m.files : {};
  } catch {
    return {};
  }
}

/**
 * Hex sha256 of each file (null for one that is missing or unreadable): from the memo file `memo` for those unchanged
 * since, the others read and hashed on a worker thread (filesSha256) and recorded. The memo is a cache: unreadable, it
 * is rebuilt; unwritable (a read-only dir), it is left alone.
 */
export async function filesSha256Memo(paths: readonly string[], memo: string, opts: { settledMs?: number } = {}): Promise<Array<string | null>> {
  const settledNs = BigInt(opts.settledMs ?? 2000) * 1_000_000n;
  const files = readMemo(memo);
  const abs = paths.map((p) => resolve(p));
  const before = abs.map(identity);
  const out: Array<string | null> = abs.map((p, i) => {
    const e = files[p];
    return e && before[i] && same(e, before[i]) ? e.sha256 : null;
  });
  const todo = abs.flatMap((p, i) => (out[i] === null && before[i] ? [i] : []));
  if (todo.length === 0) return out;
  const hashed = await filesSha256(todo.map((i) => abs[i]!));
  const now = BigInt(Date.now()) * 1_000_000n;
  let changed = false;
  todo.forEach((i, k) => {
    const h = hashed[k] ?? null;
    out[i] = h;
    // Recorded only if the file did not change while it was read, and its times are settled.
    const after = identity(abs[i]!);
    if (h === null || !after || !same(after, before[i]!) || now - BigInt(after.mtimeNs) < settledNs || now - BigInt(after.ctimeNs) < settledNs) return;
    files[abs[i]!] = { ...after, sha256: h };
    changed = true;
  });
  if (changed) {
    // Files gone since they were recorded leave the memo (it would otherwise only grow).
    for (const p of Object.keys(files)) if (!identity(p)) delete files[p];
    try {
      mkdirSync(dirname(memo), { recursive: true });
      const tmp = `${memo}.tmp-${process.pid}`;
      writeFileSync(tmp, `${JSON.stringify({ format: MEMO_FORMAT, files }, null, 1)}\n`);
      renameSync(tmp, memo);
    } catch {
      // a cache only
    }
  }
  return out;
}
