// Reads XRT's runtime log (routed to a file by prepareXrtEnv) so a failed call's ERROR lines become the JS error message.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Follows one XRT log file; each call to takeErrors() returns the ERROR messages written since the previous call. */
export class XrtLog {
  private offset = 0;
  constructor(readonly path: string) {}

  /** New text in the log since the last read ('' when the file does not exist yet). */
  private readNew(): string {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return '';
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return '';
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      return buf.toString('utf8', 0, n);
    } finally {
      closeSync(fd);
    }
  }

  /** Skips whatever is in the log now (call before an XRT call whose errors you want). */
  mark(): void {
    this.readNew();
  }

  /** The ERROR messages logged since the last mark/take, without XRT's timestamp and thread prefix. */
  takeErrors(): string[] {
    return this.readNew()
      .split('\n')
      .flatMap((line) => {
        const m = /ERROR:\s*(.*)$/.exec(line);
        return m ? [m[1]!.trim()] : [];
      });
  }
}
