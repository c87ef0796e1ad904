// The project's one XML reader (fast-xml-parser underneath): what it keeps, and what it refuses with a line number.
import assert from 'node:assert/strict';
import { isUserError } from '../../generator/errors.ts';
import { parseXml, parseXmlDocument, textAt, XmlSyntaxError } from '../../generator/report/xml.ts';

describe('XML reader', () => {
  it('parses attributes, entities, character references, CDATA, comments and self-closing tags', () => {
    const e = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2" y='&lt;'><b>t&#65;&#x42;</b><c/><d><![CDATA[<raw>]]></d></a>`);
    assert.equal(e.name, 'a');
    assert.deepEqual(e.attrs, { x: '1 & 2', y: '<' });
    assert.equal(textAt(e, 'b'), 'tAB');
    assert.deepEqual(e.children.map((c) => c.name), ['b', 'c', 'd']);
    assert.equal(textAt(e, 'd'), '<raw>');
  });

  it('keeps values as text ("5.00" stays "5.00") and children in document order', () => {
    const e = parseXml('<p><v>5.00</v><w>0x10</w><v>undef</v></p>');
    assert.deepEqual(e.children.map((c) => [c.name, c.text]), [['v', '5.00'], ['w', '0x10'], ['v', 'undef']]);
  });

  it('reads a namespaced project file (Vitis hls.app style) and a prefixed one (Vivado HLS)', () => {
    assert.equal(parseXml('<project xmlns="com.autoesl.autopilot.project" name="p" top="edgemoe_top"><solutions><solution name="s"/></solutions></project>').attrs.top, 'edgemoe_top');
    const v = parseXml('<AutoPilot:project xmlns:AutoPilot="x" top="myproject"><AutoPilot:files/></AutoPilot:project>');
    assert.equal(v.attrs.top, 'myproject');
    assert.equal(v.children[0]!.name, 'AutoPilot:files');
  });

  it('rejects malformed documents as a UserError naming the file and line', () => {
    const bad = (xml: string, re: RegExp) =>
      assert.throws(
        () => parseXml(xml, 'f.xml'),
        (e: Error) => isUserError(e) && re.test(e.message),
      );
    bad('<a>\n<b></a>', /^f\.xml:2: not well-formed XML \(.*closing tag 'a'/);
    bad('<a>', /^f\.xml:1: not well-formed XML \(<a> is never closed\)/);
    bad('<a x=1/>', /f\.xml:1: .*Attribute 'x'/);
    bad('<a/><b/>', /more than one root element|Multiple possible root nodes/);
    bad('<a x="1" x="2"/>', /Attribute 'x' is repeated/);
    bad('', /no root element|Start tag expected/);
  });

  it('parseXmlDocument throws XmlSyntaxError with line and column', () => {
    assert.throws(
      () => parseXmlDocument('<a>\n  <b>\n</a>'),
      (e: unknown) => e instanceof XmlSyntaxError && e.line === 3 && e.col > 0,
    );
  });
});
