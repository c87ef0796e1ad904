// koffi bindings of the XRT 2.13 C API (libxrt_coreutil.so.2). Loaded once per process, after prepareXrtEnv.
import koffi, { type LibraryHandle } from 'koffi';
import { join } from 'node:path';
import { CORE_UTIL, prepareXrtEnv, XrtUnavailable, type XrtEnv } from './env.ts';
import { XrtLog } from './log.ts';

/** An opaque XRT handle (koffi returns pointers as BigInt; NULL is null). */
export type Handle = bigint;

/** The XRT C functions the host uses. Every handle-returning call yields null on failure; int calls return -1 (errno is not reliable). */
export interface XrtApi {
  deviceOpen(index: number): Handle | null;
  deviceClose(d: Handle): number;
  deviceLoadXclbinHandle(d: Handle, x: Handle): number;
  deviceGetXclbinUUID(d: Handle, out: Uint8Array): number;
  /** Parses an in-memory xclbin (the very bytes the JS reader validated, so the file cannot change in between). */
  xclbinAllocRawData(data: Uint8Array, size: number): Handle | null;
  xclbinFreeHandle(x: Handle): number;
  xclbinGetUUID(x: Handle, out: Uint8Array): number;
  kernelOpen(d: Handle, uuid: Uint8Array, name: string): Handle | null;
  kernelClose(k: Handle): number;
  kernelArgGroupId(k: Handle, arg: number): number;
  boAlloc(d: Handle, size: number, flags: number, group: number): Handle | null;
  boFree(b: Handle): number;
  boWrite(b: Handle, src: Uint8Array, size: number, seek: number): number;
  boRead(b: Handle, dst: Uint8Array, size: number, skip: number): number;
  boSync(b: Handle, dir: number, size: number, offset: number): number;
  runOpen(k: Handle): Handle | null;
  runClose(r: Handle): number;
  /** Variadic: the value's C type must follow the xclbin's argument type (float scalars as 'double'). */
  runSetArg(r: Handle, index: number, ctype: string, value: unknown): number;
  runStart(r: Handle): number;
  runWait(r: Handle): number;
  runWaitFor(r: Handle, timeoutMs: number): number;
}

export interface Xrt {
  api: XrtApi;
  env: XrtEnv;
  log: XrtLog;
  libraryPath: string;
}

let loaded: Xrt | undefined;

/** Loads libxrt_coreutil.so.2 (preparing the environment first); throws XrtUnavailable when it cannot be loaded. */
export function loadXrt(): Xrt {
  if (loaded) return loaded;
  const env = prepareXrtEnv();
  const libraryPath = join(env.libDir, CORE_UTIL);
  let lib: LibraryHandle;
  try {
    lib = koffi.load(libraryPath);
  } catch (e) {
    throw new XrtUnavailable(`cannot load ${libraryPath}: ${(e as Error).message}`);
  }
  let api: XrtApi;
  try {
    const f = (proto: string) => lib.func(proto);
    const setArg = f('int xrtRunSetArg(void *rhdl, int index, ...)');
    api = {
      deviceOpen: f('void *xrtDeviceOpen(unsigned int index)'),
      deviceClose: f('int xrtDeviceClose(void *dhdl)'),
      deviceLoadXclbinHandle: f('int xrtDeviceLoadXclbinHandle(void *dhdl, void *xhdl)'),
      xclbinAllocRawData: f('void *xrtXclbinAllocRawData(const void *data, int size)'),
      xclbinFreeHandle: f('int xrtXclbinFreeHandle(void *xhdl)'),
      xclbinGetUUID: f('int xrtXclbinGetUUID(void *xhdl, _Out_ uint8_t *out)'),
      deviceGetXclbinUUID: f('int xrtDeviceGetXclbinUUID(void *dhdl, _Out_ uint8_t *out)'),
      kernelOpen: f('void *xrtPLKernelOpen(void *dhdl, const uint8_t *xclbinId, const char *name)'),
      kernelClose: f('int xrtKernelClose(void *khdl)'),
      kernelArgGroupId: f('int xrtKernelArgGroupId(void *khdl, int argno)'),
      boAlloc: f('void *xrtBOAlloc(void *dhdl, size_t size, uint64_t flags, uint32_t grp)'),
      boFree: f('int xrtBOFree(void *bhdl)'),
      boWrite: f('int xrtBOWrite(void *bhdl, const void *src, size_t size, size_t seek)'),
      boRead: f('int xrtBORead(void *bhdl, _Out_ void *dst, size_t size, size_t skip)'),
      boSync: f('int xrtBOSync(void *bhdl, int dir, size_t size, size_t offset)'),
      runOpen: f('void *xrtRunOpen(void *khdl)'),
      runClose: f('int xrtRunClose(void *rhdl)'),
      runSetArg: (r, index, ctype, value) => setArg(r, index, ctype, value) as number,
      runStart: f('int xrtRunStart(void *rhdl)'),
      runWait: f('int xrtRunWait(void *rhdl)'),
      runWaitFor: f('int xrtRunWaitFor(void *rhdl, unsigned int timeout_ms)'),
    };
  } catch (e) {
    throw new XrtUnavailable(`${libraryPath} lacks an XRT C API function: ${(e as Error).message}`);
  }
  loaded = { api, env, log: new XrtLog(env.logPath), libraryPath };
  return loaded;
}
