// Parser tolerance (layouts real producers send) and refusals (what must never get through).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EDXML_NAMESPACE,
  EdxmlErrorCode,
  normalizeContentId,
  parseEdxml,
  parseEdxmlDate,
  parseEdxmlTimestamp,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlPackage,
} from './index.js';
import { SAMPLES, refusal } from '../../../test/support/samples.js';
import {
  badBase64,
  deeplyNested,
  hugeSubject,
  invalidUtf8,
  manyRecipients,
} from '../../../test/support/hostile.js';

const FIXTURES = path.resolve(process.cwd(), 'libs/edxml/test-fixtures');
const text = (name: string): string => readFileSync(path.join(SAMPLES, name), 'utf8');
const asDoc = (pkg: EdxmlPackage): EdxmlDocument => {
  if (pkg.kind !== 'edoc') throw new Error(`expected a document, got ${pkg.kind}`);
  return pkg;
};

/**
 * Reorder the direct children of the first `<edXML:container>` by descending element name. The sort is
 * stable, so repeated elements (To, TraceHeader) keep their relative order, as their order is meaningful.
 */
function shuffleChildren(xml: string, container: string): string {
  const open = `<edXML:${container}>`;
  const start = xml.indexOf(open) + open.length;
  const end = xml.indexOf(`</edXML:${container}>`, start);
  const inner = xml.slice(start, end);
  const blocks: { name: string; text: string }[] = [];
  let depth = 0;
  let blockStart = 0;
  let name = '';
  for (const m of inner.matchAll(/<(\/?)(?:edXML:)?(\w+)[^>]*?(\/?)>/g)) {
    if (m[1] === '/') {
      if (--depth === 0) blocks.push({ name, text: inner.slice(blockStart, m.index + m[0].length) });
    } else if (m[3] !== '/') {
      if (depth++ === 0) [blockStart, name] = [m.index, m[2]];
    }
  }
  const sorted = [...blocks].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  return `${xml.slice(0, start)}\n${sorted.map((b) => b.text).join('\n')}\n${xml.slice(end)}`;
}

describe('parseEdxml tolerance: each variant reads to the same model', () => {
  const updateXml = text('edoc_update.edxml');
  const update = asDoc(parseEdxml(updateXml));

  it('accepts `Business` (and BusinessDoc*) for `Bussiness`', () => {
    for (const name of ['edoc_update.edxml', 'edoc_replacement.edxml']) {
      const raw = text(name);
      const variant = raw.replaceAll('edXML:Bussiness', 'edXML:Business');
      expect(variant).not.toContain('Bussiness');
      const parsed = asDoc(parseEdxml(variant));
      expect(parsed.TraceHeaderList?.business?.BussinessDocType).toMatch(/^[23]$/);
      expect(parsed).toStrictEqual(parseEdxml(raw));
    }
  });

  it('accepts prefixed attachment children as well as the samples’ unprefixed ones', () => {
    const [envelope, outside] = updateXml.split('</edXML:edXMLEnvelope>');
    const prefixed =
      envelope.replace(
        `<edXML xmlns="${EDXML_NAMESPACE}">`,
        `<edXML xmlns="${EDXML_NAMESPACE}" xmlns:edXML="${EDXML_NAMESPACE}">`,
      ) +
      '</edXML:edXMLEnvelope>' +
      outside.replace(
        /<(\/?)(AttachmentEncoded|Attachment|ContentId|AttachmentName|Description|ContentType)>/g,
        '<$1edXML:$2>',
      );
    expect(prefixed).toContain('<edXML:AttachmentName>');
    expect(parseEdxml(prefixed)).toStrictEqual(update);
  });

  it('accepts a default namespace everywhere (no prefix at all)', () => {
    const unprefixed = updateXml.replace(/<(\/?)edXML:/g, '<$1');
    expect(unprefixed).not.toMatch(/<\/?edXML:/);
    expect(parseEdxml(unprefixed)).toStrictEqual(update);
  });

  it('accepts another prefix bound to the edXML namespace URI', () => {
    const other = updateXml.replace(/<(\/?)edXML:/g, '<$1q:').replaceAll('xmlns:edXML=', 'xmlns:q=');
    expect(other).toContain('<q:MessageHeader>');
    expect(parseEdxml(other)).toStrictEqual(update);
  });

  it('matches by namespace URI, not by prefix: an edXML: prefix bound to another URI is not the envelope', () => {
    const rebound = updateXml.replace(
      `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`,
      '<edXML:edXMLEnvelope xmlns:edXML="http://example.org/not-edxml">',
    );
    const e = refusal(() => parseEdxml(rebound));
    expect(e.code).toBe(EdxmlErrorCode.MissingElement);
    expect(e.field).toBe('edXMLEnvelope');
  });

  it('accepts ContentId with or without `cid:` and matches them by their normalised form', () => {
    const variant = updateXml.replace('<ContentId>cid:209</ContentId>', '<ContentId>209</ContentId>');
    const doc = asDoc(parseEdxml(variant));
    expect(doc.attachments[0].ContentId).toBe('209'); // the original is kept
    expect(doc.references[0].ContentId).toBe('cid:209');
    expect(normalizeContentId(doc.attachments[0].ContentId!)).toBe(
      normalizeContentId(doc.references[0].ContentId!),
    );
    expect(validateEdxml(doc)).toEqual([]);
    expect({ ...doc, attachments: [] }).toStrictEqual({ ...update, attachments: [] });
  });

  it('accepts any element order (MessageHeader, From, To, TraceHeaderList, Bussiness shuffled)', () => {
    let shuffled = updateXml;
    for (const container of ['MessageHeader', 'From', 'To', 'TraceHeaderList', 'Bussiness', 'OtherInfo']) {
      shuffled = shuffleChildren(shuffled, container);
    }
    const header = shuffled.slice(shuffled.indexOf('<edXML:MessageHeader>'));
    expect(header).toMatch(/^<edXML:MessageHeader>\s*<edXML:ToPlaces>/); // the order really changed
    expect(parseEdxml(shuffled)).toStrictEqual(update);
  });

  it('accepts dd/MM/yyyy dates and timestamps, keeping the strings as written', () => {
    const variant = updateXml
      .replace('<edXML:PromulgationDate>2018/09/28<', '<edXML:PromulgationDate>28/09/2018<')
      .replace('<edXML:DueDate>2018/09/28<', '<edXML:DueDate>28/09/2018<')
      .replace('<edXML:Timestamp>2018/09/28 00:00:00<', '<edXML:Timestamp>28/09/2018 00:00:00<');
    const doc = asDoc(parseEdxml(variant));
    const h = doc.MessageHeader;
    expect(h.PromulgationInfo.PromulgationDate).toBe('28/09/2018');
    expect(h.DueDate).toBe('28/09/2018');
    expect(parseEdxmlDate(h.PromulgationInfo.PromulgationDate!)).toEqual(
      parseEdxmlDate(update.MessageHeader.PromulgationInfo.PromulgationDate!),
    );
    expect(parseEdxmlTimestamp(doc.TraceHeaderList!.traces[0].Timestamp!)).toEqual(
      parseEdxmlTimestamp(update.TraceHeaderList!.traces[0].Timestamp!),
    );
    expect(validateEdxml(doc)).toEqual([]);
    h.PromulgationInfo.PromulgationDate = '2018/09/28';
    h.DueDate = '2018/09/28';
    doc.TraceHeaderList!.traces[0].Timestamp = '2018/09/28 00:00:00';
    expect(doc).toStrictEqual(update);
  });

  it('reads CRLF (the samples) and LF the same; line breaks inside a value become LF', () => {
    expect(updateXml).toContain('\r\n');
    const lf = updateXml.replaceAll('\r\n', '\n');
    const fromLf = asDoc(parseEdxml(lf));
    // The Signature is kept byte for byte, so only its line ends differ.
    expect(fromLf.signatureXml).toBe(update.signatureXml!.replaceAll('\r\n', '\n'));
    expect({ ...fromLf, signatureXml: undefined }).toStrictEqual({ ...update, signatureXml: undefined });

    const twoLines = (eol: string): string =>
      lf.replace(/<edXML:Content>[^<]*</, '<edXML:Content>first line\nsecond line<').replaceAll('\n', eol);
    expect(asDoc(parseEdxml(twoLines('\r\n'))).MessageHeader.Content).toBe('first line\nsecond line');
    expect(asDoc(parseEdxml(twoLines('\n'))).MessageHeader.Content).toBe('first line\nsecond line');
  });

  it('accepts a UTF-8 BOM, in bytes and in a string', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(updateXml, 'utf8')]);
    expect(parseEdxml(bytes)).toStrictEqual(update);
    expect(parseEdxml(`\ufeff${updateXml}`)).toStrictEqual(update);
  });

  it('reads a hand-written fixture in default-namespace layout with Business, bare ContentIds and dd/MM/yyyy', () => {
    const doc = asDoc(parseEdxml(readFileSync(path.join(FIXTURES, 'edoc_default_namespace.edxml'))));
    expect(doc.MessageHeader.From.OrganId).toBe('000.00.00.H41');
    expect(doc.MessageHeader.To.map((t) => t.OrganId)).toEqual(['000.00.14.H41', 'H37.02.02']);
    expect(doc.MessageHeader.Subject).toBe('V/v báo cáo <tình hình> & kết quả');
    expect(doc.MessageHeader.PromulgationInfo.PromulgationDate).toBe('05/03/2024');
    expect(doc.MessageHeader.Content).toBe('');
    expect(doc.MessageHeader.SignerInfo).toBeUndefined();
    expect(doc.TraceHeaderList?.business?.BussinessDocType).toBe('3');
    expect(doc.TraceHeaderList?.business?.ReplacementInfoList?.[0].OrganIdList).toEqual(['000.00.14.H41']);
    expect(doc.references.map((r) => r.ContentId)).toEqual(['a1', 'cid:a2']);
    expect(doc.attachments.map((a) => a.ContentId)).toEqual(['cid:a1', 'a2']);
    expect(doc.attachments[1].ContentTransferEncoded).toBe('SGVs\n        bG8=');
    expect(doc.signatureXml).toBeUndefined();
    expect(validateEdxml(doc)).toEqual([]);
  });
});

describe('parseEdxml refusals', () => {
  const statusXml = text('status.edxml');

  it('refuses a root in another namespace with EDXML_WRONG_NAMESPACE', () => {
    const e = refusal(() =>
      parseEdxml(
        statusXml.replace(`<edXML xmlns="${EDXML_NAMESPACE}">`, '<edXML xmlns="http://example.org/edxml">'),
      ),
    );
    expect(e.code).toBe(EdxmlErrorCode.WrongNamespace);
    expect(e.message).toContain('http://example.org/edxml');
  });

  it('refuses a root without namespace with EDXML_WRONG_NAMESPACE', () => {
    const e = refusal(() => parseEdxml(statusXml.replace(`<edXML xmlns="${EDXML_NAMESPACE}">`, '<edXML>')));
    expect(e.code).toBe(EdxmlErrorCode.WrongNamespace);
  });

  it('refuses another root element with EDXML_WRONG_ROOT', () => {
    const e = refusal(() => parseEdxml(`<Package xmlns="${EDXML_NAMESPACE}"><edXMLEnvelope/></Package>`));
    expect(e.code).toBe(EdxmlErrorCode.WrongRoot);
    expect(e.message).toContain('Package');
  });

  it('refuses any DOCTYPE before parsing (entity expansion) with EDXML_DOCTYPE_FORBIDDEN', () => {
    const laughs =
      '<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    const withDoctype = statusXml.replace('?>', `?>\n${laughs}`).replace('>7816/VPCP-TTĐT<', '>&c;<');
    const e = refusal(() => parseEdxml(withDoctype));
    expect(e.code).toBe(EdxmlErrorCode.DoctypeForbidden);
    const plain = refusal(() => parseEdxml(statusXml.replace('?>', '?>\n<!doctype edXML SYSTEM "x.dtd">')));
    expect(plain.code).toBe(EdxmlErrorCode.DoctypeForbidden);
  });

  it.each([
    ['no edXMLEnvelope', `<edXML xmlns="${EDXML_NAMESPACE}"></edXML>`, 'edXMLEnvelope'],
    [
      'no edXMLHeader',
      `<edXML xmlns="${EDXML_NAMESPACE}"><edXMLEnvelope><edXMLBody/></edXMLEnvelope></edXML>`,
      'edXMLEnvelope.edXMLHeader',
    ],
    [
      'no MessageHeader',
      `<edXML xmlns="${EDXML_NAMESPACE}"><edXMLEnvelope><edXMLHeader><TraceHeaderList/></edXMLHeader></edXMLEnvelope></edXML>`,
      'edXMLEnvelope.edXMLHeader.MessageHeader',
    ],
  ])('refuses a package with %s (EDXML_MISSING_ELEMENT naming it)', (_, xml, field) => {
    const e = refusal(() => parseEdxml(xml));
    expect(e.code).toBe(EdxmlErrorCode.MissingElement);
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
  });

  it.each([
    ['truncated input', statusXml.slice(0, statusXml.indexOf('</edXML:From>')), 'Unclosed root tag'],
    ['text after the root element', `${statusXml}trailing`, 'Text data outside of root node'],
    [
      'a second root element',
      `${statusXml}<edXML xmlns="${EDXML_NAMESPACE}"/>`,
      'More than one root element',
    ],
    ['mismatched tags', statusXml.replace('</edXML:StatusCode>', '</edXML:Status>'), 'Unexpected close tag'],
    ['an empty input', '   ', 'no root element'],
  ])('refuses %s with EDXML_MALFORMED and the reason', (_, xml, reason) => {
    const e = refusal(() => parseEdxml(xml));
    expect(e.code).toBe(EdxmlErrorCode.Malformed);
    expect(e.message).toContain(reason);
  });

  it('refuses bytes that are not UTF-8 with EDXML_ENCODING', () => {
    const latin1 = Buffer.from(statusXml, 'latin1'); // Vietnamese letters become stray high bytes
    expect(refusal(() => parseEdxml(latin1)).code).toBe(EdxmlErrorCode.Encoding);
  });

  it('refuses UTF-16 with EDXML_ENCODING', () => {
    const utf16 = Buffer.from(`\ufeff${statusXml}`, 'utf16le');
    expect(refusal(() => parseEdxml(utf16)).code).toBe(EdxmlErrorCode.Encoding);
    const noBom = Buffer.from(statusXml, 'utf16le');
    expect(refusal(() => parseEdxml(noBom)).code).toBe(EdxmlErrorCode.Encoding);
  });

  it('refuses a declared encoding other than UTF-8 with EDXML_ENCODING', () => {
    const e = refusal(() => parseEdxml(statusXml.replace('encoding="UTF-8"', 'encoding="windows-1258"')));
    expect(e.code).toBe(EdxmlErrorCode.Encoding);
    expect(e.message).toContain('windows-1258');
    expect(parseEdxml(statusXml.replace('encoding="UTF-8"', "encoding='utf-8'")).kind).toBe('status');
  });
});

describe('parseEdxml hostile input', () => {
  it('refuses elements nested deeper than 64 levels with EDXML_TOO_DEEP, and accepts 64', () => {
    const e = refusal(() => parseEdxml(deeplyNested(70)));
    expect(e.code).toBe(EdxmlErrorCode.TooDeep);
    expect(e.message).toContain('64');
    // Subject is at depth 5: 59 more levels reach 64 exactly, 60 go beyond.
    expect(parseEdxml(deeplyNested(59)).kind).toBe('edoc');
    expect(refusal(() => parseEdxml(deeplyNested(60))).code).toBe(EdxmlErrorCode.TooDeep);
  });

  it('refuses nesting fast, without building the tree, even 100,000 levels deep', () => {
    const started = Date.now();
    expect(refusal(() => parseEdxml(deeplyNested(100_000))).code).toBe(EdxmlErrorCode.TooDeep);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a header field over 64 KiB with EDXML_FIELD_TOO_LARGE naming it, and accepts 64 KiB', () => {
    const e = refusal(() => parseEdxml(hugeSubject(64 * 1024 + 1)));
    expect(e.code).toBe(EdxmlErrorCode.FieldTooLarge);
    expect(e.field).toBe('edXMLEnvelope.edXMLHeader.MessageHeader.Subject');
    expect(parseEdxml(hugeSubject(64 * 1024)).kind).toBe('edoc');
  });

  it('counts UTF-8 bytes, not characters, against the 64 KiB', () => {
    const xml = text('edoc_new.edxml').replace(
      /<edXML:Subject>[^<]*</,
      `<edXML:Subject>${'ệ'.repeat(22_000)}<`, // 3 bytes each: 66,000 bytes
    );
    expect(refusal(() => parseEdxml(xml)).code).toBe(EdxmlErrorCode.FieldTooLarge);
  });

  it('refuses more than 1000 To recipients with EDXML_FIELD_TOO_LARGE, and accepts 1000', () => {
    const e = refusal(() => parseEdxml(manyRecipients(1001)));
    expect(e.code).toBe(EdxmlErrorCode.FieldTooLarge);
    expect(e.field).toBe('MessageHeader.To');
    expect(asDoc(parseEdxml(manyRecipients(1000))).MessageHeader.To).toHaveLength(1000);
  });

  it('refuses invalid UTF-8 inside the package with EDXML_ENCODING', () => {
    expect(refusal(() => parseEdxml(invalidUtf8())).code).toBe(EdxmlErrorCode.Encoding);
  });

  it('reports malformed attachment base64 as an EDXML_BASE64 issue', () => {
    const issues = validateEdxml(parseEdxml(badBase64()));
    expect(issues.map((i) => i.code)).toContain(EdxmlErrorCode.Base64);
  });
});
