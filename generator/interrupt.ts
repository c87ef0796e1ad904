// Ctrl-C and SIGTERM: stop at once with exit 130 / 143, after removing temp files and ending child process groups.
// Long jobs register what must not outlive them; the CLI installs the handlers once.
import type { Options, Result } from 'execa';
import { rmSync } from 'node:fs';

const cleanups = new Set<() => void>();

/** Runs `f` if the process is interrupted while registered; returns the function that unregisters it. */
export function atInterrupt(f: () => void): () => void {
  cleanups.add(f);
  return () => cleanups.delete(f);
}

/** Removes `path` (file or dir) if the process is interrupted while registered; returns the unregister function. */
export function removeOnInterrupt(path: string): () => void {
  return atInterrupt(() => rmSync(path, { recursive: true, force: true }));
}

/** Runs every registered cleanup, newest first (a failing one does not stop the others). */
export function runInterruptCleanups(): void {
  for (const f of [...cleanups].reverse()) {
    cleanups.delete(f);
    try {
      f();
    } catch {
      // best effort: the process is ending
    }
  }
}

let installed = false;
/** SIGINT → exit 130, SIGTERM → exit 143, each after the cleanups; a line on stderr says why it stopped. */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  const stop = (signal: string, code: number) => () => {
    runInterruptCleanups();
    process.stderr.write(`\nedgemoe: interrupted (${signal})\n`);
    process.exit(code);
  };
  process.on('SIGINT', stop('SIGINT', 130));
  process.on('SIGTERM', stop('SIGTERM', 143));
}

/**
 * Runs a command in its own process group and kills the whole group if the process is interrupted, so a compiler's
 * own children (cc1plus under g++) end with it; never rejects (check exitCode).
 */
export async function execGroup(file: string, args: string[], opts: Options = {}): Promise<Result> {
  // execa (~100 modules) loads on first use, not at CLI startup.
  const { execa } = await import('execa');
  const child = execa(file, args, { ...opts, reject: false, detached: true });
  const killGroup = () => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const off = atInterrupt(killGroup);
  // A normal exit of edgemoe (an error elsewhere) must not leave the group running either.
  process.once('exit', killGroup);
  try {
    return (await child) as Result;
  } finally {
    off();
    process.removeListener('exit', killGroup);
  }
}
