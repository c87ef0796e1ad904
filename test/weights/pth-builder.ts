// Test helper: writes small torch.save-style zip checkpoints (pickle protocol 2) without PyTorch.
import { zipSync } from 'fflate';

/** A storage reference as torch pickles it: ('storage', torch.<cls>, key, 'cpu', numel). */
export interface StorageSpec {
  cls: string;
  key: string;
  numel: number;
}

/** A `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` call. */
export interface TensorSpec {
  tensor: { storage: StorageSpec; offset: number; size: number[]; stride: number[] };
}

/** An OrderedDict built with REDUCE + SETITEMS, optionally followed by a BUILD setting `_metadata`. */
export interface OrderedDictSpec {
  ordered: Map<string, PyValue>;
  metadata?: boolean;
}

export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue> | TensorSpec | OrderedDictSpec;

class Pickler {
  private out: number[] = [];
  private byte(...b: number[]) {
    this.out.push(...b);
  }
  private u32(n: number) {
    this.byte(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  private global(mod: string, name: string) {
    this.byte(0x63, ...new TextEncoder().encode(`${mod}\n${name}\n`));
  }
  private str(s: string) {
    const b = new TextEncoder().encode(s);
    this.byte(0x58);
    this.u32(b.length);
    this.byte(...b);
  }
  private int(n: number) {
    if (n >= 0 && n < 256) this.byte(0x4b, n);
    else if (n >= -(2 ** 31) && n < 2 ** 31) {
      this.byte(0x4a);
      this.u32(n >>> 0);
    } else throw new Error('int too large for this test pickler');
  }
  value(v: PyValue): void {
    if (v === null) this.byte(0x4e);
    else if (typeof v === 'boolean') this.byte(v ? 0x88 : 0x89);
    else if (typeof v === 'string') this.str(v);
    else if (typeof v === 'number') this.int(v);
    else if (Array.isArray(v)) {
      this.byte(0x28);
      for (const x of v) this.value(x);
      this.byte(0x74);
    } else if (v instanceof Map) {
      this.byte(0x7d, 0x28);
      for (const [k, x] of v) {
        this.str(k);
        this.value(x);
      }
      this.byte(0x75);
    } else if ('tensor' in v) {
      const t = v.tensor;
      this.global('torch._utils', '_rebuild_tensor_v2');
      this.byte(0x28, 0x28);
      this.str('storage');
      this.global('torch', t.storage.cls);
      this.str(t.storage.key);
      this.str('cpu');
      this.int(t.storage.numel);
      this.byte(0x74, 0x51); // TUPLE, BINPERSID
      this.int(t.offset);
      this.value(t.size);
      this.value(t.stride);
      this.byte(0x89);
      this.global('collections', 'OrderedDict');
      this.byte(0x29, 0x52); // EMPTY_TUPLE, REDUCE
      this.byte(0x74, 0x52); // TUPLE, REDUCE
    } else {
      this.global('collections', 'OrderedDict');
      this.byte(0x29, 0x52, 0x28);
      for (const [k, x] of v.ordered) {
        this.str(k);
        this.value(x);
      }
      this.byte(0x75);
      if (v.metadata) {
        this.byte(0x7d);
        this.str('_metadata');
        this.global('collections', 'OrderedDict');
        this.byte(0x29, 0x52, 0x28);
        this.str('');
        this.byte(0x7d);
        this.str('version');
        this.int(1);
        this.byte(0x73, 0x75, 0x73, 0x62); // SETITEM (inner), SETITEMS, SETITEM (state), BUILD
      }
    }
  }
  /** The pickle bytes: PROTO 2, the value, STOP. */
  bytes(v: PyValue): Uint8Array {
    this.out = [0x80, 0x02];
    this.value(v);
    this.byte(0x2e);
    return Uint8Array.from(this.out);
  }
}

/** Pickle protocol 2 bytes of a value. */
export function pickle(v: PyValue): Uint8Array {
  return new Pickler().bytes(v);
}

/** A torch zip checkpoint: `<root>/data.pkl`, `<root>/data/<key>`, `<root>/version`, all stored. */
export function buildPth(root: string, obj: PyValue, storages: Record<string, Uint8Array>, opts: { pkl?: Uint8Array | null } = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  if (opts.pkl !== null) files[`${root}/data.pkl`] = opts.pkl ?? pickle(obj);
  for (const [k, b] of Object.entries(storages)) files[`${root}/data/${k}`] = b;
  files[`${root}/version`] = new TextEncoder().encode('3\n');
  return zipSync(files, { level: 0, mtime: new Date('2020-01-01T00:00:00Z') });
}

/** Raw little-endian bytes of a float32 array. */
export function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** A contiguous float32 tensor spec over a whole storage. */
export function f32Tensor(key: string, shape: number[]): TensorSpec {
  const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { tensor: { storage: { cls: 'FloatStorage', key, numel: shape.reduce((a, b) => a * b, 1) }, offset: 0, size: shape, stride } };
}
