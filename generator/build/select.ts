// Which v++ platform a build uses: the one the user names, else the board's platform of the installed Vitis release,
// looked up where Vitis looks ($PLATFORM_REPO_PATHS, $XILINX_VITIS/base_platforms, /opt/xilinx/platforms).
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { UserError } from '../errors.ts';
import { releaseOfPath, releasePlatformName, type PlatformInfo } from './platforms.ts';

/** One installed platform: its directory name and .xpfm file. */
export interface InstalledPlatform {
  name: string;
  xpfm: string;
}

/** The installed Vitis release, from $XILINX_VITIS (else $XILINX_HLS): '2023.1', or undefined. */
export function vitisRelease(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return releaseOfPath(env.XILINX_VITIS) ?? releaseOfPath(env.XILINX_HLS);
}

/** The directories searched for platforms, in Vitis's order. */
export function platformDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [
    ...(env.PLATFORM_REPO_PATHS ?? '').split(delimiter).filter((d) => d !== ''),
    ...(env.XILINX_VITIS ? [join(env.XILINX_VITIS, 'base_platforms')] : []),
    '/opt/xilinx/platforms',
  ];
  return [...new Set(dirs)];
}

/** Every platform <dir>/<name>/<name>.xpfm under the search dirs (first occurrence of a name wins). */
export function installedPlatforms(dirs: readonly string[]): InstalledPlatform[] {
  const out = new Map<string, InstalledPlatform>();
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const xpfm = join(d, name, `${name}.xpfm`);
      if (!out.has(name) && existsSync(xpfm)) out.set(name, { name, xpfm });
    }
  }
  return [...out.values()];
}

/** Name used for per-platform temp dirs: the platform's name without directory or .xpfm. */
export function platformShortName(platform: string): string {
  return basename(platform).replace(/\.xpfm$/, '');
}

/**
 * The --platform argument for a build: `given` as is; else the .xpfm of the board's platform for the installed
 * release; an Alveo board also takes its only installed platform. Anything else is a one-line error naming what
 * was found.
 */
export function selectPlatform(p: PlatformInfo, given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (given) return given;
  const release = vitisRelease(env);
  const want = releasePlatformName(p, release);
  const dirs = platformDirs(env);
  const found = installedPlatforms(dirs).filter((x) => p.namePattern.test(x.name));
  const hit = found.find((x) => x.name === want);
  if (hit) return hit.xpfm;
  if (p.kind === 'alveo' && found.length === 1) return found[0]!.xpfm;
  const wanted = want ? `'${want}'${release ? ` (Vitis ${release})` : ''}` : `for this Vitis release (XILINX_VITIS ${env.XILINX_VITIS ? `'${env.XILINX_VITIS}' names no release` : 'is not set'})`;
  const have = found.length ? `found ${found.map((x) => x.name).join(', ')}` : `found no ${p.board} platform`;
  throw new UserError(`no ${p.board} platform ${wanted} in ${dirs.join(', ')}; ${have}: give one with --platform NAME|PATH.xpfm (make: PLATFORM=…)`);
}
