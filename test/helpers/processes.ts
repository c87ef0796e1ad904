// Which processes are alive: for tests that check a command left no child behind.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes whose command line holds `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'latin1').split('\0').includes(marker)) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
