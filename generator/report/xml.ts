// The project's one XML reader (csynth.xml, hls.app, the xclbin's EMBEDDED_METADATA): fast-xml-parser checks the
// document is well-formed, then parses it in document order; we turn its output into a small element tree.
import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';
import { UserError } from '../errors.ts';

/** One element: its (possibly prefixed) name, attributes, child elements and concatenated text (CDATA included). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A document that is not well-formed XML; `line` / `col` locate the fault (1-based). */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`line ${line}, column ${col}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

const ATTRS = ':@';
const TEXT = '#text';

// fast-xml-parser's one-file CommonJS build, loaded at the first document: its ESM sources are ~25 modules that every
// command importing a report reader would load at start.
let fxp: { lib: typeof Fxp; parser: Fxp.XMLParser } | undefined;
function xmlParser(): { lib: typeof Fxp; parser: Fxp.XMLParser } {
  if (!fxp) {
    const lib = createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp;
    fxp = { lib, parser: new lib.XMLParser(PARSER_OPTIONS) };
  }
  return fxp;
}

// Values stay text (the reports' "5.00" and "undef" are ours to read); DOCTYPE entity declarations are not expanded.
const PARSER_OPTIONS: Fxp.X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: true, // also decodes numeric character references (&#65;)
};

type Node = Record<string, unknown>;

function toElement(name: string, node: Node): XmlElement {
  const el: XmlElement = { name, attrs: {}, children: [], text: '' };
  const attrs = node[ATTRS] as Record<string, unknown> | undefined;
  if (attrs) for (const [k, v] of Object.entries(attrs)) el.attrs[k] = String(v);
  for (const c of (node[name] as Node[] | undefined) ?? []) {
    if (TEXT in c) el.text += String(c[TEXT]);
    else {
      const tag = Object.keys(c).find((k) => k !== ATTRS);
      if (tag !== undefined && !tag.startsWith('?')) el.children.push(toElement(tag, c));
    }
  }
  return el;
}

// The validator names unclosed elements as a JSON list ("Invalid '["a","b"]' found."): say it in words.
function reason(msg: string): string {
  const unclosed = /^Unclosed tag '([^']+)'\.$/.exec(msg);
  if (unclosed) return `<${unclosed[1]}> is never closed`;
  const m = /^Invalid '(\[[^']*\])' found\.$/.exec(msg);
  if (!m) return msg;
  try {
    const open = JSON.parse(m[1]!) as string[];
    return `<${open[open.length - 1]}> is never closed`;
  } catch {
    return msg;
  }
}

/** Parses an XML document into its root element; a document that is not well-formed throws XmlSyntaxError. */
export function parseXmlDocument(text: string): XmlElement {
  const doc = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { lib, parser } = xmlParser();
  const valid = lib.XMLValidator.validate(doc);
  if (valid !== true) throw new XmlSyntaxError(reason(valid.err.msg), valid.err.line, valid.err.col);
  const roots = (parser.parse(doc) as Node[]).filter((n) => !(TEXT in n));
  const elems = roots.map((n) => [Object.keys(n).find((k) => k !== ATTRS), n] as const).filter(([k]) => k !== undefined && !k.startsWith('?'));
  if (elems.length !== 1) throw new XmlSyntaxError(elems.length ? 'more than one root element' : 'no root element', 1, 1);
  return toElement(elems[0]![0]!, elems[0]![1]);
}

/** parseXmlDocument for a user's file: malformed input is a UserError naming `source` and the line. */
export function parseXml(text: string, source = 'XML'): XmlElement {
  try {
    return parseXmlDocument(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new UserError(`${source}:${e.line}: not well-formed XML (${e.reason})`);
    throw e;
  }
}

/** The first child element named `name` (ignoring a namespace prefix), or undefined. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => localName(c.name) === name);
}

/** Every child element named `name` (ignoring a namespace prefix). */
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
