// Finds libxrt_coreutil and prepares the process environment XRT 2.13 needs before its first call:
// a valid XILINX_XRT prefix (else XRT aborts the process), an xrt.ini routing XRT's log to a file we read back
// (merged into the user's xrt.ini, found where XRT finds it), and a refusal of emulation modes that would make XRT
// call exit().
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { UserError } from '../../generator/errors.ts';

export const CORE_UTIL = 'libxrt_coreutil.so.2';

/** Env var naming the only directories to search for libxrt_coreutil.so.2 (colon-separated); tests point it at an empty dir. */
export const LIB_PATH_ENV = 'EDGEMOE_XRT_LIB_PATH';

/** Why XRT cannot be used here (a missing library, a broken emulation setup); `auto` falls back to csim on these. */
export class XrtUnavailable extends UserError {}

/** The directories searched for libxrt_coreutil.so.2, in order: $EDGEMOE_XRT_LIB_PATH alone, else $XILINX_XRT/lib, LD_LIBRARY_PATH, system dirs. */
export function librarySearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env[LIB_PATH_ENV];
  if (override !== undefined) return override.split(delimiter).filter((d) => d !== '');
  const dirs = [
    ...(env.XILINX_XRT ? [join(env.XILINX_XRT, 'lib')] : []),
    ...(env.LD_LIBRARY_PATH ?? '').split(delimiter).filter((d) => d !== ''),
    '/opt/xilinx/xrt/lib',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ];
  return [...new Set(dirs)];
}

/** The directory the dynamic loader's cache (ldconfig -p) has for libxrt_coreutil.so.2, if any. */
function ldconfigDir(): string | undefined {
  for (const exe of ['/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    if (!existsSync(exe)) continue;
    const dir = dirFromLdconfig(spawnSync(exe, ['-p'], { encoding: 'utf8', timeout: 5000 }).stdout ?? '');
    if (dir) return dir;
  }
  return undefined;
}

/** The directory of the x86-64 libxrt_coreutil.so.2 in `ldconfig -p` output. */
export function dirFromLdconfig(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.trim().startsWith(`${CORE_UTIL} `) && l.includes('x86-64'));
  const path = line?.split('=>')[1]?.trim();
  return path ? dirname(path) : undefined;
}

/** The directory holding libxrt_coreutil.so.2, or an XrtUnavailable saying where it looked. */
export function findXrtLibDir(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = librarySearchDirs(env);
  // Not in the usual dirs: ask the loader's cache (custom ld.so.conf.d entries), unless the search path is overridden.
  const dir = dirs.find((d) => existsSync(join(d, CORE_UTIL))) ?? (env[LIB_PATH_ENV] === undefined ? ldconfigDir() : undefined);
  if (!dir) throw new XrtUnavailable(`${CORE_UTIL} not found (searched ${dirs.join(', ') || 'nothing'}${env[LIB_PATH_ENV] !== undefined ? ` from ${LIB_PATH_ENV}` : ''}); install XRT (Debian: apt-get install libxrt1 libxrt-dev) or set XILINX_XRT`);
  return dir;
}

/** The shim library coreutil will dlopen from $XILINX_XRT/lib for the current XCL_EMULATION_MODE. */
function shimName(mode: string | undefined): string {
  if (mode === 'noop') return 'libxrt_noop.so.2';
  if (mode === 'sw_emu') return 'libxrt_swemu.so.2';
  if (mode === 'hw_emu') return 'libxrt_hwemu.so.2';
  return 'libxrt_core.so.2';
}

function cacheRoot(): string {
  let who = 'user';
  try {
    who = String(userInfo().uid);
  } catch {
    // no passwd entry (containers): keep the generic name
  }
  const root = join(tmpdir(), `edgemoe-${who}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return root;
}

/** A prefix dir whose lib/ points at `libDir` (the layout XILINX_XRT must have); created atomically, shared between runs. */
function privatePrefix(libDir: string): string {
  const root = cacheRoot();
  const prefix = join(root, `xrt-prefix-${createHash('sha256').update(libDir).digest('hex').slice(0, 12)}`);
  const link = join(prefix, 'lib');
  try {
    if (readlinkSync(link) === libDir) return prefix;
  } catch {
    // not there yet
  }
  const tmp = mkdtempSync(join(root, '.prefix-'));
  symlinkSync(libDir, join(tmp, 'lib'));
  try {
    renameSync(tmp, prefix);
  } catch {
    // another process won the race (or a stale prefix exists): replace a stale one, else use the winner's
    rmSync(tmp, { recursive: true, force: true });
    if (readlinkSync(link) !== libDir) {
      rmSync(prefix, { recursive: true, force: true });
      return privatePrefix(libDir);
    }
  }
  return prefix;
}

/** Removes run dirs (xrt.ini + log) left by processes that no longer exist (killed before their exit hook ran). */
function removeStaleRunDirs(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = /^run-(\d+)-/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(root, name), { recursive: true, force: true });
    }
  }
}

/** The user's xrt.ini (if any) with runtime_log pointing at `logPath`; every other setting is kept. */
export function iniWithLog(userIni: string | undefined, logPath: string): string {
  let text = '';
  if (userIni) {
    try {
      text = readFileSync(userIni, 'utf8');
    } catch {
      // unreadable: XRT would ignore it too
    }
  }
  const lines = text.split(/\r?\n/).filter((l) => !/^\s*runtime_log\s*=/.test(l));
  const at = lines.findIndex((l) => /^\s*\[Runtime\]\s*$/.test(l));
  const ours = `runtime_log = ${logPath}`;
  if (at >= 0) lines.splice(at + 1, 0, ours);
  else lines.unshift('[Runtime]', ours);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/**
 * The user's xrt.ini as XRT finds it: $XRT_INI_PATH, else xrt.ini beside the host executable (for us: the edgemoe
 * script's directory, then node's), else in the working directory. The first found wins; undefined when none.
 */
export function findUserIni(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), exeDirs: readonly string[] = defaultExeDirs()): string | undefined {
  if (env.XRT_INI_PATH) return env.XRT_INI_PATH;
  return [...exeDirs, cwd].map((d) => join(d, 'xrt.ini')).find((f) => existsSync(f));
}

function defaultExeDirs(): string[] {
  const script = process.argv[1];
  return [...new Set([...(script ? [dirname(script)] : []), dirname(process.execPath)])];
}

/** Where this process's XRT log goes, set up by prepareXrtEnv. */
export interface XrtEnv {
  libDir: string;
  prefix: string;
  logPath: string;
  runDir: string;
  /** The user's xrt.ini merged into ours (profiling and trace settings such as native_xrt_trace, device_trace). */
  userIni?: string;
}

let prepared: XrtEnv | undefined;

/**
 * Sets XILINX_XRT and XRT_INI_PATH for this process (once; XRT reads them on first use) and returns the library dir
 * and log path. Throws XrtUnavailable when XRT cannot work here without crashing the process.
 */
export function prepareXrtEnv(env: NodeJS.ProcessEnv = process.env): XrtEnv {
  if (prepared) return prepared;
  const libDir = findXrtLibDir(env);
  const mode = env.XCL_EMULATION_MODE;
  if (mode && !['noop', 'sw_emu', 'hw_emu'].includes(mode)) throw new XrtUnavailable(`XCL_EMULATION_MODE='${mode}' is not one of noop, sw_emu, hw_emu`);
  if ((mode === 'sw_emu' || mode === 'hw_emu') && !env.XILINX_VITIS) {
    // Without Vitis, XRT 2.13 calls exit(1) while loading the xclbin in these modes.
    throw new XrtUnavailable(`XCL_EMULATION_MODE=${mode} needs a Vitis install (XILINX_VITIS is not set); unset it, or use noop`);
  }
  const shim = shimName(mode);
  const userPrefix = env.XILINX_XRT;
  const prefix = userPrefix && existsSync(join(userPrefix, 'lib', shim)) ? userPrefix : privatePrefix(libDir);
  if (!existsSync(join(prefix, 'lib', shim))) throw new XrtUnavailable(`${shim} not found next to ${CORE_UTIL} in ${libDir}${mode ? ` (needed for XCL_EMULATION_MODE=${mode})` : ''}`);
  removeStaleRunDirs(cacheRoot());
  const runDir = mkdtempSync(join(cacheRoot(), `run-${process.pid}-`));
  const logPath = join(runDir, 'xrt.log');
  const ini = join(runDir, 'xrt.ini');
  // XRT reads one xrt.ini: ours, pointed at by XRT_INI_PATH, so the user's one (wherever XRT would have found it) is merged in.
  const userIni = findUserIni(env);
  writeFileSync(ini, iniWithLog(userIni, logPath));
  env.XILINX_XRT = prefix;
  env.XRT_INI_PATH = ini;
  prepared = { libDir, prefix, logPath, runDir, ...(userIni ? { userIni } : {}) };
  process.once('exit', () => rmSync(runDir, { recursive: true, force: true }));
  return prepared;
}
