// A small, strict XML reader for the tool reports we parse (Vitis HLS csynth.xml, hls.app): elements, attributes,
// text, comments, CDATA, processing instructions and the predefined/numeric entities. No DTDs, no external entities.
import { UserError } from '../errors.ts';

/** One element: its (possibly prefixed) name, attributes, child elements and concatenated text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

function decodeEntities(s: string, where: () => string): string {
  return s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (m, e: string | undefined) => {
    if (e === undefined) throw new UserError(`${where()}: a bare '&' (expected an entity such as &amp;)`);
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    const v = named[e];
    if (v === undefined) throw new UserError(`${where()}: unknown entity &${e};`);
    return v;
  });
}

/** Parses an XML document into its root element; malformed input is a UserError naming `source` and the line. */
export function parseXml(text: string, source = 'XML'): XmlElement {
  let i = 0;
  const where = (at = i) => `${source}:${text.slice(0, at).split('\n').length}`;
  const fail = (msg: string, at = i): never => {
    throw new UserError(`${where(at)}: ${msg}`);
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const skipWs = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipUntil = (end: string, what: string) => {
    const j = text.indexOf(end, i);
    if (j < 0) fail(`unterminated ${what}`);
    const body = text.slice(i, j);
    i = j + end.length;
    return body;
  };

  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length) {
    if (text.startsWith('<?', i)) {
      i += 2;
      skipUntil('?>', 'processing instruction');
    } else if (text.startsWith('<!--', i)) {
      i += 4;
      skipUntil('-->', 'comment');
    } else if (text.startsWith('<![CDATA[', i)) {
      if (!stack.length) fail('CDATA outside the root element');
      i += 9;
      stack[stack.length - 1]!.text += skipUntil(']]>', 'CDATA section');
    } else if (text.startsWith('<!', i)) {
      fail('DTD declarations are not supported');
    } else if (text.startsWith('</', i)) {
      const at = i;
      i += 2;
      const name = readName();
      skipWs();
      if (text[i] !== '>') fail(`expected '>' to close </${name}`);
      i++;
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> without an open element`, at);
      if (open!.name !== name) fail(`closing tag </${name}> does not match <${open!.name}>`, at);
      if (!stack.length) root = open!;
    } else if (text[i] === '<') {
      const at = i;
      i++;
      if (root) fail('content after the root element', at);
      const el: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
      for (;;) {
        skipWs();
        if (text.startsWith('/>', i)) {
          i += 2;
          if (stack.length) stack[stack.length - 1]!.children.push(el);
          else root = el;
          break;
        }
        if (text[i] === '>') {
          i++;
          if (stack.length) stack[stack.length - 1]!.children.push(el);
          stack.push(el);
          break;
        }
        if (i >= text.length) fail(`unterminated tag <${el.name}`, at);
        const an = readName();
        skipWs();
        if (text[i] !== '=') fail(`attribute ${an} of <${el.name}> has no value`);
        i++;
        skipWs();
        const q = text[i];
        if (q !== '"' && q !== "'") fail(`attribute ${an} of <${el.name}>: expected a quoted value`);
        i++;
        const v = skipUntil(q!, `attribute ${an}`);
        if (an in el.attrs) fail(`duplicate attribute ${an} on <${el.name}>`);
        el.attrs[an] = decodeEntities(v, () => where());
      }
    } else {
      const j = text.indexOf('<', i);
      const chunk = text.slice(i, j < 0 ? text.length : j);
      if (!stack.length) {
        if (chunk.trim()) fail('text outside the root element');
      } else stack[stack.length - 1]!.text += decodeEntities(chunk, () => where());
      i = j < 0 ? text.length : j;
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) fail('no root element');
  return root!;
}

/** The first child element named `name` (ignoring a namespace prefix), or undefined. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => localName(c.name) === name);
}

/** Every child element named `name`. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => localName(c.name) === name) : [];
}

/** Trimmed text of the element at a child path, e.g. textAt(root, 'UserAssignments', 'Part'). */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let e = el;
  for (const p of path) e = child(e, p);
  return e?.text.trim();
}

/** A name without its namespace prefix. */
export function localName(name: string): string {
  const k = name.indexOf(':');
  return k < 0 ? name : name.slice(k + 1);
}
