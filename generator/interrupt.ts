// Ctrl-C and SIGTERM: stop at once with exit 130 / 143, after removing temp files and ending child process groups.
// Long jobs register what must not outlive them; the CLI installs the handlers once.
import { spawn } from 'node:child_process';
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

/** How a command of execGroup ended and what it printed (each text without its final newline). */
export interface GroupResult {
  /** undefined when it could not start (see `all`) or was killed by a signal. */
  exitCode: number | undefined;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came (a start failure's message when it could not start). */
  all: string;
}

const withoutFinalNewline = (s: string) => s.replace(/\r?\n$/, '');

/**
 * Runs a command in its own process group and kills the whole group if the process is interrupted, so a compiler's
 * own children (cc1plus under g++) end with it; never rejects (check exitCode). The child starts before this returns
 * (node:child_process, not a module loaded on first use): a caller's synchronous work that follows runs beside it.
 */
export async function execGroup(file: string, args: string[]): Promise<GroupResult> {
  let child;
  try {
    child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // Thrown at once for some arguments (a NUL byte, E2BIG): a failed start, as for a missing file.
    return { exitCode: undefined, signal: null, stdout: '', stderr: '', all: `${file}: ${(e as Error).message}` };
  }
  // Out of file descriptors (EMFILE), spawn returns without pipes and reports the error by the 'error' event.
  if (!child.stdout || !child.stderr) {
    const failed = child;
    return new Promise((resolve) => failed.once('error', (e) => resolve({ exitCode: undefined, signal: null, stdout: '', stderr: '', all: `${file}: ${e.message}` })));
  }
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
  const out: Buffer[] = [], err: Buffer[] = [], all: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => (out.push(d), all.push(d)));
  child.stderr.on('data', (d: Buffer) => (err.push(d), all.push(d)));
  try {
    return await new Promise<GroupResult>((resolve) => {
      const text = (b: Buffer[]) => withoutFinalNewline(Buffer.concat(b).toString('utf8'));
      child.once('error', (e) => resolve({ exitCode: undefined, signal: null, stdout: text(out), stderr: text(err), all: `${file}: ${e.message}` }));
      // 'close': the exit and the end of both pipes (all output read).
      child.once('close', (code, signal) => resolve({ exitCode: code ?? undefined, signal, stdout: text(out), stderr: text(err), all: text(all) }));
    });
  } finally {
    off();
    process.removeListener('exit', killGroup);
  }
}
