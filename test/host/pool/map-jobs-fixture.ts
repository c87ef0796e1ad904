// Jobs for test/host/pool/map.test.ts (run inside pool worker processes).
export async function sleepThenSquare(a: { ms: number; x: number }): Promise<number> {
  await new Promise((r) => setTimeout(r, a.ms));
  return a.x * a.x;
}
export function fail(msg: string): never {
  throw new Error(msg);
}
/** The process a job ran in, after `ms` (so that every lane takes one). */
export async function pidAfter(ms: number): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  return process.pid;
}
/**
 * The process a job ran in. A job in the `parent` process waits (up to a minute) until a job in another process has
 * created `marker`; a job elsewhere creates it: so a worker lane is known to have taken one.
 */
export async function pidOnceAWorkerRan(a: { parent: number; marker: string }): Promise<number> {
  const { existsSync, writeFileSync } = await import('node:fs');
  if (process.pid !== a.parent) writeFileSync(a.marker, '');
  for (let i = 0; i < 600 && !existsSync(a.marker); i++) await new Promise((r) => setTimeout(r, 100));
  return process.pid;
}
