// Loads a design's csim shared library (built through its bridge) and calls the BRIDGE_ABI entry point.
import koffi from 'koffi';
import { BRIDGE_ABI } from '../../generator/manifest.ts';
import { UserError } from '../../generator/errors.ts';

/** The bridge entry point: bundles in buffer-argument order, scalars in scalar-argument order. */
export type BridgeRun = (bundles: Uint8Array[], scalars: BigInt64Array) => void;

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
  const err = Buffer.alloc(ERR_BYTES);
  const run: BridgeRun = (bundles, scalars) => {
    err.fill(0, 0, 1);
    const rc = fn(bundles, bundles.length, scalars, scalars.length, err, ERR_BYTES);
    if (rc !== 0) {
      const end = err.indexOf(0);
      throw new UserError(`csim kernel failed (code ${rc}): ${err.toString('utf8', 0, end < 0 ? ERR_BYTES : end) || 'no message'}`);
    }
  };
  cache.set(path, run);
  return run;
}
