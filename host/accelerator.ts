// One Accelerator API over two backends: XRT (a device + xclbin) and csim (the design's bridge library).
// Buffers come from design.json; packed weights are written once and rewritten only when their hash changes; reload=1
// only on the first run after that; switching task changes only the task argument.
import { UserError } from '../generator/errors.ts';
import { weightParts, weightsImageBytes } from '../generator/emit/regions.ts';
import type { Backend, BackendName } from './backend.ts';
import { CsimBackend } from './csim/backend.ts';
import { decodeFixed, ioLayout, regionOf, scalarArgs, taskIndex, type HostDesign, type IoLayout } from './layout.ts';
import type { PackedWeights } from './weights.ts';
import { XrtUnavailable } from './xrt/env.ts';

export type BackendChoice = 'auto' | BackendName;

export interface AcceleratorOptions {
  backend: BackendChoice;
  /** XRT: the xclbin (required for 'xrt'; without it 'auto' uses csim). */
  xclbin?: string;
  /** XRT: device index (default 0). */
  device?: number;
  /** XRT: per-run timeout in ms (default 0 = none). */
  timeoutMs?: number;
  /** csim: a prebuilt bridge library; default: buildCsim(design dir, { kind: 'shared' }). */
  csimLibrary?: string;
}

/** One kernel call's outputs: per image, float32 [tokens*dim] (raw / 2^frac), and its wall time. */
export interface Inference {
  outputs: Float32Array[];
  /** Host-measured time of the call: input write + run + output read. */
  ms: number;
}

/** Builds (or finds cached) the design's csim shared library via the generator's csim build. */
async function defaultCsimLibrary(dir: string): Promise<string> {
  const { buildCsim } = await import('../generator/csim/build.ts');
  return buildCsim(dir, { kind: 'shared' });
}

export class Accelerator {
  /** One line: which backend runs and, for 'auto', why. */
  readonly selection: string;
  private weightsHash: string | undefined;
  private reloadPending = false;
  private readonly roles: Map<string, number>;
  private closed = false;
  /** Input/output placement, derived once (it is on the per-inference path). */
  private readonly io: IoLayout;
  /** Reused read-back buffer for the output region (maxImages outputs). */
  private readonly outRaw: Uint8Array;

  private constructor(
    readonly design: HostDesign,
    private readonly backend: Backend,
    why: string,
  ) {
    this.selection = `backend: ${backend.description}${why ? ` — ${why}` : ''}`;
    this.roles = new Map(scalarArgs(design.manifest).map((s, i) => [s.role, i]));
    this.io = ioLayout(design.manifest);
    const o = this.io.output;
    this.outRaw = new Uint8Array((design.manifest.maxImages - 1) * o.stride + o.rows * o.rowStride);
  }

  get backendName(): BackendName {
    return this.backend.name;
  }

  /** Wraps an already open backend (for tests and tools that bring their own). */
  static fromBackend(design: HostDesign, backend: Backend, why = ''): Accelerator {
    return new Accelerator(design, backend, why);
  }

  /** Opens the chosen backend; 'auto' tries XRT and falls back to csim when XRT is missing, has no device, or no xclbin is given. */
  static async open(design: HostDesign, opts: AcceleratorOptions): Promise<Accelerator> {
    const csim = async (why: string) => new Accelerator(design, new CsimBackend(design, opts.csimLibrary ?? (await defaultCsimLibrary(design.dir))), why);
    // Loaded only when XRT is asked for: a csim run (a pool worker) skips the xclbin and XRT modules.
    const xrt = async () => new (await import('./xrt/backend.ts')).XrtBackend(design, { device: opts.device ?? 0, xclbin: opts.xclbin!, timeoutMs: opts.timeoutMs });
    switch (opts.backend) {
      case 'csim':
        return csim('');
      case 'xrt':
        if (!opts.xclbin) throw new UserError('--backend xrt needs --xclbin FILE (the design built by v++)');
        return new Accelerator(design, await xrt(), '');
      case 'auto': {
        if (!opts.xclbin) return csim('auto: no --xclbin given, using C simulation');
        try {
          return new Accelerator(design, await xrt(), 'auto: XRT device found');
        } catch (e) {
          // A bad or mismatched xclbin is the user's error, not a reason to fall back silently.
          if (!(e instanceof XrtUnavailable)) throw e;
          return csim(`auto: XRT not usable (${e.message}), using C simulation`);
        }
      }
      default:
        throw new UserError(`unknown backend '${String(opts.backend)}' (expected auto, xrt or csim)`);
    }
  }

  /** The task index for a task name or index (as given on the command line). */
  taskIndex(task: string | number): number {
    return taskIndex(this.design.manifest, task);
  }

  /** Writes the packed weights unless the same image (hash) is already loaded; returns whether it wrote them. */
  loadWeights(w: PackedWeights): boolean {
    if (w.hash === this.weightsHash) return false;
    const m = this.design.manifest;
    // The image is the weight regions one after another (one region unless the design has several weight ports).
    const parts = weightParts(m);
    const total = weightsImageBytes(m);
    if (w.bytes.length !== total) throw new UserError(`weights ${w.origin}: ${w.bytes.length} bytes, the weights region${parts.length > 1 ? `s hold` : ' holds'} ${total}`);
    this.weightsHash = undefined; // a failed write leaves the device image unknown
    for (const p of parts) {
      const { buffer, region } = regionOf(m, p.region.name);
      this.backend.write(buffer, region.offset, parts.length > 1 ? w.bytes.subarray(p.at, p.at + region.bytes) : w.bytes);
    }
    this.weightsHash = w.hash;
    this.reloadPending = true;
    return true;
  }

  private setRole(role: string, value: number): void {
    const i = this.roles.get(role);
    if (i !== undefined) this.backend.setScalar(i, value);
  }

  /** Runs up to maxImages images (CHW bytes each) for one task in one kernel call. */
  infer(images: readonly Uint8Array[], task: string | number, opts: { debugStop?: number } = {}): Inference {
    const t0 = this.begin(images, task, opts);
    this.backend.run();
    return this.finish(images.length, t0);
  }

  /** infer() without blocking the event loop while the kernel runs (where the backend can), for long jobs. */
  async inferAsync(images: readonly Uint8Array[], task: string | number, opts: { debugStop?: number } = {}): Promise<Inference> {
    const t0 = this.begin(images, task, opts);
    if (this.backend.runAsync) await this.backend.runAsync();
    else this.backend.run();
    return this.finish(images.length, t0);
  }

  /** Checks the call, writes the images and scalars; returns the start time. */
  private begin(images: readonly Uint8Array[], task: string | number, opts: { debugStop?: number }): bigint {
    if (this.closed) throw new Error('accelerator is closed');
    const m = this.design.manifest;
    if (this.weightsHash === undefined) throw new UserError('no weights loaded (call loadWeights first)');
    if (images.length < 1 || images.length > m.maxImages) throw new UserError(`a kernel call takes 1..${m.maxImages} images, got ${images.length}`);
    const { input } = this.io;
    const imageBytes = input.imageBytes;
    images.forEach((im, i) => {
      if (im.length !== imageBytes) throw new UserError(`image ${i}: ${im.length} bytes, the design takes ${imageBytes} (${m.input.shape.join('x')})`);
    });
    const t = this.taskIndex(task);
    if (opts.debugStop && m.onChip)
      throw new UserError(`debug stop ${opts.debugStop}: this design keeps its activations on chip (design.json onChip), so a debug stop leaves no output in DRAM; use \`edgemoe csim --trace\``);
    const t0 = process.hrtime.bigint();
    // Each image straight to its slot (no staging copy; a batch is at most maxImages writes).
    images.forEach((im, i) => this.backend.write(input.buffer, input.offset + i * input.stride, im));
    this.setRole('numImages', images.length);
    this.setRole('task', t);
    this.setRole('reload', this.reloadPending || this.backend.onChipStateLost?.() ? 1 : 0);
    this.setRole('debugStop', opts.debugStop ?? 0);
    return t0;
  }

  /** After a run: reads and decodes the outputs of `count` images. */
  private finish(count: number, t0: bigint): Inference {
    const { output } = this.io;
    this.reloadPending = false;
    const raw = this.outRaw.subarray(0, (count - 1) * output.stride + output.rows * output.rowStride);
    this.backend.read(output.buffer, output.offset, raw);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const outputs = Array.from({ length: count }, (_, i) => {
      const o = new Float32Array(output.rows * output.rowElems);
      for (let row = 0; row < output.rows; row++) decodeFixed(raw, i * output.stride + row * output.rowStride, output.rowElems, output.region, o, row * output.rowElems);
      return o;
    });
    return { outputs, ms };
  }

  /** Releases the backend (device handles are also closed at process exit). */
  close(): void {
    this.closed = true;
    this.backend.close();
  }
}
