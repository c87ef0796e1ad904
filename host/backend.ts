// What the Accelerator needs from a backend: one memory per m_axi buffer argument, scalar arguments, and a call.

export type BackendName = 'xrt' | 'csim';

export interface Backend {
  readonly name: BackendName;
  /** One line for the user: what runs the kernel (device + xclbin, or the csim library). */
  readonly description: string;
  /** Writes `bytes` at `offset` of buffer argument `buffer` (index into bufferArgs) and makes it visible to the kernel. */
  write(buffer: number, offset: number, bytes: Uint8Array): void;
  /** Reads `dst.length` bytes at `offset` of buffer argument `buffer` as the kernel left them. */
  read(buffer: number, offset: number, dst: Uint8Array): void;
  /** Sets scalar argument `scalar` (index into scalarArgs); backends pass it on only when it changed. */
  setScalar(scalar: number, value: number): void;
  /** True when something else ran the kernel since this backend's last run, so on-chip weights must be reloaded. */
  onChipStateLost?(): boolean;
  /** Runs the kernel once with the current buffers and scalars; throws if it does not complete. */
  run(): void;
  /** The same call without blocking the event loop, where the backend can (csim); else run() is used. */
  runAsync?(): Promise<void>;
  /** Releases everything (idempotent). */
  close(): void;
}
