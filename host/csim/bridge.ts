// Loads a design's csim shared library (built through its bridge) and calls the BRIDGE_ABI entry point.
import koffi from 'koffi';
import { BRIDGE_ABI } from '../../generator/bridge-abi.ts';
import { UserError } from '../../generator/errors.ts';

/** The bridge entry point: bundles in buffer-argument order, scalars in scalar-argument order. */
export type BridgeRun = ((bundles: Uint8Array[], scalars: BigInt64Array) => void) & {
  /** The same call on a koffi worker thread, so the event loop (Ctrl-C, progress) keeps running meanwhile. */
  async: (bundles: Uint8Array[], scalars: BigInt64Array) => Promise<void>;
};

const ERR_BYTES = 1024;
const cache = new Map<string, BridgeRun>();

/** Binds edgemoe_csim_run in the library at `path` (cached per path; build paths are content-hashed). */
export function loadBridge(path: string): BridgeRun {
  const hit = cache.get(path);
  if (hit) return hit;
  let fn: (...a: unknown[]) => number;
  try {
    fn = koffi.load(path).func(BRIDGE_ABI.prototype.replace('char* err', '_Out_ char* err'));
  } catch (e) {
    throw new UserError(`cannot load the csim library ${path}: ${(e as Error).message}`);
  }
  const failure = (rc: number, err: Buffer) => {
    const end = err.indexOf(0);
    return new UserError(`csim kernel failed (code ${rc}): ${err.toString('utf8', 0, end < 0 ? ERR_BYTES : end) || 'no message'}`);
  };
  const err = Buffer.alloc(ERR_BYTES);
  const call = (bundles: Uint8Array[], scalars: BigInt64Array) => {
    err.fill(0, 0, 1);
    const rc = fn(bundles, bundles.length, scalars, scalars.length, err, ERR_BYTES);
    if (rc !== 0) throw failure(rc, err);
  };
  const callAsync = (bundles: Uint8Array[], scalars: BigInt64Array) =>
    new Promise<void>((resolve, reject) => {
      const e = Buffer.alloc(ERR_BYTES); // one per call: calls may overlap
      (fn as unknown as { async: (...a: unknown[]) => void }).async(bundles, bundles.length, scalars, scalars.length, e, ERR_BYTES, (x: unknown, rc: number) => {
        if (x) reject(x instanceof Error ? x : new Error(String(x)));
        else if (rc !== 0) reject(failure(rc, e));
        else resolve();
      });
    });
  const run = Object.assign(call, { async: callAsync }) as BridgeRun;
  cache.set(path, run);
  return run;
}
