// Validates an xclbin (axlf) entirely in JS and reads its kernels, arguments and memory connectivity.
// XRT 2.13 trusts the header and section table of whatever it is given (and crashes on bad ones), so nothing reaches
// XRT that has not passed through here.
import { readFileOrThrow } from '../../generator/io/files.ts';
import { UserError } from '../../generator/errors.ts';
import {
  ADDRESS_QUALIFIER,
  ARRAY_START_ALIGNED,
  ARRAY_START_CONNECTIVITY,
  AXLF_MAGIC,
  AXLF_MIN_BYTES,
  CONNECTION_BYTES,
  HEADER,
  HEADER_OFFSET,
  IP_DATA_BYTES,
  MAX_SECTIONS,
  MEM_DATA_BYTES,
  SECTION,
  SECTION_HEADER_BYTES,
  SECTION_TABLE_OFFSET,
  SectionKind,
} from './format.ts';
import { childrenNamed, parseXml, XmlError, type XmlElement } from './xml.ts';

export interface XclbinSection {
  kind: number;
  name: string;
  offset: number;
  size: number;
}

/** One kernel argument as declared in the EMBEDDED_METADATA XML. */
export interface XclbinArg {
  name: string;
  /** 0 scalar, 1 global (pointer), 4 stream. */
  addressQualifier: number;
  id: number;
  port: string;
  offset: number;
  size: number;
  hostSize: number;
  /** C type as written by v++, e.g. 'float*', 'int', 'unsigned int', 'float'. */
  type: string;
}

export interface XclbinKernel {
  name: string;
  /** Arguments sorted by id. */
  args: XclbinArg[];
  instances: string[];
}

export interface IpEntry {
  type: number;
  properties: number;
  baseAddress: bigint;
  name: string;
}

export interface MemBank {
  type: number;
  used: boolean;
  sizeKiB: bigint;
  baseAddress: bigint;
  tag: string;
}

export interface Connection {
  argIndex: number;
  ipIndex: number;
  memIndex: number;
}

/** Everything the host needs to know about an xclbin, read and checked without XRT. */
export interface XclbinInfo {
  length: number;
  uuid: string;
  vbnv: string;
  mode: number;
  sections: XclbinSection[];
  kernels: XclbinKernel[];
  ipLayout: IpEntry[];
  memTopology: MemBank[];
  connectivity: Connection[];
}

function cString(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return new TextDecoder('latin1').decode(end < 0 ? s : s.subarray(0, end));
}

/** Parses an XML number attribute the way XRT does (stoul with base 0: decimal, 0x hex or 0 octal). */
function xmlNumber(v: string, what: string, fail: (m: string) => never): number {
  const t = v.trim();
  if (t === '') return 0;
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = Number.parseInt(t.slice(2), 16);
  else if (/^0[0-7]*$/.test(t)) n = Number.parseInt(t, 8);
  else if (/^[1-9][0-9]*$/.test(t)) n = Number.parseInt(t, 10);
  else return fail(`${what} = '${v}' is not a number`);
  if (!Number.isSafeInteger(n)) return fail(`${what} = '${v}' is too large`);
  return n;
}

/** Bytes as one printable line: printable ASCII as is, NUL as \0, anything else (newline included) as \xNN. */
export function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0) s += '\\0';
    else if (c >= 0x20 && c < 0x7f && c !== 0x5c && c !== 0x27) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Reads and validates the xclbin at `path`; a missing file or any structural problem is a UserError. */
export function readXclbinFile(path: string): XclbinInfo {
  return parseXclbin(readFileOrThrow(path, 'xclbin'), path);
}

/** Validates xclbin bytes (header, section table, every section's bounds, metadata) and extracts what the host needs. */
export function parseXclbin(bytes: Uint8Array, name: string): XclbinInfo {
  const fail = (msg: string): never => {
    throw new UserError(`${name}: invalid xclbin: ${msg}`);
  };
  const len = bytes.length;
  if (len === 0) fail('the file is empty');
  if (len < AXLF_MIN_BYTES) fail(`the file has ${len} bytes, shorter than the ${AXLF_MIN_BYTES}-byte axlf header`);
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (magic !== AXLF_MAGIC) fail(`bad magic '${escapeBytes(bytes.subarray(0, 8))}' (expected 'xclbin2\\0'; xclbin1 files are not supported)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = HEADER_OFFSET;
  const declared = view.getBigUint64(h + HEADER.length, true);
  if (declared !== BigInt(len)) fail(`header length ${declared} does not match the file size ${len}`);
  const n = view.getUint32(h + HEADER.numSections, true);
  if (n === 0) fail('no sections');
  if (n > MAX_SECTIONS) fail(`${n} sections (more than XRT's limit of ${MAX_SECTIONS})`);
  const tableEnd = SECTION_TABLE_OFFSET + n * SECTION_HEADER_BYTES;
  if (tableEnd > len) fail(`the section table (${n} sections, ends at ${tableEnd}) runs past the end of the file (${len} bytes)`);

  const sections: XclbinSection[] = [];
  for (let s = 0; s < n; s++) {
    const at = SECTION_TABLE_OFFSET + s * SECTION_HEADER_BYTES;
    const kind = view.getUint32(at + SECTION.kind, true);
    const sname = cString(bytes, at + SECTION.name, SECTION.nameBytes);
    const off = view.getBigUint64(at + SECTION.offset, true);
    const size = view.getBigUint64(at + SECTION.size, true);
    const where = `section ${s} (kind ${kind}${sname ? `, '${sname}'` : ''})`;
    if (size > 0n && off < BigInt(tableEnd)) fail(`${where} starts at ${off}, inside the header or section table (which end at ${tableEnd})`);
    if (off + size > BigInt(len)) fail(`${where} at offset ${off} with ${size} bytes lies outside the file (${len} bytes)`);
    sections.push({ kind, name: sname, offset: Number(off), size: Number(size) });
  }

  const one = (kind: number, what: string): XclbinSection | undefined => {
    const all = sections.filter((s) => s.kind === kind);
    if (all.length > 1) fail(`${all.length} ${what} sections (expected at most one)`);
    return all[0];
  };
  const payload = (s: XclbinSection) => bytes.subarray(s.offset, s.offset + s.size);

  const meta = one(SectionKind.EMBEDDED_METADATA, 'EMBEDDED_METADATA');
  if (!meta) fail('no EMBEDDED_METADATA section (the kernel and argument list live there)');
  const kernels = parseKernels(payload(meta!), fail);

  const ipSec = one(SectionKind.IP_LAYOUT, 'IP_LAYOUT');
  const ipLayout = ipSec ? parseArray(payload(ipSec), 'IP_LAYOUT', ARRAY_START_ALIGNED, IP_DATA_BYTES, fail, (v, o, b) => ({
    type: v.getUint32(o, true),
    properties: v.getUint32(o + 4, true),
    baseAddress: v.getBigUint64(o + 8, true),
    name: cString(b, o + 16, 64),
  })) : [];
  const memSec = one(SectionKind.ASK_GROUP_TOPOLOGY, 'ASK_GROUP_TOPOLOGY') ?? one(SectionKind.MEM_TOPOLOGY, 'MEM_TOPOLOGY');
  const memTopology = memSec ? parseArray(payload(memSec), 'MEM_TOPOLOGY', ARRAY_START_ALIGNED, MEM_DATA_BYTES, fail, (v, o, b) => ({
    type: v.getUint8(o),
    used: v.getUint8(o + 1) !== 0,
    sizeKiB: v.getBigUint64(o + 8, true),
    baseAddress: v.getBigUint64(o + 16, true),
    tag: cString(b, o + 24, 16),
  })) : [];
  const conSec = one(SectionKind.ASK_GROUP_CONNECTIVITY, 'ASK_GROUP_CONNECTIVITY') ?? one(SectionKind.CONNECTIVITY, 'CONNECTIVITY');
  const connectivity = conSec ? parseArray(payload(conSec), 'CONNECTIVITY', ARRAY_START_CONNECTIVITY, CONNECTION_BYTES, fail, (v, o) => ({
    argIndex: v.getInt32(o, true),
    ipIndex: v.getInt32(o + 4, true),
    memIndex: v.getInt32(o + 8, true),
  })) : [];
  connectivity.forEach((c, k) => {
    if (c.argIndex < 0) fail(`CONNECTIVITY entry ${k} has argument index ${c.argIndex}`);
    if (c.ipIndex < 0 || c.ipIndex >= ipLayout.length) fail(`CONNECTIVITY entry ${k} names IP ${c.ipIndex}, but IP_LAYOUT has ${ipLayout.length}`);
    if (c.memIndex < 0 || c.memIndex >= memTopology.length) fail(`CONNECTIVITY entry ${k} names memory ${c.memIndex}, but MEM_TOPOLOGY has ${memTopology.length}`);
  });

  return {
    length: len,
    uuid: Buffer.from(bytes.subarray(h + HEADER.uuid, h + HEADER.uuid + 16)).toString('hex'),
    vbnv: cString(bytes, h + HEADER.platformVbnv, 64),
    mode: view.getUint16(h + HEADER.mode, true),
    sections,
    kernels,
    ipLayout,
    memTopology,
    connectivity,
  };
}

/** Reads `i32 count` then `count` fixed-size records starting at `start`, all inside the section. */
function parseArray<T>(
  b: Uint8Array,
  what: string,
  start: number,
  recBytes: number,
  fail: (m: string) => never,
  rec: (v: DataView, off: number, b: Uint8Array) => T,
): T[] {
  if (b.length < 4) fail(`${what} section has ${b.length} bytes, too short for its count`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = v.getInt32(0, true);
  if (count < 0) fail(`${what} count is ${count}`);
  const need = start + count * recBytes;
  if (count > 0 && need > b.length) fail(`${what} declares ${count} entries (${need} bytes) but the section has ${b.length} bytes`);
  const out: T[] = [];
  for (let k = 0; k < count; k++) out.push(rec(v, start + k * recBytes, b));
  return out;
}

/** The kernels of project/platform/device/core, with args checked for the attributes XRT requires. */
function parseKernels(xmlBytes: Uint8Array, fail: (m: string) => never): XclbinKernel[] {
  let root: XmlElement;
  try {
    root = parseXml(new TextDecoder('utf-8', { fatal: true }).decode(xmlBytes));
  } catch (e) {
    if (e instanceof XmlError || e instanceof TypeError) return fail(`EMBEDDED_METADATA is not well-formed XML (${(e as Error).message})`);
    throw e;
  }
  if (root.name !== 'project') fail(`EMBEDDED_METADATA root element is <${root.name}>, expected <project>`);
  const path = ['platform', 'device', 'core'];
  let el = root;
  for (const p of path) {
    const next = childrenNamed(el, p)[0];
    if (!next) fail(`EMBEDDED_METADATA has no project/${path.slice(0, path.indexOf(p) + 1).join('/')} element`);
    el = next!;
  }
  const kernels: XclbinKernel[] = [];
  for (const k of childrenNamed(el, 'kernel')) {
    const kname = k.attrs.name;
    if (!kname) fail('EMBEDDED_METADATA has a <kernel> without a name');
    const req = (a: XmlElement, attr: string, what: string): string => a.attrs[attr] ?? fail(`${what} has no '${attr}' attribute`);
    const args = childrenNamed(k, 'arg').map((a, ai) => {
      const what = `kernel ${kname} argument #${ai}${a.attrs.name ? ` '${a.attrs.name}'` : ''}`;
      const idText = req(a, 'id', what);
      return {
        name: req(a, 'name', what),
        addressQualifier: xmlNumber(req(a, 'addressQualifier', what), `${what} addressQualifier`, fail),
        id: idText.trim() === '' ? -1 : xmlNumber(idText, `${what} id`, fail),
        port: a.attrs.port ?? '',
        offset: xmlNumber(req(a, 'offset', what), `${what} offset`, fail),
        size: xmlNumber(req(a, 'size', what), `${what} size`, fail),
        hostSize: xmlNumber(req(a, 'hostSize', what), `${what} hostSize`, fail),
        type: a.attrs.type ?? '',
      };
    });
    // XRT sorts by id and requires ids 0..n-1 (it merges multi-component args with the same id; ours never have any).
    const indexed = args.filter((a) => a.id >= 0).sort((x, y) => x.id - y.id);
    indexed.forEach((a, pos) => {
      if (a.id !== pos) fail(`kernel ${kname} argument ids are not 0..${indexed.length - 1} (found id ${a.id} at position ${pos})`);
    });
    let range = 0x10000;
    for (const p of childrenNamed(k, 'port')) {
      if (p.attrs.mode === 'slave') range = xmlNumber(req(p, 'range', `kernel ${kname} port '${p.attrs.name ?? ''}'`), `kernel ${kname} slave port range`, fail);
    }
    for (const a of indexed) {
      if (a.offset + a.size > range) fail(`kernel ${kname} argument '${a.name}' register offset 0x${a.offset.toString(16)} + size ${a.size} exceeds the control range 0x${range.toString(16)}`);
      if (a.addressQualifier === ADDRESS_QUALIFIER.global && a.size !== 8) fail(`kernel ${kname} pointer argument '${a.name}' has size ${a.size} (expected 8)`);
    }
    kernels.push({ name: kname!, args: indexed, instances: childrenNamed(k, 'instance').map((x) => x.attrs.name ?? '') });
  }
  return kernels;
}
