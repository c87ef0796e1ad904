// Jobs for test/host/pool/map.test.ts (run inside pool worker processes).
export async function sleepThenSquare(a: { ms: number; x: number }): Promise<number> {
  await new Promise((r) => setTimeout(r, a.ms));
  return a.x * a.x;
}
export function fail(msg: string): never {
  throw new Error(msg);
}
