// The host's view of a design's buffers, read from its validated design.json alone: buffer-argument and scalar plans,
// the input/output layout and region decoding. No schema here (host/design.ts validates design.json), so a pool
// worker that is handed an already validated manifest loads none.
import { UserError } from '../generator/errors.ts';
import { resolveTask } from '../generator/config/task.ts';
import type { DesignManifest, Region } from '../generator/manifest.ts';

/** A design dir and its validated manifest. */
export interface HostDesign {
  dir: string;
  manifest: DesignManifest;
}

/** One m_axi buffer argument: its position in the kernel's argument list and its bundle. */
export interface BufferArg {
  argIndex: number;
  name: string;
  bundle: string;
  bytes: number;
}

/** One scalar argument and the manifest role it plays. */
export interface ScalarArg {
  argIndex: number;
  name: string;
  ctype: 'int' | 'unsigned int' | 'float';
  role: 'numImages' | 'task' | 'reload' | 'debugStop';
}

/** Buffer arguments in kernel order (= bridge bundle order). */
export function bufferArgs(m: DesignManifest): BufferArg[] {
  return m.kernel.args.flatMap((a, argIndex) => {
    if (a.kind !== 'buffer') return [];
    const b = m.bundles.find((x) => x.name === a.bundle)!;
    return [{ argIndex, name: a.name, bundle: a.bundle, bytes: b.bytes }];
  });
}

/** Scalar arguments in kernel order (= bridge scalar order), each mapped to its role in manifest.scalars. */
export function scalarArgs(m: DesignManifest): ScalarArg[] {
  const roleOf = new Map(Object.entries(m.scalars).map(([role, name]) => [name, role as ScalarArg['role']]));
  return m.kernel.args.flatMap((a, argIndex) => (a.kind === 'scalar' ? [{ argIndex, name: a.name, ctype: a.ctype, role: roleOf.get(a.name)! }] : []));
}

/** The bundle (index into bufferArgs) and region named `region`. */
export function regionOf(m: DesignManifest, region: string): { buffer: number; region: Region } {
  const bufs = bufferArgs(m);
  for (let i = 0; i < bufs.length; i++) {
    const r = m.bundles.find((b) => b.name === bufs[i]!.bundle)!.regions.find((x) => x.name === region);
    if (r) return { buffer: i, region: r };
  }
  throw new UserError(`design.json: no buffer argument's bundle carries region '${region}'`);
}

/** Where images go and outputs come from: design.json's per-image strides, checked against the region sizes. */
export interface IoLayout {
  input: { buffer: number; offset: number; imageBytes: number; stride: number };
  output: { buffer: number; offset: number; region: Region; stride: number; rows: number; rowElems: number; rowStride: number };
}

/**
 * The input and output layouts as design.json states them (input.stride, output.stride / rowStride; nothing is
 * re-derived): image i's pixels go to byte i·input.stride of the input region, image i's output row r is read from
 * byte i·output.stride + r·output.rowStride of the output region. Fails when a stated layout does not fit.
 */
export function ioLayout(m: DesignManifest, fail: (msg: string) => never = (msg) => { throw new UserError(`design.json: ${msg}`); }): IoLayout {
  const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);
  const inp = regionOf(m, m.input.region);
  const imageBytes = prod(m.input.shape);
  if (inp.region.elemBytes !== 1) fail(`input region '${inp.region.name}' has ${inp.region.elemBytes}-byte elements (the host writes 8-bit pixels)`);
  const { stride: inStride, rowStride: inRow } = m.input;
  const inW = m.input.shape[m.input.shape.length - 1] ?? 0;
  // The host writes each image as one contiguous block, so its rows must not be padded.
  if (inRow !== inW) fail(`input.rowStride ${inRow} differs from the image row of ${inW} bytes (padded input rows are not supported)`);
  if (inStride < imageBytes) fail(`input.stride ${inStride} is smaller than one image (${imageBytes} bytes)`);
  if ((m.maxImages - 1) * inStride + imageBytes > inp.region.bytes) fail(`input region '${inp.region.name}' (${inp.region.bytes} bytes) cannot hold ${m.maxImages} images at input.stride ${inStride}`);
  const out = regionOf(m, m.output.region);
  const r = out.region;
  if (![1, 2, 4].includes(r.elemBytes)) fail(`output region '${r.name}' has ${r.elemBytes}-byte elements`);
  if (r.frac === undefined) fail(`output region '${r.name}' has no 'frac' (value = raw / 2^frac)`);
  if (m.output.shape.length < 1) fail('output shape is empty');
  const rowElems = m.output.shape[m.output.shape.length - 1]!;
  const rows = prod(m.output.shape.slice(0, -1));
  const { stride, rowStride } = m.output;
  if (rowStride < rowElems * r.elemBytes) fail(`output.rowStride ${rowStride} is smaller than a row of ${rowElems}x${r.elemBytes} bytes`);
  if (stride < rows * rowStride) fail(`output.stride ${stride} is smaller than ${rows} rows at output.rowStride ${rowStride}`);
  if ((m.maxImages - 1) * stride + rows * rowStride > r.bytes) fail(`output region '${r.name}' (${r.bytes} bytes) cannot hold ${m.maxImages} outputs at output.stride ${stride}`);
  return {
    input: { buffer: inp.buffer, offset: inp.region.offset, imageBytes, stride: inStride },
    output: { buffer: out.buffer, offset: r.offset, region: r, stride, rows, rowElems, rowStride },
  };
}

/**
 * Decodes `count` raw fixed-point elements (region element size and signedness) at byte `offset` of `bytes` as
 * raw / 2^frac, into `out` from index `outAt` (a new array by default).
 */
export function decodeFixed(bytes: Uint8Array, offset: number, count: number, region: Region, out = new Float32Array(count), outAt = 0): Float32Array {
  const scale = 2 ** -(region.frac ?? 0);
  const signed = region.signed !== false;
  const at = bytes.byteOffset + offset;
  const eb = region.elemBytes;
  if (at % eb === 0) {
    // Aligned (the usual case): read through a typed array view, little-endian like the device.
    const Arr = eb === 4 ? (signed ? Int32Array : Uint32Array) : eb === 2 ? (signed ? Int16Array : Uint16Array) : signed ? Int8Array : Uint8Array;
    const raw = new Arr(bytes.buffer as ArrayBuffer, at, count);
    for (let i = 0; i < count; i++) out[outAt + i] = raw[i]! * scale;
    return out;
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const p = offset + i * eb;
    const raw = eb === 4 ? (signed ? v.getInt32(p, true) : v.getUint32(p, true)) : eb === 2 ? (signed ? v.getInt16(p, true) : v.getUint16(p, true)) : signed ? v.getInt8(p) : v.getUint8(p);
    out[outAt + i] = raw * scale;
  }
  return out;
}

/** The index of a task given by name or index (as on the command line); unknown ones are UserErrors listing the tasks. */
export function taskIndex(m: DesignManifest, task: string | number): number {
  return resolveTask(m.tasks, task);
}
