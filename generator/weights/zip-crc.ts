// The CRC-32 each zip entry's central-directory record declares: fflate unzips without checking them, so a
// checkpoint with flipped bytes inside tensor data would otherwise import silently.
import { crc32 } from 'node:zlib';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;

/** Entry name → declared CRC-32, from the central directory (zip64 aware); throws a plain Error when malformed. */
export function declaredCrcs(zip: Uint8Array): Map<string, number> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let e = zip.length - 22;
  while (e >= 0 && v.getUint32(e, true) !== EOCD) e--;
  if (e < 0) throw new Error('no end-of-central-directory record');
  let count = v.getUint16(e + 10, true);
  let offset = v.getUint32(e + 16, true);
  if ((offset === 0xffffffff || count === 0xffff) && e >= 20 && v.getUint32(e - 20, true) === ZIP64_LOCATOR) {
    const z = Number(v.getBigUint64(e - 12, true));
    if (v.getUint32(z, true) !== ZIP64_EOCD) throw new Error('bad zip64 end-of-central-directory record');
    count = Number(v.getBigUint64(z + 32, true));
    offset = Number(v.getBigUint64(z + 48, true));
  }
  const out = new Map<string, number>();
  const dec = new TextDecoder();
  for (let i = 0, p = offset; i < count; i++) {
    if (p + 46 > zip.length || v.getUint32(p, true) !== CENTRAL) throw new Error(`central directory entry ${i} is malformed`);
    const nameLen = v.getUint16(p + 28, true);
    out.set(dec.decode(zip.subarray(p + 46, p + 46 + nameLen)), v.getUint32(p + 16, true));
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}

/** The first entry whose contents do not match its declared CRC-32, or undefined when all match. */
export function firstCrcMismatch(zip: Uint8Array, entries: Record<string, Uint8Array>): { name: string; declared: number; actual: number } | undefined {
  const crcs = declaredCrcs(zip);
  for (const [name, data] of Object.entries(entries)) {
    const declared = crcs.get(name);
    if (declared === undefined) continue;
    const actual = crc32(data) >>> 0;
    if (actual !== declared) return { name, declared, actual };
  }
  return undefined;
}
