// Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, with and without comments, over the
// parsed tree (xml-tree.ts): whole-document mode (optionally without one element subtree: the enveloped transform) and
// subtree mode (SignedInfo). Written here instead of using xml-crypto because verification must be fast.
import { DxError } from '#contracts';
import { XML_NAMESPACE, type XmlDocument, type XmlElement, type XmlNode } from './xml-tree.js';

export const C14N_ALGORITHMS = {
  'exc-c14n': 'http://www.w3.org/2001/10/xml-exc-c14n#',
  'exc-c14n-with-comments': 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'c14n-with-comments': 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
} as const;
export type C14nName = keyof typeof C14N_ALGORITHMS;

export interface C14nOptions {
  readonly exclusive: boolean;
  readonly withComments: boolean;
  /** Exclusive only: InclusiveNamespaces PrefixList (`#default` = the default namespace). */
  readonly inclusivePrefixes?: readonly string[];
  /** Whole-document mode: an element whose subtree is left out (the enveloped-signature transform). */
  readonly exclude?: XmlElement;
}

/** The c14n name of an algorithm URI, or undefined when it is none of the four. */
export function c14nNameOf(uri: string): C14nName | undefined {
  return (Object.keys(C14N_ALGORITHMS) as C14nName[]).find((k) => C14N_ALGORITHMS[k] === uri);
}

export function c14nOptions(name: C14nName, inclusivePrefixes?: readonly string[]): C14nOptions {
  return {
    exclusive: name.startsWith('exc-'),
    withComments: name.endsWith('-with-comments'),
    inclusivePrefixes,
  };
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const escapeText = (s: string): string =>
  TEXT_SPECIAL.test(s) ? s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]) : s;
const escapeAttr = (s: string): string =>
  ATTR_SPECIAL.test(s) ? s.replace(/[&<"\t\n\r]/g, (c) => ATTR_ESCAPES[c]) : s;

interface Attr {
  readonly qname: string;
  readonly uri: string;
  readonly local: string;
  readonly value: string;
}
const byNamespaceThenLocal = (a: Attr, b: Attr): number =>
  a.uri === b.uri ? (a.local < b.local ? -1 : a.local > b.local ? 1 : 0) : a.uri < b.uri ? -1 : 1;

/** Namespace context from the output ancestors: for inclusive c14n their namespaces in scope, for exclusive
 * c14n the declarations they rendered. `null` = no output ancestor (the apex). */
type NsContext = Readonly<Record<string, string>> | null;

class Canonicalizer {
  readonly out: string[] = [];
  private readonly inclusivePrefixes: string[];

  constructor(private readonly o: C14nOptions) {
    this.inclusivePrefixes = (o.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p));
  }

  element(e: XmlElement, ctx: NsContext, apex: boolean): void {
    const out = this.out;
    const decls: [string, string][] = [];
    let childCtx: NsContext;
    if (this.o.exclusive) childCtx = this.exclusiveNamespaces(e, ctx, decls);
    else {
      this.inclusiveNamespaces(e, ctx, decls);
      childCtx = e.inScope;
    }
    out.push('<', e.qname);
    if (decls.length > 1) decls.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [prefix, uri] of decls) {
      out.push(prefix ? ` xmlns:${prefix}="` : ' xmlns="', escapeAttr(uri), '"');
    }
    let attrs: readonly Attr[] = e.attributes;
    if (apex && !this.o.exclusive) attrs = withInheritedXmlAttributes(e);
    if (attrs.length > 1) attrs = [...attrs].sort(byNamespaceThenLocal);
    for (const a of attrs) out.push(' ', a.qname, '="', escapeAttr(a.value), '"');
    out.push('>');
    this.children(e.children, childCtx);
    out.push('</', e.qname, '>');
  }

  children(nodes: readonly XmlNode[], ctx: NsContext): void {
    const out = this.out;
    for (const n of nodes) {
      if (n.kind === 'text') out.push(escapeText(n.value));
      else if (n.kind === 'element') {
        if (n !== this.o.exclude) this.element(n, ctx, false);
      } else if (n.kind === 'comment') {
        if (this.o.withComments) out.push('<!--', n.value, '-->');
      } else out.push(renderPi(n.target, n.body));
    }
  }

  /** Inclusive: every namespace in scope that the nearest output ancestor does not have with the same URI. */
  private inclusiveNamespaces(e: XmlElement, parent: NsContext, decls: [string, string][]): void {
    const ns = e.inScope;
    if (ns === parent) return; // the parser shares the map when the element declares nothing
    for (const prefix in ns) {
      if (prefix === '' || prefix === 'xml' || prefix === 'xmlns') continue;
      if (!parent || parent[prefix] !== ns[prefix]) decls.push([prefix, ns[prefix]]);
    }
    const own = ns[''] ?? '';
    const inherited = parent?.[''] ?? '';
    if (own !== inherited) decls.push(['', own]);
  }

  /** Exclusive: the visibly utilised prefixes (and the PrefixList ones) not already rendered with that URI. */
  private exclusiveNamespaces(e: XmlElement, rendered: NsContext, decls: [string, string][]): NsContext {
    const ns = e.inScope;
    let next: Record<string, string> | null = null;
    const consider = (prefix: string): void => {
      if (prefix === 'xml' || prefix === 'xmlns') return;
      if (prefix !== '' && !(prefix in ns)) return;
      const uri = ns[prefix] ?? '';
      const already =
        prefix === ''
          ? (rendered?.[''] ?? '') === uri // xmlns="" only undoes a rendered non-empty default
          : rendered !== null && prefix in rendered && rendered[prefix] === uri;
      if (already) return;
      if (decls.some((d) => d[0] === prefix)) return;
      decls.push([prefix, uri]);
      next ??= Object.create(rendered) as Record<string, string>;
      next[prefix] = uri;
    };
    consider(e.prefix);
    for (const a of e.attributes) if (a.prefix) consider(a.prefix);
    for (const p of this.inclusivePrefixes) consider(p);
    return next ?? rendered;
  }
}

function renderPi(target: string, body: string): string {
  return body ? `<?${target} ${body}?>` : `<?${target}?>`;
}

/** Inclusive c14n of a document subset: the apex carries the xml:* attributes of its ancestors. */
function withInheritedXmlAttributes(e: XmlElement): readonly Attr[] {
  const attrs: Attr[] = [...e.attributes];
  for (let p = e.parent; p; p = p.parent) {
    for (const a of p.attributes) {
      if (a.uri === XML_NAMESPACE && !attrs.some((x) => x.uri === XML_NAMESPACE && x.local === a.local))
        attrs.push(a);
    }
  }
  return attrs;
}

/**
 * Canonical form of a whole document (root element plus the PIs/comments around it, with the newlines the
 * spec puts between them) or of one element subtree (its in-scope namespaces as the spec requires for the
 * mode). Returns a string; encode it as UTF-8 for digests.
 */
export function canonicalize(node: XmlDocument | XmlElement, o: C14nOptions): string {
  const c = new Canonicalizer(o);
  if (node.kind === 'element') {
    if (node === o.exclude) return '';
    c.element(node, null, true);
    return c.out.join('');
  }
  let afterRoot = false;
  for (const n of node.children) {
    if (n.kind === 'element') {
      c.element(n, null, true);
      afterRoot = true;
      continue;
    }
    let s: string;
    if (n.kind === 'comment') {
      if (!o.withComments) continue;
      s = `<!--${n.value}-->`;
    } else if (n.kind === 'pi') s = renderPi(n.target, n.body);
    else continue;
    c.out.push(afterRoot ? '\n' : '', s, afterRoot ? '' : '\n');
  }
  return c.out.join('');
}

/** Canonicalise by algorithm URI (throws SIG_ALGORITHM for anything but the four supported). */
export function canonicalizeWith(
  node: XmlDocument | XmlElement,
  algorithmUri: string,
  extra: { inclusivePrefixes?: readonly string[]; exclude?: XmlElement; withComments?: boolean } = {},
): string {
  const name = c14nNameOf(algorithmUri);
  if (!name) throw new DxError('SIG_ALGORITHM', `canonicalization ${algorithmUri} is not supported`);
  const base = c14nOptions(name, extra.inclusivePrefixes);
  return canonicalize(node, {
    ...base,
    withComments: extra.withComments ?? base.withComments,
    exclude: extra.exclude,
  });
}
