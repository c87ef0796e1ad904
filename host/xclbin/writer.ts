// Writes small xclbin (axlf) containers without Vitis: kernel metadata XML, IP_LAYOUT, MEM_TOPOLOGY and CONNECTIVITY.
// They carry no bitstream; XRT's noop emulation loads them, which is what the tests and the benchmark need.
import { createHash } from 'node:crypto';
import type { DesignManifest } from '../../generator/manifest.ts';
import {
  ADDRESS_QUALIFIER,
  ARRAY_START_ALIGNED,
  ARRAY_START_CONNECTIVITY,
  AXLF_MAGIC,
  CONNECTION_BYTES,
  HEADER,
  HEADER_OFFSET,
  IP_DATA_BYTES,
  IP_KERNEL,
  MEM_DATA_BYTES,
  MEM_DDR4,
  SECTION,
  SECTION_HEADER_BYTES,
  SECTION_TABLE_OFFSET,
  SectionKind,
} from './format.ts';
import { escapeAttr } from './xml.ts';

/** A kernel argument for the writer: a pointer on an m_axi bundle, or a scalar of a C type. */
export type SpecArg = { name: string; kind: 'buffer'; bundle: string } | { name: string; kind: 'scalar'; type: string };

export interface XclbinSpec {
  kernel: string;
  args: SpecArg[];
  /** Platform VBNV string (≤ 63 chars). */
  vbnv?: string;
  /** 16-byte UUID; default: derived from the content, so equal specs give byte-identical files. */
  uuid?: Uint8Array;
}

/** One raw section for assembleAxlf. */
export interface RawSection {
  kind: number;
  name: string;
  data: Uint8Array;
}

const align8 = (n: number) => (n + 7) & ~7;

function putCString(b: Uint8Array, off: number, max: number, s: string, what: string): void {
  const enc = new TextEncoder().encode(s);
  if (enc.length >= max) throw new Error(`${what} '${s}' is longer than ${max - 1} bytes`);
  b.set(enc, off);
}

/** Assembles an axlf file from sections (8-byte aligned after the table); header fields are fixed for determinism. */
export function assembleAxlf(sections: RawSection[], opts: { vbnv: string; uuid: Uint8Array }): Uint8Array {
  let at = align8(SECTION_TABLE_OFFSET + sections.length * SECTION_HEADER_BYTES);
  const placed = sections.map((s) => {
    const off = at;
    at = align8(at + s.data.length);
    return off;
  });
  const out = new Uint8Array(at);
  const v = new DataView(out.buffer);
  putCString(out, 0, 9, AXLF_MAGIC.slice(0, 7), 'magic');
  v.setInt32(8, -1, true); // unsigned
  out.fill(0xff, 12, 40); // reserved, as xclbinutil writes it
  out.fill(0xff, 40, 296); // key block
  const h = HEADER_OFFSET;
  v.setBigUint64(h + HEADER.length, BigInt(out.length), true);
  v.setUint16(h + HEADER.versionPatch, 0, true);
  v.setUint8(h + HEADER.versionMajor, 2);
  v.setUint8(h + HEADER.versionMinor, 13);
  v.setUint16(h + HEADER.mode, 0, true); // FLAT
  putCString(out, h + HEADER.platformVbnv, 64, opts.vbnv, 'vbnv');
  if (opts.uuid.length !== 16) throw new Error('uuid must be 16 bytes');
  out.set(opts.uuid, h + HEADER.uuid);
  v.setUint32(h + HEADER.numSections, sections.length, true);
  sections.forEach((s, k) => {
    const hdr = SECTION_TABLE_OFFSET + k * SECTION_HEADER_BYTES;
    v.setUint32(hdr + SECTION.kind, s.kind, true);
    putCString(out, hdr + SECTION.name, SECTION.nameBytes, s.name, 'section name');
    v.setBigUint64(hdr + SECTION.offset, BigInt(placed[k]!), true);
    v.setBigUint64(hdr + SECTION.size, BigInt(s.data.length), true);
    out.set(s.data, placed[k]!);
  });
  return out;
}

const portOf = (bundle: string) => `M_AXI_${bundle.toUpperCase()}`;

/** Register map like Vitis HLS: control at 0x00, args from 0x10, pointers 8 bytes on a 12-byte stride, scalars on 8. */
function argOffsets(args: SpecArg[]): number[] {
  let off = 0x10;
  return args.map((a) => {
    const here = off;
    off += a.kind === 'buffer' ? 12 : 8;
    return here;
  });
}

/** The EMBEDDED_METADATA XML for one kernel with one compute unit. */
export function kernelXml(spec: XclbinSpec): string {
  const k = escapeAttr(spec.kernel);
  const offs = argOffsets(spec.args);
  const end = offs.length ? offs[offs.length - 1]! + 12 : 0x10;
  const range = end <= 0x1000 ? 0x1000 : 0x10000;
  const bundles = [...new Set(spec.args.flatMap((a) => (a.kind === 'buffer' ? [a.bundle] : [])))];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<project name="${k}">`,
    `  <platform vendor="edgemoe" boardid="noop" name="${escapeAttr(spec.vbnv ?? 'edgemoe_noop')}" featureRomTime="0">`,
    '    <version major="1" minor="0"/>',
    '    <device name="fpga0" fpgaDevice="none" addrWidth="0">',
    '      <core name="OCL_REGION_0" target="hw" type="clc_region" clockFreq="0MHz" numComputeUnits="1">',
    `        <kernel name="${k}" language="c" vlnv="xilinx.com:hls:${k}:1.0" preferredWorkGroupSizeMultiple="0" workGroupSize="1" interrupt="true" hwControlProtocol="ap_ctrl_hs">`,
    `          <port name="S_AXI_CONTROL" mode="slave" range="0x${range.toString(16)}" dataWidth="32" portType="addressable" base="0x0"/>`,
    ...bundles.map((b) => `          <port name="${escapeAttr(portOf(b))}" mode="master" range="0xFFFFFFFFFFFFFFFF" dataWidth="256" portType="addressable" base="0x0"/>`),
    ...spec.args.map((a, id) => {
      const [aq, port, size, type] =
        a.kind === 'buffer' ? [ADDRESS_QUALIFIER.global, portOf(a.bundle), 8, 'void*'] : [ADDRESS_QUALIFIER.scalar, 'S_AXI_CONTROL', 4, a.type];
      return `          <arg name="${escapeAttr(a.name)}" addressQualifier="${aq}" id="${id}" port="${escapeAttr(port)}" size="0x${size.toString(16)}" offset="0x${offs[id]!.toString(16)}" hostOffset="0x0" hostSize="0x${size.toString(16)}" type="${escapeAttr(type)}"/>`;
    }),
    `          <instance name="${k}_1">`,
    `            <addrRemap base="0x0" range="0x${range.toString(16)}" port="S_AXI_CONTROL"/>`,
    '          </instance>',
    '        </kernel>',
    '      </core>',
    '    </device>',
    '  </platform>',
    '</project>',
    '',
  ];
  return lines.join('\n');
}

function ipLayout(kernel: string): Uint8Array {
  const b = new Uint8Array(ARRAY_START_ALIGNED + IP_DATA_BYTES);
  const v = new DataView(b.buffer);
  v.setInt32(0, 1, true);
  const o = ARRAY_START_ALIGNED;
  v.setUint32(o, IP_KERNEL, true);
  v.setUint32(o + 4, 1, true); // interrupt enabled, id 0, ap_ctrl_hs (bits 8-15 = 0)
  v.setBigUint64(o + 8, 0x1800000n, true);
  putCString(b, o + 16, 64, `${kernel}:${kernel}_1`, 'IP name');
  return b;
}

function memTopology(): Uint8Array {
  const b = new Uint8Array(ARRAY_START_ALIGNED + MEM_DATA_BYTES);
  const v = new DataView(b.buffer);
  v.setInt32(0, 1, true);
  const o = ARRAY_START_ALIGNED;
  v.setUint8(o, MEM_DDR4);
  v.setUint8(o + 1, 1);
  v.setBigUint64(o + 8, 4n * 1024n * 1024n, true); // 4 GiB, in KiB
  v.setBigUint64(o + 16, 0x4000000000n, true);
  putCString(b, o + 24, 16, 'DDR[0]', 'memory tag');
  return b;
}

function connectivity(args: SpecArg[]): Uint8Array {
  const ptrs = args.flatMap((a, i) => (a.kind === 'buffer' ? [i] : []));
  const b = new Uint8Array(ARRAY_START_CONNECTIVITY + Math.max(1, ptrs.length) * CONNECTION_BYTES);
  const v = new DataView(b.buffer);
  v.setInt32(0, ptrs.length, true);
  ptrs.forEach((argIndex, k) => {
    const o = ARRAY_START_CONNECTIVITY + k * CONNECTION_BYTES;
    v.setInt32(o, argIndex, true);
    v.setInt32(o + 4, 0, true);
    v.setInt32(o + 8, 0, true);
  });
  return b;
}

/** The sections of a one-kernel, one-bank xclbin for `spec`. */
export function specSections(spec: XclbinSpec): RawSection[] {
  return [
    { kind: SectionKind.EMBEDDED_METADATA, name: 'metadata', data: new TextEncoder().encode(kernelXml(spec)) },
    { kind: SectionKind.MEM_TOPOLOGY, name: 'mem_topology', data: memTopology() },
    { kind: SectionKind.IP_LAYOUT, name: 'ip_layout', data: ipLayout(spec.kernel) },
    { kind: SectionKind.CONNECTIVITY, name: 'connectivity', data: connectivity(spec.args) },
  ];
}

/** Builds a complete xclbin for `spec` (deterministic: same spec, same bytes). */
export function buildXclbin(spec: XclbinSpec): Uint8Array {
  const sections = specSections(spec);
  const uuid = spec.uuid ?? contentUuid(sections);
  return assembleAxlf(sections, { vbnv: spec.vbnv ?? 'edgemoe_noop', uuid });
}

function contentUuid(sections: RawSection[]): Uint8Array {
  const h = createHash('sha256');
  for (const s of sections) h.update(s.data);
  return new Uint8Array(h.digest().subarray(0, 16));
}

/** The writer spec matching a design's kernel (what v++ would produce for it, minus the bitstream). */
export function specForDesign(m: Pick<DesignManifest, 'kernel'>): XclbinSpec {
  return {
    kernel: m.kernel.name,
    args: m.kernel.args.map((a): SpecArg => (a.kind === 'buffer' ? { name: a.name, kind: 'buffer', bundle: a.bundle } : { name: a.name, kind: 'scalar', type: a.ctype })),
  };
}
