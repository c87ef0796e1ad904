// Compiles C++ test programs against templates/csim-include with g++ (into scratch dirs; nothing cached in the repo).
import { join } from 'node:path';
import { execa } from 'execa';
import { FIXTURES, ROOT } from '../helpers/paths.ts';

export const CSIM_INCLUDE = join(ROOT, 'templates', 'csim-include');
export const CONFORMANCE = join(FIXTURES, 'conformance', 'apfixed');
export const CPP = join(ROOT, 'test', 'csim-include', 'cpp');

/** The g++ argument list for one program: `g++ <flags> -I<csim-include> <src> -o <exe>`. */
export function gppArgs(src: string, exe: string, flags: string[]): string[] {
  return [...flags, `-I${CSIM_INCLUDE}`, src, '-o', exe];
}

/** Compiles `src` into `exe`; throws with g++'s diagnostics on failure. */
export async function compile(src: string, exe: string, flags: string[]): Promise<void> {
  await execa('g++', gppArgs(src, exe, flags));
}

/** Runs an executable; never throws, returns exit code / signal and both streams. */
export async function run(exe: string, env: Record<string, string> = {}) {
  const r = await execa(exe, [], { reject: false, env, timeout: 60_000, stripFinalNewline: false });
  return { code: r.exitCode, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Lines that differ between expected and actual text, as "line N: expected | actual" (empty when identical). */
export function lineDiff(expected: string, actual: string): string[] {
  const e = expected.split('\n'), a = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(e.length, a.length); i++)
    if (e[i] !== a[i]) out.push(`line ${i + 1}:\n  expected ${JSON.stringify(e[i])}\n  actual   ${JSON.stringify(a[i])}`);
  return out;
}
