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

/**
 * Activations [rows][features] stored token-major with rows padded to whole words (16- or 32-bit containers of the
 * activation type) → float64 values raw / 2^frac, C order without the padding. `rowStride` (bytes; e.g. design.json's
 * output.rowStride) overrides the word-padded row length.
 */
export function decodeActivations(bytes: Uint8Array, rows: number, features: number, plan: Plan, rowStride?: number): Float64Array {
  const act = plan.types.activation;
  if (act.containerBits !== 32 && act.containerBits !== 16) throw new Error(`decodeActivations: ${act.containerBits}-bit activation containers are not supported`);
  const eb = act.containerBits / 8;
  if (rowStride !== undefined && (rowStride % eb !== 0 || rowStride < features * eb)) throw new UserError(`row stride ${rowStride} bytes cannot hold ${features} ${act.containerBits}-bit activations`);
  const rowElems = rowStride !== undefined ? rowStride / eb : Math.ceil(features / act.lanes) * act.lanes;
  if (bytes.length < rows * rowElems * eb) throw new UserError(`activation dump has ${bytes.length} bytes, [${rows}][${features}] needs ${rows * rowElems * eb}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = 2 ** -act.frac;
  const get = eb === 4 ? (i: number) => view.getInt32(i * 4, true) : (i: number) => view.getInt16(i * 2, true);
  const out = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) out[r * features + f] = get(r * rowElems + f) * scale;
  return out;
}

/** Ops whose output can be compared with a reference trace tensor ([rows][features] activations with a trace key). */
export function comparableOps(plan: Plan): PlanOp[] {
  return plan.ops.filter((o) => o.trace !== null && o.output !== null && o.outShape.length === 2);
}
