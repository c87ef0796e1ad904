// NumPy .npz archives: read (stored or deflated members) and write (stored, fixed timestamps, deterministic), in
// memory or streamed to a file one member at a time (NpzWriter: traces of several GiB in bounded memory).
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { UserError } from '../errors.ts';
import type { Tensor, TensorMap } from '../tensor.ts';
import { fsErrorReason, readFileOrThrow, writeFileAtomic } from './files.ts';
import { encodeNpy, npyBody, npyHeader, parseNpy } from './npy.ts';

/** Decodes .npz bytes into tensors keyed by member name without `.npy`, in archive order. */
export function parseNpz(bytes: Uint8Array, name: string): TensorMap {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new UserError(`${name}: not an .npz file (no zip signature)`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new UserError(`${name}: corrupt or truncated .npz archive (${(e as Error).message})`);
  }
  const out: TensorMap = new Map();
  for (const [member, data] of Object.entries(files)) {
    if (member.endsWith('/')) continue;
    const key = member.endsWith('.npy') ? member.slice(0, -4) : member;
    out.set(key, parseNpy(data, `${name}:${member}`));
  }
  return out;
}

/** Reads an .npz file. */
export function readNpz(path: string): TensorMap {
  return parseNpz(readFileOrThrow(path, '.npz'), path);
}

// 1980-01-01 00:00 in local time: the DOS epoch numpy's zipfile uses; local because fflate encodes local fields.
// With os 3 (Unix) and mode 0644 the archive matches numpy.savez byte for byte.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Encodes tensors as .npz bytes: members `<key>.npy`, stored, in map order, with a fixed timestamp. */
export function encodeNpz(tensors: TensorMap): Uint8Array {
  const z: Zippable = {};
  for (const [key, t] of tensors) z[`${key}.npy`] = [encodeNpy(t), { level: 0, mtime: FIXED_MTIME, os: 3, attrs: 0o644 << 16 }];
  return zipSync(z, { level: 0, mtime: FIXED_MTIME });
}

/** Writes tensors as an .npz file (atomically). */
export function writeNpz(path: string, tensors: TensorMap): void {
  writeFileAtomic(path, encodeNpz(tensors));
}

/** MS-DOS time (low 16 bits) and date (high 16) of FIXED_MTIME, as fflate encodes it. */
const DOS_TIME = ((FIXED_MTIME.getFullYear() - 1980) << 25) | ((FIXED_MTIME.getMonth() + 1) << 21) | (FIXED_MTIME.getDate() << 16);
const U32_MAX = 0xffffffff;

interface Entry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/**
 * Writes an .npz file member by member: each tensor goes to disk as it is added and is not kept, so memory stays at one
 * tensor whatever the archive's size. The bytes equal encodeNpz's for the same tensors; past 4 GiB the offsets move
 * into ZIP64 fields (numpy reads them). The file appears (by rename) only on close(); abort() or a failure leaves nothing.
 */
export class NpzWriter {
  private fd: number | undefined;
  private readonly tmp: string;
  private pos = 0;
  private readonly entries: Entry[] = [];
  private readonly keys = new Set<string>();

  /** `zip64At`: offsets from this byte on are written as ZIP64 (default: where 32 bits end; lower only for tests). */
  constructor(
    readonly path: string,
    private readonly zip64At = U32_MAX,
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = this.io(() => openSync(this.tmp, 'w'));
  }

  /** Tensors written so far. */
  get count(): number {
    return this.entries.length;
  }

  /** Appends member `<key>.npy`. */
  add(key: string, t: Tensor): void {
    if (this.fd === undefined) throw new Error(`NpzWriter ${this.path}: add after close or abort`);
    if (this.keys.has(key)) throw new Error(`NpzWriter ${this.path}: duplicate key ${key}`);
    const header = npyHeader(t);
    const body = npyBody(t);
    const size = header.length + body.length;
    if (size >= U32_MAX) throw new UserError(`cannot write ${this.path}: tensor ${key} is ${size} bytes, over the 4 GiB a stored member can hold`);
    const name = new TextEncoder().encode(`${key}.npy`);
    const entry = { name, crc: crc32(body, crc32(header)), size, offset: this.pos };
    const local = new Uint8Array(30 + name.length);
    const v = new DataView(local.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint32(10, DOS_TIME, true);
    v.setUint32(14, entry.crc, true);
    v.setUint32(18, size, true);
    v.setUint32(22, size, true);
    v.setUint16(26, name.length, true);
    local.set(name, 30);
    this.write(local);
    this.write(header);
    this.write(body);
    this.entries.push(entry);
    this.keys.add(key);
  }

  /** Writes the central directory and renames the file into place. */
  close(): void {
    if (this.fd === undefined) throw new Error(`NpzWriter ${this.path}: closed twice`);
    const cdStart = this.pos;
    for (const e of this.entries) {
      const z64 = e.offset >= this.zip64At;
      const cen = new Uint8Array(46 + e.name.length + (z64 ? 12 : 0));
      const v = new DataView(cen.buffer);
      v.setUint32(0, 0x02014b50, true);
      cen[4] = z64 ? 45 : 20;
      cen[5] = 3; // made on Unix: the external attributes are a mode
      v.setUint16(6, z64 ? 45 : 20, true);
      v.setUint32(12, DOS_TIME, true);
      v.setUint32(16, e.crc, true);
      v.setUint32(20, e.size, true);
      v.setUint32(24, e.size, true);
      v.setUint16(28, e.name.length, true);
      v.setUint16(30, z64 ? 12 : 0, true);
      v.setUint32(38, (0o644 << 16) >>> 0, true);
      v.setUint32(42, z64 ? U32_MAX : e.offset, true);
      cen.set(e.name, 46);
      if (z64) {
        v.setUint16(46 + e.name.length, 1, true);
        v.setUint16(48 + e.name.length, 8, true);
        v.setBigUint64(50 + e.name.length, BigInt(e.offset), true);
      }
      this.write(cen);
    }
    const cdSize = this.pos - cdStart;
    const n = this.entries.length;
    const z64 = cdStart >= this.zip64At || n >= 0xffff;
    if (z64) {
      const rec = new Uint8Array(56 + 20);
      const v = new DataView(rec.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      rec[12] = 45;
      rec[13] = 3;
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(n), true);
      v.setBigUint64(32, BigInt(n), true);
      v.setBigUint64(40, BigInt(cdSize), true);
      v.setBigUint64(48, BigInt(cdStart), true);
      // Locator: where the ZIP64 end record starts.
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(64, BigInt(this.pos), true);
      v.setUint32(72, 1, true);
      this.write(rec);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(n, 0xffff), true);
    v.setUint16(10, Math.min(n, 0xffff), true);
    v.setUint32(12, cdSize, true);
    v.setUint32(16, z64 ? U32_MAX : cdStart, true);
    this.write(end);
    const fd = this.fd;
    this.fd = undefined;
    this.io(() => {
      closeSync(fd);
      renameSync(this.tmp, this.path);
    });
  }

  /** Drops the partial file (safe to call at any time, also after a failure). */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable; the file is removed below
      }
      this.fd = undefined;
    }
    rmSync(this.tmp, { force: true });
  }

  private write(b: Uint8Array): void {
    const fd = this.fd!;
    this.io(() => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    });
    this.pos += b.length;
  }

  /** Runs a file-system call; a failure removes the partial file and becomes a UserError naming the archive. */
  private io<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      this.abort();
      throw new UserError(`cannot write ${this.path}: ${fsErrorReason(e)}`);
    }
  }
}

/** Writes tensors as an .npz file, streamed member by member (the same bytes as encodeNpz). */
export function streamNpz(path: string, tensors: Iterable<[string, Tensor]>): void {
  const w = new NpzWriter(path);
  try {
    for (const [k, t] of tensors) w.add(k, t);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}
