// Finding and running the Vitis tools (vitis_hls, v++) with argument arrays; a missing tool is a one-line error.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.ts';

/** The executable `tool` resolves to on PATH (or the path itself when it contains a slash), or null. */
export function findOnPath(tool: string, path = process.env.PATH ?? ''): string | null {
  const ok = (f: string) => {
    try {
      accessSync(f, constants.X_OK);
      return statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (tool.includes('/')) return ok(tool) ? tool : null;
  for (const d of path.split(delimiter)) {
    if (!d || !isAbsolute(d)) continue;
    const f = join(d, tool);
    if (ok(f)) return f;
  }
  return null;
}

/** The path of a required Vitis tool; when absent, a UserError telling how to put it on PATH (exit 2). */
export function requireTool(tool: string): string {
  const f = findOnPath(tool);
  if (!f) throw new UserError(`${tool} not found on PATH: run \`source <Vitis install dir>/settings64.sh\` (e.g. /tools/Xilinx/Vitis/2023.2/settings64.sh) in this shell, then retry`);
  return f;
}

/** Runs a tool in `cwd` with extra environment; all its output goes to our stderr (stdout stays for results). */
export async function runTool(tool: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  const exe = requireTool(tool);
  const { execa } = await import('execa'); // loaded by the commands that run a tool, not at every CLI start
  const r = await execa(exe, args, { cwd, env: { ...process.env, ...env }, reject: false, stdin: 'ignore', stdout: 2, stderr: 'inherit' });
  if (r.exitCode !== 0) throw new UserError(`${tool} ${args.join(' ')} failed in ${cwd} (exit ${r.exitCode ?? r.signal}); see its output above`, 1);
}
