// A small, strict XML reader for the xclbin's EMBEDDED_METADATA: elements and attributes only (text is ignored).

/** One XML element: tag name, attributes and child elements in document order. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

/** Thrown for malformed XML; the message gives the byte position. */
export class XmlError extends Error {}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /\s*/y;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, at: number): string {
  return s.replace(/&([^;\s&]*);/g, (_m, ent: string) => {
    if (ent in ENTITIES) return ENTITIES[ent]!;
    const num = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(ent);
    if (num) return String.fromCodePoint(Number.parseInt(num[1]!.startsWith('x') ? num[1]!.slice(1) : num[1]!, num[1]!.startsWith('x') ? 16 : 10));
    throw new XmlError(`unknown entity '&${ent};' near offset ${at}`);
  });
}

/** Parses an XML document and returns its root element; throws XmlError on anything malformed. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${i}`);
  };
  const skipSpace = () => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    i = NAME.lastIndex;
    return m![0];
  };
  // Skips declarations, comments and processing instructions; returns true if it skipped something.
  const skipMisc = (): boolean => {
    for (const [open, close] of [['<?', '?>'], ['<!--', '-->'], ['<![CDATA[', ']]>'], ['<!DOCTYPE', '>']] as const) {
      if (text.startsWith(open, i)) {
        const end = text.indexOf(close, i + open.length);
        if (end < 0) fail(`unterminated '${open}'`);
        i = end + close.length;
        return true;
      }
    }
    return false;
  };

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const chunk = text.slice(i, next < 0 ? text.length : next);
      if (stack.length === 0 && chunk.replace(/\0+$/, '').trim() !== '') fail('text outside the root element');
      i = next < 0 ? text.length : next;
      continue;
    }
    if (skipMisc()) continue;
    if (text.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') fail(`expected '>' after </${name}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`closing tag </${name}> does not match <${open?.name ?? '(none)'}>`);
      continue;
    }
    i++;
    const el: XmlElement = { name: readName(), attrs: {}, children: [] };
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', i) || text[i] === '>') break;
      if (i >= text.length) fail(`unterminated tag <${el.name}>`);
      const attr = readName();
      skipSpace();
      if (text[i] !== '=') fail(`expected '=' after attribute ${attr}`);
      i++;
      skipSpace();
      const q = text[i];
      if (q !== '"' && q !== "'") fail(`expected a quoted value for attribute ${attr}`);
      const end = text.indexOf(q!, i + 1);
      if (end < 0) fail(`unterminated value of attribute ${attr}`);
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      el.attrs[attr] = decodeEntities(text.slice(i + 1, end), i);
      i = end + 1;
    }
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else if (root) fail('more than one root element');
    else root = el;
    if (text[i] === '>') {
      stack.push(el);
      i++;
    } else i += 2;
  }
  if (stack.length) throw new XmlError(`unclosed element <${stack[stack.length - 1]!.name}> at end of document`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Child elements of `el` with the given tag name. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Escapes a string for use inside a double-quoted XML attribute. */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
