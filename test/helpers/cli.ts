// Runs the edgemoe CLI as a user would (a child process) and captures its output.
import { execa } from 'execa';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `edgemoe ...args` from the project root; never throws on a non-zero exit. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await execa('node', [join(ROOT, 'bin', 'edgemoe.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env,
    reject: false,
    all: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
