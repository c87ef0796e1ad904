// The xclbin's EMBEDDED_METADATA through the project's one XML reader (generator/report/xml.ts, fast-xml-parser).
import { parseXmlDocument, XmlSyntaxError, type XmlElement } from '../../generator/report/xml.ts';

export type { XmlElement };

/** Thrown for malformed XML; the message gives the line and column. */
export class XmlError extends Error {}

/** Parses an XML document and returns its root element; throws XmlError on anything malformed. */
export function parseXml(text: string): XmlElement {
  try {
    // xclbinutil pads the section with NULs; they are not part of the document.
    return parseXmlDocument(text.replace(/\0+$/, ''));
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new XmlError(e.message);
    throw e;
  }
}

/** Child elements of `el` with the given tag name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Escapes a string for use inside a double-quoted XML attribute. */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
