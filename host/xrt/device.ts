// One XRT device + kernel session: validated xclbin → device → kernel → buffers → run, closed in reverse order on
// every path (errors, close(), and process exit, since XRT 2.13 crashes at exit when handles are left open).
import { UserError } from '../../generator/errors.ts';
import type { KernelArg } from '../../generator/manifest.ts';
import { ADDRESS_QUALIFIER } from '../xclbin/format.ts';
import { matchKernel } from '../xclbin/match.ts';
import { readFileOrThrow } from '../../generator/io/files.ts';
import { parseXclbin, type XclbinArg, type XclbinKernel } from '../xclbin/reader.ts';
import { XrtUnavailable } from './env.ts';
import { loadXrt, type Handle, type Xrt } from './library.ts';

/** ert_cmd_state values XRT returns from wait. */
export const RunState = { NEW: 1, QUEUED: 2, RUNNING: 3, COMPLETED: 4, ERROR: 5, ABORT: 6, SUBMITTED: 7, TIMEOUT: 8, NORESPONSE: 9 } as const;
const STATE_NAME = Object.fromEntries(Object.entries(RunState).map(([k, v]) => [v, k])) as Record<number, string>;

const SYNC_TO_DEVICE = 0;
const SYNC_FROM_DEVICE = 1;

/** An XRT call failed; the message carries XRT's own ERROR lines from its log. */
export class XrtCallError extends UserError {}

const open = new Set<XrtSession>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of [...open]) s.close();
  });
}

/** The koffi type a variadic xrtRunSetArg value must have, from the xclbin's argument (XRT reads it by that type). */
export function setArgType(a: XclbinArg): string {
  if (a.addressQualifier === ADDRESS_QUALIFIER.global) return 'void *';
  if (a.addressQualifier !== ADDRESS_QUALIFIER.scalar) throw new UserError(`kernel argument '${a.name}': addressQualifier ${a.addressQualifier} (streams, local memory) is not supported`);
  const t = a.type.replace(/\s+/g, ' ').trim();
  if (t === 'float' || t === 'double') return 'double'; // C default promotion: XRT reads a float scalar as double
  if (t === 'int' || t === 'int32_t') return 'int32_t';
  if (t === 'unsigned int' || t === 'uint' || t === 'uint32_t' || t === 'unsigned') return 'uint32_t';
  if (a.size === 4) return 'uint32_t';
  if (a.size === 8) return 'uint64_t';
  throw new UserError(`kernel argument '${a.name}': scalar type '${a.type}' of ${a.size} bytes is not supported`);
}

/** A device buffer (BO) bound to one kernel argument's memory bank. */
export class XrtBuffer {
  constructor(
    private readonly session: XrtSession,
    readonly handle: Handle,
    readonly bytes: number,
  ) {}

  private range(offset: number, size: number, what: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes) throw new Error(`${what}: range ${offset}+${size} outside the ${this.bytes}-byte buffer`);
  }

  /** Copies `src` into the buffer at `offset` and syncs that range to the device. */
  upload(src: Uint8Array, offset = 0): void {
    this.range(offset, src.length, 'upload');
    if (src.length === 0) return;
    this.session.check(this.session.xrt.api.boWrite(this.handle, src, src.length, offset), 'xrtBOWrite');
    this.session.check(this.session.xrt.api.boSync(this.handle, SYNC_TO_DEVICE, src.length, offset), 'xrtBOSync(to device)');
  }

  /** Syncs `dst.length` bytes at `offset` from the device and copies them into `dst`. */
  download(dst: Uint8Array, offset = 0): void {
    this.range(offset, dst.length, 'download');
    if (dst.length === 0) return;
    this.session.check(this.session.xrt.api.boSync(this.handle, SYNC_FROM_DEVICE, dst.length, offset), 'xrtBOSync(from device)');
    this.session.check(this.session.xrt.api.boRead(this.handle, dst, dst.length, offset), 'xrtBORead');
  }
}

export interface XrtSessionOptions {
  /** Device index (xrtDeviceOpen). */
  device: number;
  xclbin: string;
  /** The design's kernel (design.json); the xclbin must match it. */
  kernel: { name: string; args: readonly KernelArg[] };
}

/** An open device with the design's xclbin loaded and its kernel opened. */
export class XrtSession {
  readonly xrt: Xrt;
  readonly kernelInfo: XclbinKernel;
  private device: Handle | null = null;
  private kernel: Handle | null = null;
  private run: Handle | null = null;
  private readonly buffers: XrtBuffer[] = [];
  private readonly argTypes: string[];
  private readonly xclbinBytes: Uint8Array;
  private readonly xclbinUuid: string;

  private constructor(opts: XrtSessionOptions) {
    // Validate the xclbin in JS before XRT sees it (XRT 2.13 trusts its header and crashes on bad ones); XRT later
    // gets these same bytes, not the path, so the file cannot change in between.
    this.xclbinBytes = new Uint8Array(readFileOrThrow(opts.xclbin, 'xclbin'));
    const info = parseXclbin(this.xclbinBytes, opts.xclbin);
    if (this.xclbinBytes.length > 0x7fffffff) throw new UserError(`${opts.xclbin}: ${this.xclbinBytes.length} bytes; XRT's C API takes at most 2 GiB`);
    this.xclbinUuid = info.uuid;
    this.kernelInfo = matchKernel(info, opts.kernel, opts.xclbin);
    this.argTypes = this.kernelInfo.args.map(setArgType);
    this.xrt = loadXrt();
  }

  /** Validates the xclbin, opens device `device`, loads the xclbin and opens the kernel; on failure nothing stays open. */
  static open(opts: XrtSessionOptions): XrtSession {
    const s = new XrtSession(opts);
    installExitHook();
    open.add(s);
    try {
      s.openAll(opts);
    } catch (e) {
      s.close();
      throw e;
    }
    return s;
  }

  private openAll(opts: XrtSessionOptions): void {
    const { api, log } = this.xrt;
    if (!Number.isInteger(opts.device) || opts.device < 0) throw new UserError(`device index must be a non-negative integer, got ${opts.device}`);
    log.mark();
    this.device = api.deviceOpen(opts.device);
    if (this.device === null) throw new XrtUnavailable(`XRT: no device ${opts.device} (${this.errors('xrtDeviceOpen')})`);
    log.mark();
    const xh = api.xclbinAllocRawData(this.xclbinBytes, this.xclbinBytes.length);
    if (xh === null) throw new XrtCallError(`XRT: cannot parse ${opts.xclbin} (${this.errors('xrtXclbinAllocRawData')})`);
    try {
      this.check(api.deviceLoadXclbinHandle(this.device, xh), `loading ${opts.xclbin} (xrtDeviceLoadXclbinHandle)`);
    } finally {
      api.xclbinFreeHandle(xh);
    }
    const uuid = new Uint8Array(16);
    this.check(api.deviceGetXclbinUUID(this.device, uuid), 'xrtDeviceGetXclbinUUID');
    const got = Buffer.from(uuid).toString('hex');
    if (got !== this.xclbinUuid) throw new XrtCallError(`XRT: device ${opts.device} reports xclbin ${got} after loading ${opts.xclbin} (${this.xclbinUuid})`);
    log.mark();
    this.kernel = api.kernelOpen(this.device, uuid, opts.kernel.name);
    if (this.kernel === null) throw new XrtCallError(`XRT: cannot open kernel '${opts.kernel.name}' (${this.errors('xrtPLKernelOpen')})`);
    this.run = api.runOpen(this.kernel);
    if (this.run === null) throw new XrtCallError(`XRT: xrtRunOpen failed (${this.errors('xrtRunOpen')})`);
  }

  // Hot-path calls (setArg, start, wait, BO transfers) do not mark the log first: reading it costs syscalls, and a
  // successful call logs no ERROR, so the errors read after a failure are the failure's own.
  /** XRT's ERROR lines since the last read, or a fallback naming the call. */
  private errors(call: string): string {
    const e = this.xrt.log.takeErrors();
    return e.length ? e.join('; ') : `${call} failed; XRT logged no error`;
  }

  /** Throws an XrtCallError with XRT's logged errors when an int-returning call returned non-zero. */
  check(rc: number, call: string): void {
    if (rc !== 0) throw new XrtCallError(`XRT: ${call} failed (${this.errors(call)})`);
  }

  /** Allocates a device buffer in the memory bank connected to pointer argument `argIndex`. */
  allocBuffer(argIndex: number, bytes: number): XrtBuffer {
    const { api, log } = this.xrt;
    if (this.argTypes[argIndex] !== 'void *') throw new Error(`argument ${argIndex} is not a pointer argument`);
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) throw new Error(`buffer size must be a positive integer, got ${bytes}`);
    log.mark();
    const group = api.kernelArgGroupId(this.kernel!, argIndex);
    if (group < 0) throw new XrtCallError(`XRT: no memory bank for argument ${argIndex} (${this.errors('xrtKernelArgGroupId')})`);
    const h = api.boAlloc(this.device!, bytes, 0, group);
    if (h === null) throw new XrtCallError(`XRT: cannot allocate ${bytes} bytes for argument ${argIndex} (${this.errors('xrtBOAlloc')})`);
    const b = new XrtBuffer(this, h, bytes);
    this.buffers.push(b);
    return b;
  }

  /** Sets argument `index`: an XrtBuffer for pointers, a number for scalars (ints range-checked; floats passed as double). */
  setArg(index: number, value: XrtBuffer | number): void {
    const type = this.argTypes[index];
    const arg = this.kernelInfo.args[index];
    if (!type || !arg) throw new Error(`kernel '${this.kernelInfo.name}' has no argument ${index}`);
    let v: unknown;
    if (type === 'void *') {
      if (!(value instanceof XrtBuffer)) throw new Error(`argument ${index} '${arg.name}' is a pointer; pass a buffer`);
      v = value.handle;
    } else {
      if (typeof value !== 'number') throw new Error(`argument ${index} '${arg.name}' is a scalar; pass a number`);
      const [lo, hi] = type === 'int32_t' ? [-(2 ** 31), 2 ** 31 - 1] : type === 'uint32_t' ? [0, 2 ** 32 - 1] : [0, Number.MAX_SAFE_INTEGER];
      if (type !== 'double' && !(Number.isInteger(value) && value >= lo && value <= hi)) throw new Error(`argument ${index} '${arg.name}' (${arg.type}) cannot hold ${value}`);
      v = type === 'uint64_t' ? BigInt(value) : value;
    }
    this.check(this.xrt.api.runSetArg(this.run!, index, type, v), `xrtRunSetArg(${index} '${arg.name}')`);
  }

  /** Starts the kernel with the arguments set so far. */
  start(): void {
    this.check(this.xrt.api.runStart(this.run!), 'xrtRunStart');
  }

  /** Waits for the run (timeoutMs 0 = no limit) and throws unless it COMPLETED. */
  wait(timeoutMs = 0): void {
    const state = timeoutMs > 0 ? this.xrt.api.runWaitFor(this.run!, timeoutMs) : this.xrt.api.runWait(this.run!);
    if (state !== RunState.COMPLETED) {
      const what = state === RunState.RUNNING || state === RunState.QUEUED || state === RunState.SUBMITTED ? `still ${STATE_NAME[state]} after ${timeoutMs} ms` : `ended in state ${STATE_NAME[state] ?? state}`;
      const e = this.xrt.log.takeErrors();
      throw new XrtCallError(`XRT: kernel '${this.kernelInfo.name}' ${what}${e.length ? ` (${e.join('; ')})` : ''}`);
    }
  }

  /** Closes run → buffers → kernel → device; safe to call more than once. */
  close(): void {
    if (!open.delete(this)) return;
    const api = this.xrt?.api;
    if (!api) return;
    if (this.run !== null) api.runClose(this.run);
    for (const b of this.buffers.splice(0).reverse()) api.boFree(b.handle);
    if (this.kernel !== null) api.kernelClose(this.kernel);
    if (this.device !== null) api.deviceClose(this.device);
    this.run = this.kernel = this.device = null;
  }
}
