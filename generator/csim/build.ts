// Building a design's C-simulation binaries with g++: the testbench executable or the bridge shared library.
// Objects and binaries are cached under <design>/.build/ by a content hash of every source, header and flag, so an
// unchanged design never recompiles; kernel and testbench/bridge compile in parallel. The key names no path inside
// the design, so $EDGEMOE_CSIM_CACHE can hold one cache for many design dirs (identical designs compile once).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readDesign } from '../emit/design.ts';
import { sha256 } from '../emit/hash.ts';
import { listFiles } from '../emit/write-dir.ts';
import { UserError } from '../errors.ts';
import { execGroup, removeOnInterrupt } from '../interrupt.ts';

/** What to build: the testbench executable or the shared library exporting the bridge ABI. */
export interface BuildOptions {
  kind: 'exe' | 'shared';
  /** Extra preprocessor defines, e.g. ['EDGEMOE_TRACE', 'EDGEMOE_COUNT_CYCLES']. */
  defines?: string[];
  /** Called with a line when a compile starts (not when the cache hits). */
  onCompile?: (what: string) => void;
}

/** Compiler and base flags of every csim build. */
export const CXX = process.env.CXX || 'g++';
export const CXXFLAGS = ['-std=c++14', '-O2', '-Wno-unknown-pragmas', '-fPIC'];

/** g++ only: collect garbage at 30 % heap growth instead of the RAM-scaled default (up to 100 %); the default design's
 *  kernel then compiles in ~237 MB instead of ~297 MB at the same CPU time. Not for clang (no such parameter). */
export const GCC_FLAGS = ['--param', 'ggc-min-expand=30'];
async function compilerFlags(): Promise<string[]> {
  return /clang/i.test(await compilerVersion()) ? [] : GCC_FLAGS;
}

/** Include dirs: Vitis headers when XILINX_HLS is set, else the design's csim-include; then src/ and tb/. */
export function includeDirs(designDir: string, csimInclude: string): string[] {
  const hls = process.env.XILINX_HLS ? join(process.env.XILINX_HLS, 'include') : join(designDir, csimInclude);
  return [hls, join(designDir, 'src'), join(designDir, 'tb')];
}

let compilerId: Promise<string> | undefined;
/**
 * `g++ --version` first line (part of every cache key, so a compiler change rebuilds). Asked once per process; a
 * caller may ask early, before its own synchronous work, so that the child process runs meanwhile.
 */
export function compilerVersion(): Promise<string> {
  compilerId ??= new Promise((resolve) => execFile(CXX, ['--version'], (_e, stdout) => resolve(String(stdout ?? '').split('\n')[0] || CXX)));
  return compilerId;
}

/** The build cache: $EDGEMOE_CSIM_CACHE when set (shared by every design), else <design>/.build. */
export function csimCacheDir(designDir: string): string {
  const shared = process.env.EDGEMOE_CSIM_CACHE;
  return shared ? resolve(shared) : join(designDir, '.build');
}

/** A path as the cache key names it: relative to the design dir when inside it, so copies of a design share keys. */
function keyPath(designDir: string, p: string): string {
  const rel = relative(designDir, p);
  return rel.startsWith('..') || isAbsolute(rel) ? p : `<design>/${rel}`;
}

/** Hash of every header the sources may include (all non-source files of the include dirs). */
function headersHash(designDir: string, dirs: string[]): string {
  const parts: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    // Sources (tb/*.cpp) are hashed per object; only what an #include can reach counts here.
    for (const rel of listFiles(d)) if (!rel.startsWith('.') && !/\.(c|cc|cpp|cxx|o|so)$/.test(rel)) parts.push(`${keyPath(designDir, d)}/${rel}\0${sha256(readFileSync(join(d, rel)))}`);
  }
  return sha256(parts.join('\n'));
}

/** Cache entries unused for this long are deleted after a build (every use refreshes an entry's mtime). */
const CACHE_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

/** Marks `used` as fresh and deletes cache files nobody used for CACHE_MAX_AGE_MS. */
function touchAndPrune(cacheDir: string, used: string[]): void {
  const now = new Date();
  for (const f of used) utimesSync(f, now, now);
  for (const name of readdirSync(cacheDir)) {
    const p = join(cacheDir, name);
    try {
      if (now.getTime() - statSync(p).mtimeMs > CACHE_MAX_AGE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/** Diagnostic lines shown for a failed compile: the first ones, where g++ names the first error. */
const DIAGNOSTIC_LINES = 20;

/**
 * A compiler failure: a user error (exit 2), since the generator's own sources compile (golden tests) and what fails
 * is a design file edited by hand or a changed include path; the message carries g++'s first diagnostics.
 */
export class CompileError extends UserError {
  constructor(what: string, stderr: string) {
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    const first = lines.findIndex((l) => /\berror\b/.test(l));
    // From the first error (with the include context just before it), so its location and text lead.
    const from = Math.max(0, first < 0 ? 0 : first - 2);
    const shown = lines.slice(from, from + DIAGNOSTIC_LINES);
    const more = lines.length - from - shown.length;
    super(`g++ failed to compile ${what} (a design file edited by hand? \`edgemoe gen\` regenerates it):\n${shown.join('\n')}${more > 0 ? `\n… (${more} more lines)` : ''}`);
  }
}

async function run(args: string[], what: string): Promise<void> {
  // In its own process group: Ctrl-C ends g++ and its cc1plus together.
  const r = await execGroup(CXX, args);
  if (r.exitCode !== 0) throw new CompileError(what, String(r.all ?? r.stderr));
}

/** Compiles one source to a cached object; returns its path. `keyFlags`: the flags as the key names them. */
async function compileObject(cacheDir: string, src: string, flags: string[], keyFlags: string[], headers: string, opts: BuildOptions): Promise<string> {
  const key = sha256([CXX, await compilerVersion(), keyFlags.join(' '), headers, sha256(readFileSync(src))].join('\n')).slice(0, 20);
  const obj = join(cacheDir, `${key}.o`);
  if (existsSync(obj)) return obj;
  opts.onCompile?.(src);
  const tmp = `${obj}.tmp-${process.pid}`;
  const off = removeOnInterrupt(tmp);
  try {
    await run([...flags, '-c', src, '-o', tmp], src);
    renameSync(tmp, obj);
  } finally {
    rmSync(tmp, { force: true });
    off();
  }
  return obj;
}

/**
 * Builds (or finds in the cache) the design's testbench ('exe') or bridge library ('shared') and returns its path.
 * Sources are the manifest's kernel .cpp files plus tb/testbench.cpp or tb/bridge.cpp.
 */
export async function buildCsim(designDir: string, opts: BuildOptions): Promise<string> {
  const { dir, manifest } = readDesign(designDir);
  const cacheDir = csimCacheDir(dir);
  mkdirSync(cacheDir, { recursive: true });
  const inc = includeDirs(dir, manifest.sources.csimInclude);
  // Loaded into the host process, the bridge must neither abort on an empty stream nor print at exit.
  const hostDefines = opts.kind === 'shared' ? ['EDGEMOE_STREAM_THROW_ON_EMPTY', 'EDGEMOE_STREAM_NO_EXIT_INFO'] : [];
  const defines = [...new Set([...(opts.defines ?? []), ...hostDefines])].sort().map((d) => `-D${d}`);
  const base = [...CXXFLAGS, ...(await compilerFlags())];
  const flags = [...base, ...defines, ...inc.map((d) => `-I${d}`)];
  const keyFlags = [...base, ...defines, ...inc.map((d) => `-I${keyPath(dir, d)}`)];
  const headers = headersHash(dir, inc);
  const driver = opts.kind === 'exe' ? manifest.sources.testbench.find((f) => f.endsWith('.cpp'))! : manifest.sources.bridge;
  const sources = [...manifest.sources.kernel.filter((f) => f.endsWith('.cpp')), driver].map((f) => resolve(dir, f));
  const objs = await Promise.all(sources.map((s) => compileObject(cacheDir, s, flags, keyFlags, headers, opts)));
  const name = opts.kind === 'exe' ? 'testbench' : 'libedgemoe_csim.so';
  const key = sha256([opts.kind, ...objs].join('\n')).slice(0, 20);
  const out = join(cacheDir, `${key}-${name}`);
  if (existsSync(out)) {
    touchAndPrune(cacheDir, [...objs, out]);
    return out;
  }
  const tmp = `${out}.tmp-${process.pid}`;
  const off = removeOnInterrupt(tmp);
  try {
    await run([...(opts.kind === 'shared' ? ['-shared'] : []), '-o', tmp, ...objs], `the ${name} link`);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
    off();
  }
  touchAndPrune(cacheDir, [...objs, out]);
  return out;
}
