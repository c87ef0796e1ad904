// The csim backend: the generated design compiled with its bridge into a shared library, given the same buffers
// (one host array per m_axi bundle) and scalars XRT would get.
import type { Backend } from '../backend.ts';
import { bufferArgs, scalarArgs, type HostDesign } from '../layout.ts';
import { loadBridge, type BridgeRun } from './bridge.ts';

// The bridge's word arrays (and the kernel's on-chip state) live as long as the library, one per library path:
// remember which backend ran last on each, so another one's run forces a reload.
const lastRunner = new Map<string, CsimBackend>();

const f32 = new Float32Array(1);
const f32bits = new Int32Array(f32.buffer);

export class CsimBackend implements Backend {
  readonly name = 'csim';
  readonly description: string;
  private readonly memories: Uint8Array[];
  private readonly scalars: BigInt64Array;
  private readonly floatScalar: boolean[];
  private readonly bridge: BridgeRun;
  private readonly library: string;

  /** Binds the library at `library` (a build of the design's bridge) and allocates zeroed bundle memories. */
  constructor(design: HostDesign, library: string) {
    this.bridge = loadBridge(library);
    this.library = library;
    this.description = `csim (${library})`;
    // 8-byte aligned zeroed memory per bundle, like a fresh BO.
    this.memories = bufferArgs(design.manifest).map((b) => new Uint8Array(new BigInt64Array(Math.ceil(b.bytes / 8)).buffer, 0, b.bytes));
    const sc = scalarArgs(design.manifest);
    this.scalars = new BigInt64Array(sc.length);
    this.floatScalar = sc.map((s) => s.ctype === 'float');
  }

  write(buffer: number, offset: number, bytes: Uint8Array): void {
    this.memories[buffer]!.set(bytes, offset);
  }

  read(buffer: number, offset: number, dst: Uint8Array): void {
    dst.set(this.memories[buffer]!.subarray(offset, offset + dst.length));
  }

  /** Ints go as their value; a float scalar goes as its IEEE-754 single bit pattern (the bridge ABI has only long long). */
  setScalar(scalar: number, value: number): void {
    if (this.floatScalar[scalar]) {
      f32[0] = value;
      this.scalars[scalar] = BigInt(f32bits[0]!);
    } else this.scalars[scalar] = BigInt(Math.trunc(value));
  }

  onChipStateLost(): boolean {
    const last = lastRunner.get(this.library);
    return last !== undefined && last !== this;
  }

  run(): void {
    lastRunner.set(this.library, this);
    this.bridge(this.memories, this.scalars);
  }

  /** The kernel on a worker thread: a long csim call leaves the event loop free (Ctrl-C stops at once). */
  runAsync(): Promise<void> {
    lastRunner.set(this.library, this);
    return this.bridge.async(this.memories, this.scalars);
  }

  close(): void {}
}
