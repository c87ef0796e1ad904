import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../../../generator/errors.ts';
import { HEADER, HEADER_OFFSET, SECTION, SECTION_TABLE_OFFSET, SectionKind } from '../../../host/xclbin/format.ts';
import { matchKernel } from '../../../host/xclbin/match.ts';
import { parseXclbin, readXclbinFile } from '../../../host/xclbin/reader.ts';
import { assembleAxlf, buildXclbin, specForDesign, specSections } from '../../../host/xclbin/writer.ts';
import { scratch } from '../../helpers/paths.ts';
import { toyManifest } from '../fixtures/toy-design.ts';

const spec = { kernel: 'vadd', args: [
  { name: 'a', kind: 'buffer' as const, bundle: 'gmem0' },
  { name: 'b', kind: 'buffer' as const, bundle: 'gmem1' },
  { name: 'n', kind: 'scalar' as const, type: 'int' },
  { name: 'scale', kind: 'scalar' as const, type: 'float' },
] };

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseXclbin(bytes, 'bad.xclbin'), (e: unknown) => {
    assert.ok(isUserError(e), `expected a UserError, got ${String(e)}`);
    assert.match((e as Error).message, /^bad\.xclbin: invalid xclbin: /);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

const setU64 = (b: Uint8Array, off: number, v: bigint) => new DataView(b.buffer, b.byteOffset).setBigUint64(off, v, true);

describe('host/xclbin reader + writer', () => {
  it('round-trips kernel, arguments, IP layout, memory and connectivity', () => {
    const bytes = buildXclbin(spec);
    const x = parseXclbin(bytes, 'vadd.xclbin');
    assert.equal(x.length, bytes.length);
    assert.equal(x.vbnv, 'edgemoe_noop');
    assert.equal(x.uuid.length, 32);
    assert.deepEqual(x.kernels.map((k) => k.name), ['vadd']);
    const args = x.kernels[0]!.args;
    assert.deepEqual(args.map((a) => [a.name, a.addressQualifier, a.id, a.type, a.size]), [
      ['a', 1, 0, 'void*', 8],
      ['b', 1, 1, 'void*', 8],
      ['n', 0, 2, 'int', 4],
      ['scale', 0, 3, 'float', 4],
    ]);
    assert.deepEqual(args.map((a) => a.offset), [0x10, 0x1c, 0x28, 0x30]);
    assert.deepEqual(args.map((a) => a.port), ['M_AXI_GMEM0', 'M_AXI_GMEM1', 'S_AXI_CONTROL', 'S_AXI_CONTROL']);
    assert.deepEqual(x.kernels[0]!.instances, ['vadd_1']);
    assert.deepEqual(x.ipLayout.map((i) => [i.type, i.name]), [[1, 'vadd:vadd_1']]);
    assert.deepEqual(x.memTopology.map((m) => [m.tag, m.used]), [['DDR[0]', true]]);
    assert.deepEqual(x.connectivity, [
      { argIndex: 0, ipIndex: 0, memIndex: 0 },
      { argIndex: 1, ipIndex: 0, memIndex: 0 },
    ]);
  });

  it('is deterministic and content-addressed (uuid changes with the kernel)', () => {
    assert.deepEqual(buildXclbin(spec), buildXclbin(spec));
    const other = parseXclbin(buildXclbin({ ...spec, kernel: 'vadd2' }), 'o').uuid;
    assert.notEqual(parseXclbin(buildXclbin(spec), 's').uuid, other);
  });

  it('reads a file and names a missing one', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'k.xclbin'), buildXclbin(spec));
    assert.equal(readXclbinFile(join(dir, 'k.xclbin')).kernels[0]!.name, 'vadd');
    assert.throws(() => readXclbinFile(join(dir, 'nope.xclbin')), /cannot read xclbin file .*nope\.xclbin: no such file/);
  });

  it('rejects an empty file, a short file and a bad magic', () => {
    rejects(new Uint8Array(0), /the file is empty/);
    const good = buildXclbin(spec);
    rejects(good.subarray(0, 108), /108 bytes, shorter than the 496-byte axlf header/);
    const bad = good.slice();
    bad[6] = 0x31; // 'xclbin1'
    rejects(bad, /bad magic 'xclbin1\\0'/);
    // A text file: its newline and other control bytes are escaped, never printed raw.
    const text = good.slice();
    text.set(new TextEncoder().encode("hi\n\t'\\\xff"), 0);
    rejects(text, /bad magic 'hi\\x0a\\x09\\x27\\x5c\\xc3\\xbf' \(expected/);
  });

  it('rejects garbage after a valid magic (length mismatch) and a truncated file', () => {
    const g = new Uint8Array(4096);
    for (let i = 0; i < g.length; i++) g[i] = (i * 7919 + 13) & 0xff;
    g.set(new TextEncoder().encode('xclbin2\0'), 0);
    rejects(g, /header length \d+ does not match the file size 4096/);
    const good = buildXclbin(spec);
    rejects(good.subarray(0, good.length - 8), /does not match the file size/);
  });

  it('rejects a section table or a section outside the file', () => {
    const good = buildXclbin(spec);
    const many = good.slice();
    new DataView(many.buffer).setUint32(HEADER_OFFSET + HEADER.numSections, 1000, true);
    rejects(many, /section table \(1000 sections, ends at 40456\) runs past the end of the file/);
    const out = good.slice();
    setU64(out, SECTION_TABLE_OFFSET + 40 + SECTION.offset, BigInt(good.length - 4));
    rejects(out, /section 1 \(kind 6, 'mem_topology'\) at offset \d+ with 48 bytes lies outside the file/);
    const huge = good.slice();
    setU64(huge, SECTION_TABLE_OFFSET + SECTION.size, 0xffffffffffffff00n);
    rejects(huge, /section 0 \(kind 2, 'metadata'\) .* lies outside the file/);
    const inHeader = good.slice();
    setU64(inHeader, SECTION_TABLE_OFFSET + SECTION.offset, 8n);
    rejects(inHeader, /starts at 8, inside the header or section table/);
  });

  it('rejects broken metadata and broken arrays', () => {
    const noMeta = assembleAxlf(specSections(spec).slice(1), { vbnv: 'v', uuid: new Uint8Array(16) });
    rejects(noMeta, /no EMBEDDED_METADATA section/);
    const withXml = (xml: string) =>
      assembleAxlf([{ kind: SectionKind.EMBEDDED_METADATA, name: 'm', data: new TextEncoder().encode(xml) }], { vbnv: 'v', uuid: new Uint8Array(16) });
    rejects(withXml('<project><platform>'), /not well-formed XML \(line 1, column \d+: <platform> is never closed\)/);
    rejects(withXml('<project><platform></device></project>'), /Expected closing tag 'platform' .* instead of closing tag 'device'/);
    rejects(withXml('<foo/>'), /root element is <foo>/);
    rejects(withXml('<project><platform/></project>'), /no project\/platform\/device element/);
    rejects(
      withXml('<project><platform><device><core><kernel name="k"><arg name="a" id="0" offset="0x10" size="0x8" hostSize="0x8"/></kernel></core></device></platform></project>'),
      /kernel k argument #0 'a' has no 'addressQualifier' attribute/,
    );
    rejects(
      withXml('<project><platform><device><core><kernel name="k"><arg name="a" addressQualifier="0" id="1" offset="0x10" size="4" hostSize="4"/></kernel></core></device></platform></project>'),
      /argument ids are not 0\.\.0/,
    );
    const sections = specSections(spec);
    sections[1] = { ...sections[1]!, data: sections[1]!.data.slice(0, 20) }; // MEM_TOPOLOGY claims 1 entry, has 20 bytes
    rejects(assembleAxlf(sections, { vbnv: 'v', uuid: new Uint8Array(16) }), /MEM_TOPOLOGY declares 1 entries \(48 bytes\) but the section has 20 bytes/);
  });
});

describe('host/xclbin matchKernel', () => {
  const m = toyManifest();
  const info = (s = specForDesign(m)) => parseXclbin(buildXclbin(s), 'k.xclbin');

  it('accepts the xclbin written for the design', () => {
    assert.equal(matchKernel(info(), m.kernel, 'k.xclbin').args.length, m.kernel.args.length);
  });

  it('names a wrong kernel', () => {
    assert.throws(() => matchKernel(info({ ...specForDesign(m), kernel: 'other' }), m.kernel, 'k.xclbin'), /k\.xclbin: the xclbin has no kernel 'toy_top' \(design\.json's kernel\); it has 'other'/);
  });

  it('lists every argument difference: name, order, pointer vs scalar, type, count', () => {
    const s = specForDesign(m);
    const args = [...s.args];
    [args[2], args[3]] = [args[3]!, args[2]!]; // swap num_images and task
    args[1] = { name: 'weights', kind: 'scalar', type: 'int' };
    args[4] = { name: 'reload', kind: 'scalar', type: 'float' };
    args.pop();
    let msg = '';
    try {
      matchKernel(info({ ...s, args }), m.kernel, 'k.xclbin');
    } catch (e) {
      msg = (e as Error).message;
    }
    assert.match(msg, /kernel 'toy_top' does not match design\.json:/);
    assert.match(msg, /argument 1 \(pointer vs scalar\): design\.json has 'weights' \(pointer, bundle weights\), the xclbin has 'weights' \(scalar int\)/);
    assert.match(msg, /argument 2 \(name\): design\.json has 'num_images' \(scalar int\), the xclbin has 'task' \(scalar int\)/);
    assert.match(msg, /argument 3 \(name\): design\.json has 'task'/);
    assert.match(msg, /argument 4 \(scalar type\): design\.json has 'reload' \(scalar int\), the xclbin has 'reload' \(scalar float\)/);
    assert.match(msg, /argument 5: design\.json has 'debug_stop' \(scalar int\), the xclbin has no argument 5/);
    assert.doesNotMatch(msg, /argument 0/);
  });
});
