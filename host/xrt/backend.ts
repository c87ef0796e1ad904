// The XRT backend: one BO per m_axi buffer argument (allocated in its argument's bank), pointer arguments set once,
// scalars set only when they change, start + wait per call.
import type { Backend } from '../backend.ts';
import { bufferArgs, scalarArgs, type HostDesign } from '../layout.ts';
import { XrtSession, type XrtBuffer } from './device.ts';

export interface XrtBackendOptions {
  device: number;
  xclbin: string;
  /** Per-run timeout in ms (0 = wait forever). */
  timeoutMs?: number;
}

export class XrtBackend implements Backend {
  readonly name = 'xrt';
  readonly description: string;
  private readonly session: XrtSession;
  private readonly bos: XrtBuffer[] = [];
  private readonly scalarArgIndex: number[];
  private readonly last: (number | undefined)[];
  private readonly timeoutMs: number;

  /** Opens the device with the (validated, design-matching) xclbin and allocates and binds every buffer. */
  constructor(design: HostDesign, opts: XrtBackendOptions) {
    const m = design.manifest;
    this.session = XrtSession.open({ device: opts.device, xclbin: opts.xclbin, kernel: m.kernel });
    try {
      for (const b of bufferArgs(m)) {
        const bo = this.session.allocBuffer(b.argIndex, b.bytes);
        this.bos.push(bo);
        this.session.setArg(b.argIndex, bo);
      }
    } catch (e) {
      this.session.close();
      throw e;
    }
    this.scalarArgIndex = scalarArgs(m).map((s) => s.argIndex);
    this.last = this.scalarArgIndex.map(() => undefined);
    this.timeoutMs = opts.timeoutMs ?? 0;
    this.description = `xrt (device ${opts.device}, ${opts.xclbin}, ${this.session.xrt.libraryPath})`;
  }

  write(buffer: number, offset: number, bytes: Uint8Array): void {
    this.bos[buffer]!.upload(bytes, offset);
  }

  read(buffer: number, offset: number, dst: Uint8Array): void {
    this.bos[buffer]!.download(dst, offset);
  }

  setScalar(scalar: number, value: number): void {
    if (this.last[scalar] === value) return;
    this.session.setArg(this.scalarArgIndex[scalar]!, value);
    this.last[scalar] = value;
  }

  run(): void {
    this.session.start();
    this.session.wait(this.timeoutMs);
  }

  close(): void {
    this.session.close();
  }
}
