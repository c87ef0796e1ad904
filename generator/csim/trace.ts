// The testbench's per-op trace file and decoding raw activation words back into float values.
import { UserError } from '../errors.ts';
import type { Plan, PlanOp } from '../plan/index.ts';

/** Parses {int32 op id, int32 words, words·wordBytes bytes}* into op id → bytes (the last dump of an id wins). */
export function parseTrace(bytes: Uint8Array, wordBytes: number, path = 'trace'): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p < bytes.length) {
    if (p + 8 > bytes.length) throw new UserError(`${path}: truncated record header at byte ${p}`);
    const id = view.getInt32(p, true);
    const words = view.getInt32(p + 4, true);
    const n = words * wordBytes;
    if (words < 0 || p + 8 + n > bytes.length) throw new UserError(`${path}: record of op ${id} (${words} words) runs past the end`);
    out.set(id, bytes.subarray(p + 8, p + 8 + n));
    p += 8 + n;
  }
  return out;
}

/** Reads a little-endian two's-complement container of `bytes` (1, 2 or 4) at byte offset `p`. */
export function containerReader(view: DataView, bytes: number): (p: number) => number {
  if (bytes === 4) return (p) => view.getInt32(p, true);
  if (bytes === 2) return (p) => view.getInt16(p, true);
  if (bytes === 1) return (p) => view.getInt8(p);
  throw new Error(`${8 * bytes}-bit activation containers are not supported`);
}

/**
 * Activations [rows][features] stored token-major with rows padded to whole words (8/16/32-bit containers of the
 * activation type, as the kernel packs them) → float64 values raw / 2^frac, C order without the padding. `rowStride`
 * (bytes; e.g. design.json's output.rowStride) overrides the word-padded row length.
 */
export function decodeActivations(bytes: Uint8Array, rows: number, features: number, plan: Plan, rowStride?: number): Float64Array {
  const act = plan.types.activation;
  const eb = act.containerBits / 8;
  if (rowStride !== undefined && (rowStride % eb !== 0 || rowStride < features * eb)) throw new UserError(`row stride ${rowStride} bytes cannot hold ${features} ${act.containerBits}-bit activations`);
  const rowElems = rowStride !== undefined ? rowStride / eb : Math.ceil(features / act.lanes) * act.lanes;
  if (bytes.length < rows * rowElems * eb) throw new UserError(`activation dump has ${bytes.length} bytes, [${rows}][${features}] needs ${rows * rowElems * eb}`);
  const at = containerReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), eb);
  const scale = 2 ** -act.frac;
  const out = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) out[r * features + f] = at((r * rowElems + f) * eb) * scale;
  return out;
}

/** Ops whose output can be compared with a reference trace tensor ([rows][features] activations with a trace key). */
export function comparableOps(plan: Plan): PlanOp[] {
  return plan.ops.filter((o) => o.trace !== null && o.output !== null && o.outShape.length === 2);
}
