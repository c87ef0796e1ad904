// Builds and runs the C++ kernel test drivers of test/kernel/cpp/ with g++ against our csim headers.
// Binaries are cached in .cache/kernel-tests/ under a hash of the driver, every header it may include and the flags,
// so re-running the suite does not recompile unchanged drivers.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../helpers/paths.ts';

const CPP_DIR = join(ROOT, 'test', 'kernel', 'cpp');
const INCLUDE_DIRS = [join(ROOT, 'templates', 'csim-include'), join(ROOT, 'templates', 'kernel'), CPP_DIR];
const CACHE = join(ROOT, '.cache', 'kernel-tests');

/** Hash of every file the build of `driver` with `flags` can depend on. */
function buildHash(driver: string, flags: string[]): string {
  const h = createHash('sha256');
  h.update(flags.join('\0'));
  h.update(readFileSync(join(CPP_DIR, driver)));
  for (const dir of INCLUDE_DIRS)
    for (const f of readdirSync(dir).sort())
      if (/\.(h|hpp)$/.test(f)) {
        h.update(f);
        h.update(readFileSync(join(dir, f)));
      }
  return h.digest('hex').slice(0, 16);
}

/** Compiles test/kernel/cpp/<driver> (g++ -std=c++17 -O2) unless a cached binary exists; returns its path. */
export async function buildDriver(driver: string, defines: string[] = []): Promise<string> {
  const flags = ['-std=c++17', '-O2', '-Wall', '-Wno-unknown-pragmas', '-Wno-unused-label', ...defines.map((d) => `-D${d}`)];
  const dir = join(CACHE, buildHash(driver, flags));
  const exe = join(dir, driver.replace(/\.cpp$/, ''));
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const tmp = `${exe}.tmp${process.pid}`;
  await execa('g++', [...flags, ...INCLUDE_DIRS.map((d) => `-I${d}`), join(CPP_DIR, driver), '-o', tmp]);
  renameSync(tmp, exe);
  return exe;
}

/** Lines of driver output: `key v1 v2 ...` → key → numbers (a key printed twice keeps its last values). */
export type DriverOutput = Map<string, number[]>;

/** Runs a built driver with arguments and parses its `key value...` lines. */
export async function runDriver(exe: string, args: string[] = []): Promise<DriverOutput> {
  const r = await execa(exe, args);
  const out: DriverOutput = new Map();
  for (const line of String(r.stdout).split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    out.set(parts[0], parts.slice(1).map(Number));
  }
  return out;
}

/** The numbers printed under `key`; throws if the driver did not print it. */
export function values(out: DriverOutput, key: string): number[] {
  const v = out.get(key);
  if (!v) throw new Error(`driver printed no '${key}' line`);
  return v;
}

/** The single number printed under `key`. */
export function value(out: DriverOutput, key: string): number {
  return values(out, key)[0];
}
