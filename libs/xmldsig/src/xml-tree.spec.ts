// The hand-written parser must stay strict: what it accepts is well-formed, namespace-well-formed XML 1.0
// (without a DTD), and what it builds is what canonicalisation and the signature checks read.
import { describe, expect, it } from '@jest/globals';
import { parseXml, XML_NAMESPACE, type XmlElement } from './xml-tree.js';

const codeOf = (xml: string): string => {
  try {
    parseXml(xml);
    return 'accepted';
  } catch (e) {
    return (e as { code?: string }).code ?? `not a DxError: ${(e as Error).message}`;
  }
};

describe('parseXml refuses malformed XML with SIG_MALFORMED', () => {
  const bad: Record<string, string> = {
    'an unclosed element': '<r><s></s>',
    'a mismatched end tag': '<r></s>',
    'a second root element': '<r/><r/>',
    'text before the root': 'x<r/>',
    'text after the root': '<r/>x',
    'no root at all': '<!-- c -->',
    'a duplicate attribute': '<r a="1" a="2"/>',
    'a duplicate expanded attribute name': '<r xmlns:p="urn:u" xmlns:q="urn:u" p:a="1" q:a="2"/>',
    'an unquoted attribute': '<r a=1/>',
    'no space between attributes': '<r a="1"b="2"/>',
    '"<" in an attribute value': '<r a="<"/>',
    'an unknown entity': '<r>&nbsp;</r>',
    'a bare ampersand': '<r>a & b</r>',
    'a reference to a character XML forbids': '<r>&#0;</r>',
    'a reference to a surrogate': '<r>&#xD800;</r>',
    'a literal control character': '<r>\u0001</r>',
    'an unpaired surrogate': '<r>\uD800</r>',
    '"--" in a comment': '<r><!-- a -- b --></r>',
    '"]]>" in text': '<r>]]></r>',
    'an unterminated CDATA section': '<r><![CDATA[x</r>',
    'an XML declaration not at the start': '<r/><?xml version="1.0"?>',
    'an unbound element prefix': '<p:r/>',
    'an unbound attribute prefix': '<r p:a="1"/>',
    'undeclaring a prefix': '<r xmlns:p=""/>',
    'rebinding xml': '<r xmlns:xml="urn:x"/>',
    'a name starting with a digit': '<1r/>',
    'a markup declaration': '<!ELEMENT r ANY><r/>',
    'a DOCTYPE': '<!DOCTYPE r><r/>',
    'a malformed qualified name': '<r a:="1" xmlns:a="urn:a"/>',
  };
  for (const [what, xml] of Object.entries(bad)) {
    it(what, () => expect(codeOf(xml)).toBe('SIG_MALFORMED'));
  }
});

describe('parseXml builds the tree canonicalisation reads', () => {
  it('normalises literal whitespace in attribute values but keeps character references', () => {
    const r = parseXml('<r a="x\ty\nz&#9;&#10;&#13;"/>').root;
    expect(r.attributes[0].value).toBe('x y z\t\n\r');
  });

  it('decodes the five entities and character references in text and drops the XML declaration', () => {
    const doc = parseXml(
      '\uFEFF<?xml version="1.0"?><!--c--><?pi  body ?><r>&lt;&gt;&amp;&quot;&apos;&#x41;&#66;&#x1F600;</r>',
    );
    expect(doc.children.map((c) => c.kind)).toEqual(['comment', 'pi', 'element']);
    expect(doc.children[1]).toEqual({ kind: 'pi', target: 'pi', body: 'body ' });
    expect(doc.root.children).toEqual([{ kind: 'text', value: `<>&"'AB\u{1F600}` }]);
  });

  it('records offsets of start tags, end tags and ends', () => {
    const text = '<r><s a="1"/>t<u>v</u ></r>';
    const r = parseXml(text).root;
    const [s, , u] = r.children as XmlElement[];
    expect(text.slice(s.start, s.end)).toBe('<s a="1"/>');
    expect(s.closeStart).toBe(s.end);
    expect(text.slice(u.start, u.end)).toBe('<u>v</u >');
    expect(text.slice(u.closeStart, u.end)).toBe('</u >');
    expect([r.start, r.end]).toEqual([0, text.length]);
  });

  it('resolves namespaces, sharing the parent map when an element declares none', () => {
    const r = parseXml('<p:r xmlns:p="urn:p" xmlns="urn:d" xml:lang="vi"><s p:a="1" b="2"/></p:r>').root;
    const s = r.children[0] as XmlElement;
    expect([r.prefix, r.local, r.uri]).toEqual(['p', 'r', 'urn:p']);
    expect(r.attributes).toEqual([
      { qname: 'xml:lang', prefix: 'xml', local: 'lang', uri: XML_NAMESPACE, value: 'vi' },
    ]);
    expect([s.uri, s.attributes.map((a) => a.uri)]).toEqual(['urn:d', ['urn:p', '']]);
    expect(s.inScope).toBe(r.inScope);
  });

  it('CDATA becomes text, comments and PIs inside the root are kept in order', () => {
    const r = parseXml('<r>a<![CDATA[<&>]]><!--c--><?t?></r>').root;
    expect(r.children).toEqual([
      { kind: 'text', value: 'a' },
      { kind: 'text', value: '<&>' },
      { kind: 'comment', value: 'c' },
      { kind: 'pi', target: 't', body: '' },
    ]);
  });
});
