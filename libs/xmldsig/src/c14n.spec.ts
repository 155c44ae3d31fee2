// Differential tests: our streaming canonicaliser against xml-crypto's (the oracle, test-only) on the SDK's
// samples and on generated documents, plus the spec's rules that xml-crypto does not exercise.
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
} from 'xml-crypto';
import { SAMPLES, readSample } from '../../../test/support/samples.js';
import { C14N_ALGORITHMS, canonicalizeWith, type C14nName } from './c14n.js';
import { allElements, parseXml, type XmlElement } from './xml-tree.js';

const ORACLES = {
  'exc-c14n': ExclusiveCanonicalization,
  'exc-c14n-with-comments': ExclusiveCanonicalizationWithComments,
  c14n: C14nCanonicalization,
  'c14n-with-comments': C14nCanonicalizationWithComments,
} as const;
const NAMES = Object.keys(ORACLES) as C14nName[];

interface DomNode {
  nodeType: number;
  parentNode: DomNode | null;
  attributes?: { length: number; [i: number]: { name: string; value: string } };
}

/** What xml-crypto's SignedXml passes for a subtree: the namespaces its ancestors declare (nearest wins). */
function ancestorNamespaces(node: DomNode): { prefix: string; namespaceURI: string }[] {
  const seen = new Map<string, string>();
  for (let p = node.parentNode; p && p.nodeType === 1; p = p.parentNode) {
    for (let i = 0; i < (p.attributes?.length ?? 0); i++) {
      const a = p.attributes![i];
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
        if (!seen.has(prefix)) seen.set(prefix, a.value);
      }
    }
  }
  return [...seen].map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

function oracle(xml: string, name: C14nName, select?: (doc: Document) => Node, prefixes?: string[]): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = select ? select(doc) : doc.documentElement;
  const options =
    name.startsWith('exc') || !select
      ? { inclusiveNamespacesPrefixList: prefixes }
      : { ancestorNamespaces: ancestorNamespaces(node as unknown as DomNode) };
  return new ORACLES[name]().process(node as never, options as never);
}

const ours = (xml: string, name: C14nName, prefixes?: string[]): string =>
  canonicalizeWith(parseXml(xml), C14N_ALGORITHMS[name], { inclusivePrefixes: prefixes });

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.edxml') && !f.includes('malformed'));

describe('canonicalize: the SDK samples, byte for byte as xml-crypto', () => {
  for (const file of samples) {
    it(`${file}: all four algorithms, whole document and the first From subtree`, () => {
      const xml = readSample(file).toString('utf8');
      // subtree mode: the ancestors of From declare the default namespace and the edXML prefix
      const from = [...allElements(parseXml(xml).root)].find((e) => e.local === 'From')!;
      expect(from).toBeDefined();
      for (const name of NAMES) {
        expect(ours(xml, name)).toBe(oracle(xml, name));
        const theirs = oracle(xml, name, (doc) => doc.getElementsByTagNameNS(from.uri, 'From')[0] as Node);
        expect(canonicalizeWith(from, C14N_ALGORITHMS[name])).toBe(theirs);
      }
    });
  }
});

// ------------------------------------------------------------------------------------- generated documents

interface GenElement {
  decls: [string, string][];
  prefixPick: number;
  local: string;
  attrs: [number, string, string, boolean][];
  children: GenNode[];
}
type GenNode =
  { el: GenElement } | { text: string } | { cdata: string } | { comment: string } | { pi: string };

const textChars = fc.constantFrom('a', 'Z', ' ', 'ệ', '&', '<', '>', '"', "'", '\t', '\n', '\r', ']');
const text = fc.array(textChars, { maxLength: 8 }).map((a) => a.join(''));
const word = fc
  .array(fc.constantFrom('a', 'b', 'x', ' ', 'ệ'), { minLength: 1, maxLength: 6 })
  .map((a) => a.join(''));

// xml-crypto's exclusive c14n repeats xmlns="" on every unqualified descendant of an xmlns="" (the spec
// renders it once, see the rule tests below), so the exclusive oracle runs get no default undeclarations.
const genWith = (undeclare: boolean) =>
  fc.letrec<{ el: GenElement; node: GenNode }>((tie) => ({
    el: fc.record({
      decls: fc.array(
        fc.tuple(
          fc.constantFrom('', 'a', 'b', 'c'),
          fc.constantFrom('urn:x', 'urn:y', 'http://e/z?q=1', ...(undeclare ? [''] : [])),
        ),
        { maxLength: 2 },
      ),
      prefixPick: fc.nat(),
      local: fc.constantFrom('e', 'f', 'g'),
      attrs: fc.array(fc.tuple(fc.nat(), fc.constantFrom('id', 'x', 'y', 'z'), text, fc.boolean()), {
        maxLength: 3,
      }),
      children: fc.array(tie('node'), { maxLength: 4 }),
    }),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text.map((t) => ({ text: t })),
      tie('el').map((el) => ({ el: el as GenElement })),
      word.map((t) => ({ cdata: t })),
      word.map((t) => ({ comment: t })),
    ),
  })).el;
const gen = genWith(false);
const genInclusive = genWith(true);

/** Serialize a generated element as well-formed XML (declared prefixes only, no duplicate attributes). */
function serialize(e: GenElement, scope: Map<string, string>, literalWs: boolean): string {
  const inner = new Map(scope);
  const decls: string[] = [];
  const seen = new Set<string>();
  for (const [p, u] of e.decls) {
    if (seen.has(p) || (p && !u)) continue; // XML 1.0 cannot undeclare a prefix
    seen.add(p);
    inner.set(p, u);
    decls.push(p ? ` xmlns:${p}="${u}"` : ` xmlns="${u}"`);
  }
  const prefixes = [...inner.keys()].filter((p) => p !== '');
  const choices = ['', ...prefixes];
  const prefix = choices[e.prefixPick % choices.length];
  const qname = prefix ? `${prefix}:${e.local}` : e.local;
  const attrs: string[] = [];
  const expanded = new Set<string>();
  for (const [pick, local, value, literal] of e.attrs) {
    const ap = ['', ...prefixes][pick % (prefixes.length + 1)];
    const key = `${ap ? inner.get(ap) : ''}|${local}`;
    if (expanded.has(key)) continue;
    expanded.add(key);
    const escaped = value.replace(/[&<"\t\n\r]/g, (c) =>
      c === '&'
        ? '&amp;'
        : c === '<'
          ? '&lt;'
          : c === '"'
            ? '&quot;'
            : literalWs && literal && c !== '\r'
              ? c
              : `&#${c.charCodeAt(0)};`,
    );
    attrs.push(` ${ap ? `${ap}:` : ''}${local}="${escaped}"`);
  }
  const body = e.children
    .map((c) => {
      if ('el' in c) return serialize(c.el, inner, literalWs);
      if ('text' in c) return c.text.replace(/[&<>\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
      if ('cdata' in c) return `<![CDATA[${c.cdata}]]>`;
      if ('comment' in c) return `<!--${c.comment}-->`;
      return `<?pi ${c.pi}?>`;
    })
    .join('');
  return `<${qname}${decls.join('')}${attrs.join('')}>${body}</${qname}>`;
}

describe('canonicalize: generated documents, byte for byte as xml-crypto', () => {
  for (const name of NAMES) {
    it(`${name}: whole document`, () => {
      fc.assert(
        fc.property(name.startsWith('exc') ? gen : genInclusive, fc.boolean(), (root, literalWs) => {
          const xml = serialize(root, new Map(), literalWs);
          expect(ours(xml, name)).toBe(oracle(xml, name));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('exc-c14n with an InclusiveNamespaces PrefixList', () => {
    fc.assert(
      fc.property(gen, fc.subarray(['a', 'b', 'c']), (root, prefixes) => {
        const xml = serialize(root, new Map(), false);
        expect(ours(xml, 'exc-c14n', prefixes)).toBe(oracle(xml, 'exc-c14n', undefined, prefixes));
      }),
      { numRuns: 200 },
    );
  });

  it('exclusive subtree mode: the first child element of the root', () => {
    fc.assert(
      fc.property(gen, (root) => {
        const xml = serialize(root, new Map(), false);
        const tree = parseXml(xml);
        const first = tree.root.children.find((c): c is XmlElement => c.kind === 'element');
        if (!first) return;
        const theirs = oracle(xml, 'exc-c14n', (doc) => {
          let n = doc.documentElement!.firstChild;
          while (n && n.nodeType !== 1) n = n.nextSibling;
          return n as Node;
        });
        expect(canonicalizeWith(first, C14N_ALGORITHMS['exc-c14n'])).toBe(theirs);
      }),
      { numRuns: 200 },
    );
  });
});

describe('canonicalize: rules of the spec', () => {
  const exc = (xml: string): string => ours(xml, 'exc-c14n');
  const inc = (xml: string): string => ours(xml, 'c14n');

  it('drops the XML declaration, normalises line ends before parsing and keeps &#13; as &#xD;', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\r\n<a>x\r\ny\rz&#13;</a>';
    expect(exc(xml)).toBe('<a>x\ny\nz&#xD;</a>');
  });

  it('escapes attributes (& < " tab newline CR) and text (& < > CR); CDATA becomes text', () => {
    const xml = `<a b="&amp;&lt;&quot;&#9;&#10;&#13;'>"><![CDATA[<&>]]>&gt;</a>`;
    expect(exc(xml)).toBe(`<a b="&amp;&lt;&quot;&#x9;&#xA;&#xD;'>">&lt;&amp;&gt;&gt;</a>`);
  });

  it('normalises literal tabs and newlines in attribute values to spaces (they are not character references)', () => {
    expect(exc('<a b="x\ty\nz"/>')).toBe('<a b="x y z"></a>');
    expect(exc('<a b="x\r\ny"/>')).toBe('<a b="x y"></a>');
  });

  it('sorts namespace declarations (default first) and attributes (no namespace first, then by URI)', () => {
    const xml = '<r xmlns:b="urn:b" xmlns:a="urn:z" xmlns="urn:d" b:k="1" z="2" a:k="3" y="4"/>';
    expect(inc(xml)).toBe(
      '<r xmlns="urn:d" xmlns:a="urn:z" xmlns:b="urn:b" y="4" z="2" b:k="1" a:k="3"></r>',
    );
    expect(exc(xml)).toBe(
      '<r xmlns="urn:d" xmlns:a="urn:z" xmlns:b="urn:b" y="4" z="2" b:k="1" a:k="3"></r>',
    );
  });

  it('exclusive: renders only visibly utilised prefixes, once, and xmlns="" when leaving a default', () => {
    const xml = '<r xmlns="urn:d" xmlns:u="urn:u"><u:a><u:b/></u:a><c xmlns=""/></r>';
    expect(exc(xml)).toBe('<r xmlns="urn:d"><u:a xmlns:u="urn:u"><u:b></u:b></u:a><c xmlns=""></c></r>');
    expect(inc(xml)).toBe('<r xmlns="urn:d" xmlns:u="urn:u"><u:a><u:b></u:b></u:a><c xmlns=""></c></r>');
  });

  it('keeps PIs, drops comments unless WithComments, and puts newlines around nodes outside the root', () => {
    const xml = '<?xml version="1.0"?>\n<!--c1-->\n<?p  d ?>\n<r><!--c2--><?q?></r>\n<!--c3-->\n';
    expect(exc(xml)).toBe('<?p d ?>\n<r><?q?></r>');
    expect(ours(xml, 'exc-c14n-with-comments')).toBe('<!--c1-->\n<?p d ?>\n<r><!--c2--><?q?></r>\n<!--c3-->');
  });

  it('inclusive subtree mode: the apex carries its ancestors namespaces and xml:* attributes', () => {
    const tree = parseXml('<r xmlns="urn:d" xmlns:u="urn:u" xml:lang="vi"><s><t/></s></r>');
    const s = tree.root.children[0] as XmlElement;
    expect(canonicalizeWith(s, C14N_ALGORITHMS.c14n)).toBe(
      '<s xmlns="urn:d" xmlns:u="urn:u" xml:lang="vi"><t></t></s>',
    );
    expect(canonicalizeWith(s, C14N_ALGORITHMS['exc-c14n'])).toBe('<s xmlns="urn:d"><t></t></s>');
  });

  it('whole-document mode leaves out the excluded subtree and nothing else', () => {
    const tree = parseXml('<r>a<x><y/></x>b</r>');
    const x = tree.root.children[1] as XmlElement;
    expect(canonicalizeWith(tree, C14N_ALGORITHMS['exc-c14n'], { exclude: x })).toBe('<r>ab</r>');
  });

  it('refuses a DOCTYPE, unknown entities and malformed XML with SIG_MALFORMED', () => {
    for (const bad of ['<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', '<r>&nbsp;</r>', '<r><s></r>', '<p:r/>']) {
      expect(() => parseXml(bad)).toThrow(expect.objectContaining({ code: 'SIG_MALFORMED' }));
    }
  });

  it('refuses an unsupported algorithm with SIG_ALGORITHM', () => {
    expect(() => canonicalizeWith(parseXml('<r/>'), 'http://www.w3.org/2006/12/xml-c14n11')).toThrow(
      expect.objectContaining({ code: 'SIG_ALGORITHM' }),
    );
  });
});
