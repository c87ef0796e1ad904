// host/xclbin/xml.ts: the EMBEDDED_METADATA as xclbinutil writes it (NUL padding, entities) through the project's
// XML reader, and malformed metadata as XmlError.
import assert from 'node:assert/strict';
import { childrenNamed, escapeAttr, parseXml, XmlError } from '../../../host/xclbin/xml.ts';

describe('host/xclbin XML', () => {
  it('reads kernels and args, decoding entities, ignoring the NUL padding after the document', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<project name="p"><platform><device><core>` +
      `<kernel name="edgemoe_top" language="c"><arg name="a" type="ap_int&lt;8&gt;*" id="0"/><arg name="b" type="int" id="1"/></kernel>` +
      `</core></device></platform></project>\n\0\0\0\0`;
    const root = parseXml(xml);
    const core = childrenNamed(childrenNamed(childrenNamed(root, 'platform')[0]!, 'device')[0]!, 'core')[0]!;
    const k = childrenNamed(core, 'kernel')[0]!;
    assert.equal(k.attrs.name, 'edgemoe_top');
    assert.deepEqual(childrenNamed(k, 'arg').map((a) => [a.attrs.name, a.attrs.type]), [
      ['a', 'ap_int<8>*'],
      ['b', 'int'],
    ]);
  });

  it('escapeAttr round-trips through the reader', () => {
    const v = `a<b>&"c"`;
    assert.equal(parseXml(`<x v="${escapeAttr(v)}"/>`).attrs.v, v);
  });

  it('malformed metadata is an XmlError with line and column', () => {
    assert.throws(() => parseXml('<project>\n<platform></project>'), (e: unknown) => e instanceof XmlError && /^line 2, column \d+: /.test(e.message));
    assert.throws(() => parseXml('<a/>\0<b/>'), XmlError);
    assert.throws(() => parseXml('\0\0'), XmlError);
  });
});
