// A small namespace-aware XML tree built by a strict hand-written parser: exactly what canonicalisation and the signature
// checks need (names, namespaces in scope, attributes, text, comments, PIs and source offsets), nothing more.
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
  /** Namespaces in scope (inherited through the prototype chain; the same object as the parent's when this
   * element declares none). Includes `xml` and `xmlns`. */
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
    return UTF8.decode(input);
  } catch {
    throw malformed('the package is not valid UTF-8');
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/i.test(text);
}

/** Characters XML 1.0 does not allow anywhere (controls, U+FFFE/FFFF, unpaired surrogates). The first,
 * single character class scans fast; the exact surrogate check runs only when it finds something. */
const SUSPECT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/; // eslint-disable-line no-control-regex
const NOT_XML_CHAR =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/; // eslint-disable-line no-control-regex
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** The namespaces every document has; never written to (declarations go into objects inheriting from it). */
const ROOT_NS: Readonly<Record<string, string>> = { xml: XML_NAMESPACE, xmlns: XMLNS_NAMESPACE };

const isNameStart = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  c === 95 ||
  c === 58 ||
  (c >= 0xc0 && c !== 0xd7 && c !== 0xf7);
const isNameChar = (c: number): boolean =>
  isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

interface RawAttribute {
  readonly qname: string;
  readonly value: string;
}

/**
 * A strict, non-validating XML 1.0 parser written for this job (sax was most of the verification time): it
 * checks well-formedness (names, quoting, matching tags, one root, references, `--` in comments, `]]>` in
 * text, legal characters), resolves namespaces (an unbound prefix is an error) and knows only XML's five
 * named entities and character references. A DOCTYPE is refused before parsing.
 */
class Parser {
  private i = 0;
  private readonly stack: XmlElement[] = [];
  readonly top: XmlNode[] = [];
  root: XmlElement | undefined;

  constructor(private readonly s: string) {}

  private fail(what: string): never {
    throw malformed(`the package is not well-formed XML: ${what} at offset ${this.i}`);
  }

  parse(): void {
    const s = this.s;
    const n = s.length;
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    if (s.startsWith('<?xml', this.i) && isSpaceOrEnd(s.charCodeAt(this.i + 5))) {
      const end = s.indexOf('?>', this.i);
      if (end < 0) this.fail('unterminated XML declaration');
      this.i = end + 2;
    }
    while (this.i < n) {
      const lt = s.indexOf('<', this.i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > this.i) {
        if (this.stack.length) this.text(this.i, textEnd);
        else {
          for (let k = this.i; k < textEnd; k++)
            if (!isSpace(s.charCodeAt(k))) this.fail('text outside the root element');
        }
        this.i = textEnd;
        if (lt < 0) break;
      }
      const c = s.charCodeAt(lt + 1);
      if (c === 47 /* / */) this.endTag();
      else if (c === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) this.comment();
        else if (s.startsWith('<![CDATA[', lt)) {
          if (!this.stack.length) this.fail('CDATA outside the root element');
          const end = s.indexOf(']]>', lt + 9);
          if (end < 0) this.fail('unterminated CDATA section');
          this.append({ kind: 'text', value: s.slice(lt + 9, end) });
          this.i = end + 3;
        } else this.fail('unexpected <!');
      } else if (c === 63 /* ? */) this.pi();
      else this.startTag();
    }
    if (this.stack.length) this.fail(`<${this.stack[this.stack.length - 1].qname}> is not closed`);
    if (!this.root) throw malformed('the package has no root element');
  }

  private append(node: XmlNode): void {
    const stack = this.stack;
    if (stack.length) stack[stack.length - 1].children.push(node);
    else this.top.push(node);
  }

  private text(from: number, to: number): void {
    const s = this.s;
    let raw = s.slice(from, to);
    if (raw.includes(']]>')) this.fail('"]]>" in text');
    if (raw.includes('&')) raw = this.references(raw, from);
    this.append({ kind: 'text', value: raw });
  }

  /** Decode entity and character references of a text or attribute value (raw starts at offset `at`). */
  private references(raw: string, at: number): string {
    let out = '';
    let last = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', last)) {
      const semi = raw.indexOf(';', amp);
      if (semi < 0) {
        this.i = at + amp;
        this.fail('"&" that starts no reference');
      }
      const ref = raw.slice(amp + 1, semi);
      let value: string | undefined;
      if (ref.charCodeAt(0) === 35 /* # */) {
        const hex = ref.charCodeAt(1) === 120; /* x */
        const digits = ref.slice(hex ? 2 : 1);
        if ((hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) {
          const cp = parseInt(digits, hex ? 16 : 10);
          if (cp <= 0x10ffff) {
            const ch = String.fromCodePoint(cp);
            if (!NOT_XML_CHAR.test(ch) && !(cp >= 0xd800 && cp <= 0xdfff)) value = ch;
          }
        }
      } else value = NAMED[ref];
      if (value === undefined) {
        this.i = at + amp;
        this.fail(`unknown or invalid reference &${ref.slice(0, 20)};`);
      }
      out += raw.slice(last, amp) + value;
      last = semi + 1;
    }
    return out + raw.slice(last);
  }

  private name(): string {
    const s = this.s;
    const from = this.i;
    if (!isNameStart(s.charCodeAt(from))) this.fail('a name was expected');
    let k = from + 1;
    while (isNameChar(s.charCodeAt(k))) k++;
    this.i = k;
    return s.slice(from, k);
  }

  private skipSpace(): boolean {
    const from = this.i;
    while (isSpace(this.s.charCodeAt(this.i))) this.i++;
    return this.i > from;
  }

  private comment(): void {
    const s = this.s;
    const from = this.i + 4;
    const dashes = s.indexOf('--', from);
    if (dashes < 0) this.fail('unterminated comment');
    if (s.charCodeAt(dashes + 2) !== 62 /* > */) this.fail('"--" inside a comment');
    const value = s.slice(from, dashes);
    if (value.endsWith('-')) this.fail('a comment ending in "--->"');
    this.append({ kind: 'comment', value });
    this.i = dashes + 3;
  }

  private pi(): void {
    const s = this.s;
    this.i += 2;
    const target = this.name();
    if (target.toLowerCase() === 'xml') this.fail('an XML declaration not at the start');
    if (target.includes(':')) this.fail('a processing instruction target with ":"');
    const end = s.indexOf('?>', this.i);
    if (end < 0) this.fail('unterminated processing instruction');
    if (end > this.i && !this.skipSpace()) this.fail('no space after a processing instruction target');
    const body = this.i < end ? s.slice(this.i, end) : '';
    this.append({ kind: 'pi', target, body });
    this.i = end + 2;
  }

  private startTag(): void {
    const s = this.s;
    const stack = this.stack;
    if (!stack.length && this.root) this.fail('a second root element');
    if (stack.length >= MAX_XML_DEPTH) throw malformed(`elements are nested deeper than ${MAX_XML_DEPTH}`);
    const start = this.i;
    this.i++;
    const qname = this.name();
    const raws: RawAttribute[] = [];
    let selfClosing = false;
    for (;;) {
      const spaced = this.skipSpace();
      const c = s.charCodeAt(this.i);
      if (c === 62 /* > */) {
        this.i++;
        break;
      }
      if (c === 47 /* / */ && s.charCodeAt(this.i + 1) === 62) {
        this.i += 2;
        selfClosing = true;
        break;
      }
      if (!spaced) this.fail(`malformed start tag <${qname}>`);
      const name = this.name();
      this.skipSpace();
      if (s.charCodeAt(this.i) !== 61 /* = */) this.fail(`attribute ${name} has no value`);
      this.i++;
      this.skipSpace();
      const q = s.charCodeAt(this.i);
      if (q !== 34 && q !== 39) this.fail(`attribute ${name} is not quoted`);
      const close = s.indexOf(q === 34 ? '"' : "'", this.i + 1);
      if (close < 0) this.fail(`attribute ${name} is not terminated`);
      let value = s.slice(this.i + 1, close);
      if (value.includes('<')) this.fail(`"<" in the value of attribute ${name}`);
      // Attribute value normalisation: literal whitespace becomes a space; &#9; &#10; &#13; stay.
      if (/[\t\n\r]/.test(value)) value = value.replace(/\r\n|[\t\n\r]/g, ' ');
      if (value.includes('&')) value = this.references(value, this.i + 1);
      for (const r of raws) if (r.qname === name) this.fail(`duplicate attribute ${name}`);
      raws.push({ qname: name, value });
      this.i = close + 1;
    }

    const parent = stack.length ? stack[stack.length - 1] : null;
    let inScope: Record<string, string> = (parent?.inScope ?? ROOT_NS) as Record<string, string>;
    let own: Record<string, string> | undefined;
    for (const a of raws) {
      let prefix: string | undefined;
      if (a.qname === 'xmlns') prefix = '';
      else if (a.qname.startsWith('xmlns:')) prefix = a.qname.slice(6);
      else continue;
      if (
        prefix === 'xmlns' ||
        (prefix === 'xml') !== (a.value === XML_NAMESPACE) ||
        a.value === XMLNS_NAMESPACE
      )
        this.fail(`namespace declaration ${a.qname}="${a.value}" is not allowed`);
      if (prefix && !a.value) this.fail(`${a.qname}="" cannot undeclare a prefix in XML 1.0`);
      if (!own) inScope = own = Object.create(inScope) as Record<string, string>;
      own[prefix] = a.value;
    }
    const [prefix, local] = this.split(qname);
    if (prefix === 'xmlns') this.fail(`element <${qname}> uses the xmlns prefix`);
    const uri = prefix ? inScope[prefix] : (inScope[''] ?? '');
    if (uri === undefined) this.fail(`unbound namespace prefix ${prefix}`);
    const attributes: XmlAttribute[] = [];
    for (const a of raws) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
      const [ap, al] = this.split(a.qname);
      const auri = ap ? inScope[ap] : '';
      if (auri === undefined) this.fail(`unbound namespace prefix ${ap}`);
      for (const b of attributes)
        if (b.local === al && b.uri === auri) this.fail(`duplicate attribute {${auri}}${al}`);
      attributes.push({ qname: a.qname, prefix: ap, local: al, uri: auri, value: a.value });
    }
    const element: XmlElement = {
      kind: 'element',
      qname,
      prefix,
      local,
      uri,
      attributes,
      inScope,
      parent,
      children: [],
      start,
      closeStart: selfClosing ? this.i : -1,
      end: selfClosing ? this.i : -1,
      selfClosing,
    };
    this.append(element);
    if (!parent) this.root = element;
    if (!selfClosing) stack.push(element);
  }

  private split(qname: string): [string, string] {
    const colon = qname.indexOf(':');
    if (colon < 0) return ['', qname];
    const local = qname.slice(colon + 1);
    if (colon === 0 || !local || local.includes(':') || !isNameStart(local.charCodeAt(0)))
      this.fail(`${qname} is not a qualified name`);
    return [qname.slice(0, colon), local];
  }

  private endTag(): void {
    const closeStart = this.i;
    this.i += 2;
    const qname = this.name();
    this.skipSpace();
    if (this.s.charCodeAt(this.i) !== 62) this.fail(`malformed end tag </${qname}>`);
    this.i++;
    const element = this.stack.pop();
    if (!element || element.qname !== qname) this.fail(`</${qname}> does not close the open element`);
    element.closeStart = closeStart;
    element.end = this.i;
  }
}

const isSpaceOrEnd = (c: number): boolean => isSpace(c) || c === 63; /* ? */

/**
 * Parse XML text into a tree. Line ends are normalised first (`\r\n`/`\r` → `\n`, as an XML processor does
 * before parsing) unless keepLineEnds (used only to find byte offsets in the original text). A DOCTYPE, a
 * well-formedness error or nesting beyond MAX_XML_DEPTH throws DxError SIG_MALFORMED.
 */
export function parseXml(input: string, options: { keepLineEnds?: boolean } = {}): XmlDocument {
  const text = !options.keepLineEnds && input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  if (hasDoctype(text)) throw malformed('the package must not contain a <!DOCTYPE> declaration');
  if (SUSPECT_CHAR.test(text) && NOT_XML_CHAR.test(text))
    throw malformed('the package holds a character that XML does not allow');
  const parser = new Parser(text);
  parser.parse();
  return { kind: 'document', children: parser.top, root: parser.root!, text };
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
