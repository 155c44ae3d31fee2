// A small namespace-aware XML tree built from sax events: exactly what canonicalisation and the signature
// checks need (names, namespaces in scope, attributes, text, comments, PIs and source offsets), nothing more.
import sax from 'sax';
import { DxError } from '#contracts';

export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** Deeper nesting than any real package; keeps the recursive canonicaliser far from the stack limit. */
export const MAX_XML_DEPTH = 256;

export interface XmlAttribute {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  readonly value: string;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  /** Attributes other than namespace declarations, in document order. */
  readonly attributes: XmlAttribute[];
  /** Namespaces in scope (sax's map: inherited through the prototype chain; the same object as the parent's
   * when this element declares none). Includes `xml` and `xmlns`. */
  readonly inScope: Readonly<Record<string, string>>;
  readonly parent: XmlElement | null;
  readonly children: XmlNode[];
  /** Offset of `<` of the start tag in the parsed text. */
  readonly start: number;
  /** Offset of `<` of the end tag (= `end` for `<x/>`). */
  closeStart: number;
  /** Offset just after the element's last `>`. */
  end: number;
  readonly selfClosing: boolean;
}

export type XmlNode =
  | XmlElement
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'comment'; readonly value: string }
  | { readonly kind: 'pi'; readonly target: string; readonly body: string };

export interface XmlDocument {
  readonly kind: 'document';
  /** Top-level nodes in order: comments, PIs (the XML declaration dropped) and the root element. */
  readonly children: XmlNode[];
  readonly root: XmlElement;
  /** The text the offsets refer to (line ends normalised unless parsed with keepLineEnds). */
  readonly text: string;
}

const malformed = (message: string): DxError => new DxError('SIG_MALFORMED', message);

/** UTF-8 bytes (BOM kept, so offsets match the bytes' text) or a string, refused when not valid UTF-8. */
export function decodeXml(input: Buffer | string): string {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw malformed('the package is not valid UTF-8');
  }
}

export function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/i.test(text);
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(
    ENTITY,
    (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
      name ? NAMED[name] : String.fromCodePoint(parseInt(hex ?? dec ?? '0', hex ? 16 : 10)),
  );
}

/**
 * sax decodes character references before we see a value, so a literal tab or newline (which XML attribute
 * value normalisation turns into a space) and `&#9;` / `&#10;` (which stay) look the same. For the rare
 * value holding one of them, re-read the raw start tag.
 */
function rawAttributeValues(tag: string): Map<string, string> {
  const values = new Map<string, string>();
  const re = /([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(tag); m; m = re.exec(tag)) values.set(m[1], m[2] ?? m[3] ?? '');
  return values;
}

/**
 * Parse XML text into a tree. Line ends are normalised first (`\r\n`/`\r` → `\n`, as an XML processor does
 * before parsing) unless keepLineEnds (used only to find byte offsets in the original text). A DOCTYPE, a
 * parse error or nesting beyond MAX_XML_DEPTH throws DxError SIG_MALFORMED.
 */
export function parseXml(input: string, options: { keepLineEnds?: boolean } = {}): XmlDocument {
  const text = !options.keepLineEnds && input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  if (hasDoctype(text)) throw malformed('the package must not contain a <!DOCTYPE> declaration');

  // strictEntities: only XML's five named entities (sax would otherwise expand HTML ones like &nbsp;).
  const parser = sax.parser(true, { xmlns: true, strictEntities: true, position: true } as sax.SAXOptions);
  const top: XmlNode[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const append = (node: XmlNode): void => {
    if (stack.length) stack[stack.length - 1].children.push(node);
    else if (node.kind !== 'text') top.push(node);
  };

  parser.onerror = (e) => {
    throw malformed(`the package is not well-formed XML: ${e.message.split('\n')[0]}`);
  };
  parser.ondoctype = () => {
    throw malformed('the package must not contain a <!DOCTYPE> declaration');
  };
  parser.onopentag = (tag) => {
    const node = tag as sax.QualifiedTag;
    if (stack.length >= MAX_XML_DEPTH) throw malformed(`elements are nested deeper than ${MAX_XML_DEPTH}`);
    const start = parser.startTagPosition - 1;
    let raw: Map<string, string> | undefined;
    const attributes: XmlAttribute[] = [];
    for (const qname in node.attributes) {
      const a = node.attributes[qname];
      if (a.uri === XMLNS_NAMESPACE || qname === 'xmlns') continue;
      let value = a.value;
      if (value.includes('\n') || value.includes('\t')) {
        raw ??= rawAttributeValues(text.slice(start, parser.position));
        const r = raw.get(qname);
        if (r !== undefined) value = decodeEntities(r.replace(/[\t\n\r]/g, ' '));
      }
      attributes.push({ qname, prefix: a.prefix, local: a.local, uri: a.uri, value });
    }
    const element: XmlElement = {
      kind: 'element',
      qname: node.name,
      prefix: node.prefix,
      local: node.local,
      uri: node.uri,
      attributes,
      inScope: node.ns,
      parent: stack.length ? stack[stack.length - 1] : null,
      children: [],
      start,
      closeStart: -1,
      end: -1,
      selfClosing: node.isSelfClosing,
    };
    append(element);
    if (!stack.length) root = element;
    stack.push(element);
  };
  parser.onclosetag = () => {
    const element = stack.pop();
    if (!element) return;
    element.end = parser.position;
    element.closeStart = element.selfClosing ? parser.position : parser.startTagPosition - 1;
  };
  parser.ontext = (value) => append({ kind: 'text', value });
  parser.oncdata = (value) => append({ kind: 'text', value });
  parser.oncomment = (value) => append({ kind: 'comment', value });
  parser.onprocessinginstruction = (pi) => {
    // The XML declaration is not a processing instruction in the data model: canonical XML drops it.
    if (pi.name === 'xml' && !stack.length) return;
    append({ kind: 'pi', target: pi.name, body: pi.body });
  };

  parser.write(text).close();
  if (!root) throw malformed('the package has no root element');
  return { kind: 'document', children: top, root, text };
}

/** Element children (in order) of an element. */
export function elementChildren(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => c.kind === 'element');
}

/** Every element of the tree in document order (iterative: no recursion limit). */
export function* allElements(root: XmlElement): Generator<XmlElement> {
  const stack: XmlElement[] = [root];
  while (stack.length) {
    const e = stack.pop() as XmlElement;
    yield e;
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i];
      if (c.kind === 'element') stack.push(c);
    }
  }
}

/** Concatenated text content of an element (text and CDATA of all descendants). */
export function textContent(element: XmlElement): string {
  let s = '';
  for (const c of element.children) {
    if (c.kind === 'text') s += c.value;
    else if (c.kind === 'element') s += textContent(c);
  }
  return s;
}
