// PyTorch .pth (torch.save zip format, PyTorch ≥ 1.6) without Python: fflate for the zip, pickleparser for data.pkl.
//
// Why pickleparser and not our own unpickler: its Parser takes a NameResolver (we map torch's rebuild functions and
// collections.OrderedDict to our own functions), a PersistentResolver (BINPERSID storage ids) and a Map dictionary
// mode; BUILD on a Map with a plain-dict state (OrderedDict._metadata) is ignored, which is what we want. It never
// executes code: unknown globals become inert placeholder objects, so optimizer state etc. parse harmlessly.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { firstCrcMismatch } from './zip-crc.ts';
import { NameRegistry, Parser } from 'pickleparser';
import { UserError } from '../errors.ts';
import { numel, shapeStr, type DType, type Tensor, type TensorData } from '../tensor.ts';
import { RAW_DECODERS, type RawDecoder } from './decode.ts';
import { fsErrorReason } from '../io/files.ts';

/** How one torch storage class is laid out and which in-memory dtype it becomes. */
interface StorageKind extends RawDecoder {
  name: string;
}

const STORAGE_KINDS: Record<string, StorageKind> = Object.fromEntries(
  (
    [
      ['FloatStorage', RAW_DECODERS.f32],
      ['DoubleStorage', RAW_DECODERS.f64],
      ['HalfStorage', RAW_DECODERS.f16],
      ['BFloat16Storage', RAW_DECODERS.bf16],
      ['LongStorage', RAW_DECODERS.i64],
      ['IntStorage', RAW_DECODERS.i32],
      ['ShortStorage', RAW_DECODERS.i16],
      ['CharStorage', RAW_DECODERS.i8],
      ['ByteStorage', RAW_DECODERS.u8],
      ['BoolStorage', RAW_DECODERS.bool],
    ] as Array<[string, RawDecoder]>
  ).map(([name, d]) => [name, { name, ...d }]),
);

/** A torch storage class as resolved by GLOBAL 'torch XStorage'. */
class StorageClass {
  constructor(readonly name: string) {}
}

/** A BINPERSID storage reference: ('storage', cls, key, location, numel). */
class StorageRef {
  constructor(
    readonly cls: StorageClass,
    readonly key: string,
  ) {}
}

/** A tensor as data.pkl describes it; its values are read from the archive only when materialised. */
export class PthTensor {
  constructor(
    private readonly archive: PthArchive,
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}

  /** The values in C order (offsets and strides honoured); `name` is used in error messages. */
  materialize(name: string): Tensor {
    return this.archive.materialize(this, name);
  }
}

/** Name resolution for data.pkl: registered functions, plain values (storage classes), else inert placeholders. */
class TorchNames extends NameRegistry {
  readonly values = new Map<string, unknown>();
  override resolve(module: string, name: string) {
    const v = this.values.get(`${module}.${name}`);
    // GLOBAL pushes whatever we return; the storage classes only need to be recognisable objects.
    return v !== undefined ? (v as () => unknown) : super.resolve(module, name);
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const toNumber = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);

/** An opened .pth archive: the unpickled object tree (tensors as PthTensor) plus lazy storage access. */
export class PthArchive {
  readonly root: string;
  readonly object: unknown;
  private readonly entries: Record<string, Uint8Array>;
  private readonly decoded = new Map<string, { dtype: DType; data: TensorData }>();

  constructor(
    readonly path: string,
    bytes: Uint8Array,
  ) {
    const bad = (why: string) => new UserError(`${path}: not a readable PyTorch checkpoint: ${why}`);
    if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
      const legacy = bytes.length > 2 && bytes[0] === 0x80 ? ' (it looks like the legacy pre-1.6 torch.save format; re-save it with a current PyTorch)' : '';
      throw bad(`not a zip archive${legacy}`);
    }
    try {
      this.entries = unzipSync(bytes);
    } catch (e) {
      throw bad(`corrupt zip archive (${(e as Error).message})`);
    }
    let crc;
    try {
      crc = firstCrcMismatch(bytes, this.entries);
    } catch (e) {
      throw bad(`corrupt zip archive (${(e as Error).message})`);
    }
    if (crc) throw bad(`corrupt zip archive: entry ${crc.name} fails its CRC-32 check (${crc.actual.toString(16).padStart(8, '0')}, the archive says ${crc.declared.toString(16).padStart(8, '0')}); the file was damaged after it was saved`);
    // The root folder is the file stem at save time (not necessarily today's file name): find it via data.pkl.
    const pkls = Object.keys(this.entries).filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkls.length === 0) throw bad('the zip has no <root>/data.pkl entry');
    const stem = basename(path).replace(/\..*$/, '');
    const pkl = pkls.length === 1 ? pkls[0]! : pkls.find((n) => n === `${stem}/data.pkl`);
    if (!pkl) throw bad(`the zip has several data.pkl entries (${pkls.join(', ')})`);
    this.root = pkl.slice(0, -'/data.pkl'.length);
    this.object = this.unpickle(this.entries[pkl]!, bad);
  }

  private unpickle(pkl: Uint8Array, bad: (why: string) => UserError): unknown {
    const names = new TorchNames();
    names.register('collections', 'OrderedDict', () => new Map());
    for (const kind of [...Object.keys(STORAGE_KINDS), 'ComplexFloatStorage', 'ComplexDoubleStorage', 'QInt8Storage', 'QUInt8Storage', 'QInt32Storage']) {
      names.values.set(`torch.${kind}`, new StorageClass(kind));
    }
    names.register('torch._utils', '_rebuild_tensor_v2', (storage: unknown, offset: unknown, size: unknown, stride: unknown) => this.rebuild(storage, offset, size, stride, bad));
    names.register('torch._utils', '_rebuild_tensor', (storage: unknown, offset: unknown, size: unknown, stride: unknown) => this.rebuild(storage, offset, size, stride, bad));
    names.register('torch._utils', '_rebuild_parameter', (data: unknown) => data);
    names.register('torch._utils', '_rebuild_parameter_with_state', (data: unknown) => data);
    names.register('torch._tensor', '_rebuild_from_type_v2', (func: unknown, _type: unknown, args: unknown) =>
      typeof func === 'function' && Array.isArray(args) ? (func as (...a: unknown[]) => unknown)(...args) : undefined,
    );
    const parser = new Parser({
      nameResolver: names,
      unpicklingTypeOfDictionary: 'Map',
      persistentResolver: {
        resolve: (pid: unknown) => {
          if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageClass) || (typeof pid[2] !== 'string' && typeof pid[2] !== 'number')) {
            throw bad(`data.pkl has an unsupported persistent id ${JSON.stringify(pid, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
          }
          return new StorageRef(pid[1], String(pid[2]));
        },
      },
    });
    try {
      return parser.parse(pkl);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw bad(`data.pkl could not be unpickled (${(e as Error).message})`);
    }
  }

  private rebuild(storage: unknown, offset: unknown, size: unknown, stride: unknown, bad: (why: string) => UserError): PthTensor {
    const off = toNumber(offset);
    const shape = Array.isArray(size) ? size.map(toNumber) : [];
    const strides = Array.isArray(stride) ? stride.map(toNumber) : [];
    if (!(storage instanceof StorageRef) || !isCount(off) || !Array.isArray(size) || !shape.every(isCount) || !Array.isArray(stride) || strides.length !== shape.length || !strides.every(isCount)) {
      throw bad('data.pkl has a malformed _rebuild_tensor_v2 call');
    }
    return new PthTensor(this, storage, off, shape as number[], strides as number[]);
  }

  private storageData(ref: StorageRef, name: string): { dtype: DType; data: TensorData } {
    const kind = STORAGE_KINDS[ref.cls.name];
    if (!kind) throw new UserError(`${this.path}: tensor '${name}' uses unsupported storage type torch.${ref.cls.name}`);
    const cached = this.decoded.get(ref.key);
    if (cached) return cached;
    const entry = `${this.root}/data/${ref.key}`;
    const raw = this.entries[entry];
    if (!raw) throw new UserError(`${this.path}: tensor '${name}': storage entry ${entry} is missing from the zip`);
    if (raw.length % kind.bytes !== 0) throw new UserError(`${this.path}: tensor '${name}': storage ${entry} has ${raw.length} bytes, not a multiple of ${kind.bytes} (${kind.name})`);
    const d = kind.decode(raw);
    this.decoded.set(ref.key, d);
    return d;
  }

  /** Reads a tensor's values out of its storage in C order. */
  materialize(t: PthTensor, name: string): Tensor {
    const { dtype, data } = this.storageData(t.storage, name);
    const n = numel(t.shape);
    const shape = [...t.shape];
    if (n === 0) return { dtype, shape, data: data.slice(0, 0) };
    let last = t.offset;
    for (let i = 0; i < shape.length; i++) last += (shape[i]! - 1) * t.stride[i]!;
    if (last >= data.length) {
      throw new UserError(
        `${this.path}: tensor '${name}' ${shapeStr(shape)} (offset ${t.offset}, stride ${shapeStr(t.stride)}) needs ${last + 1} elements, but storage ${this.root}/data/${t.storage.key} holds only ${data.length}`,
      );
    }
    // C-contiguous: one slice; otherwise walk the index space in C order.
    let contiguous = true;
    for (let i = shape.length - 1, s = 1; i >= 0; i--) {
      if (shape[i]! !== 1 && t.stride[i] !== s) contiguous = false;
      s *= shape[i]!;
    }
    if (contiguous) return { dtype, shape, data: data.slice(t.offset, t.offset + n) };
    const out = data.slice(0, n);
    const idx = new Array<number>(shape.length).fill(0);
    let src = t.offset;
    for (let k = 0; k < n; k++) {
      (out as unknown as { [i: number]: number | bigint })[k] = (data as unknown as { [i: number]: number | bigint })[src]!;
      for (let d = shape.length - 1; d >= 0; d--) {
        idx[d]!++;
        src += t.stride[d]!;
        if (idx[d]! < shape[d]!) break;
        src -= idx[d]! * t.stride[d]!;
        idx[d] = 0;
      }
    }
    return { dtype, shape, data: out };
  }
}

/** Opens a .pth file: unzips it and unpickles data.pkl (tensor values are read lazily). */
export function openPth(path: string): PthArchive {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${fsErrorReason(e)}`);
  }
  return new PthArchive(path, bytes);
}
