// The builder writes the official samples' layout exactly, and what it writes reads back the same.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EDXML_NAMESPACE,
  EdxmlErrorCode,
  buildEdxml,
  buildStatus,
  createStatus,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlStatus,
  type StatusInput,
} from './index.js';
import { SAMPLES, refusal } from '../../../test/support/samples.js';

const load = (name: string) => parseEdxml(readFileSync(path.join(SAMPLES, name)));
const built = (name: string): string => buildEdxml(load(name)).toString('utf8');

/** Names of the direct children of the first `<edXML:container>` in built output (two-space indentation). */
function childNames(xml: string, container: string): string[] {
  const lines = xml.split('\n');
  const open = lines.findIndex((l) => l.trim() === `<edXML:${container}>`);
  const indent = lines[open].indexOf('<') + 2;
  const names: string[] = [];
  for (const line of lines.slice(open + 1)) {
    if (line.trim() === `</edXML:${container}>`) break;
    const m = /^( *)<edXML:(\w+)/.exec(line);
    if (m && m[1].length === indent) names.push(m[2]);
  }
  return names;
}

describe('buildEdxml layout', () => {
  it('starts like the official samples', () => {
    const lines = built('edoc_new.edxml').split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<edXML xmlns="${EDXML_NAMESPACE}">`,
      `  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`,
      '    <edXML:edXMLHeader>',
      '      <edXML:MessageHeader>',
    ]);
  });

  it('prefixes every element inside the envelope with edXML: except the verbatim Signature', () => {
    const xml = built('edoc_update.edxml');
    const envelope = xml.slice(xml.indexOf('<edXML:edXMLEnvelope'), xml.indexOf('</edXML:edXMLEnvelope>'));
    const withoutSignature = envelope.replace(/<Signature>[\s\S]*<\/Signature>/, '');
    expect(withoutSignature).not.toBe(envelope);
    const tags = [...withoutSignature.matchAll(/<\/?([\w:]+)/g)].map((m) => m[1]);
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.filter((t) => !t.startsWith('edXML:'))).toEqual([]);
  });

  it('writes MessageHeader fields in the 1.1-1.14 order whatever the source order', () => {
    // edoc_revocation has DocumentId right after To and SteeringType before ToPlaces.
    expect(childNames(built('edoc_revocation.edxml'), 'MessageHeader')).toEqual([
      'From',
      'To',
      'To',
      'To',
      'Code',
      'PromulgationInfo',
      'DocumentType',
      'Subject',
      'Content',
      'SignerInfo',
      'DueDate',
      'ToPlaces',
      'OtherInfo',
      'ResponseFor',
      'SteeringType',
      'DocumentId',
    ]);
    expect(childNames(built('edoc_new.edxml'), 'From')).toEqual([
      'OrganId',
      'OrganName',
      'OrganizationInCharge',
      'OrganAdd',
      'Email',
      'Telephone',
      'Fax',
      'Website',
    ]);
  });

  it('puts TraceHeaderList after MessageHeader, then the Signature, then the body', () => {
    const xml = built('edoc_update.edxml');
    expect(childNames(xml, 'edXMLHeader')).toEqual(['MessageHeader', 'TraceHeaderList']);
    const order = [
      '</edXML:MessageHeader>',
      '<edXML:TraceHeaderList>',
      '<Signature>',
      '</edXML:edXMLHeader>',
    ];
    const positions = order.map((s) => xml.indexOf(s));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(childNames(xml, 'Bussiness')).toEqual([
      'DocumentId',
      'BussinessDocType',
      'BussinessDocReason',
      'Paper',
      'BussinessDocumentInfo',
      'StaffInfo',
    ]);
  });

  it('writes the manifest and the attachments outside the envelope like the samples', () => {
    const xml = built('edoc_new.edxml');
    const doc = load('edoc_new.edxml') as EdxmlDocument;
    const body = xml.slice(xml.indexOf('    <edXML:edXMLBody>')).split('\n');
    expect(body.slice(0, 14)).toEqual([
      '    <edXML:edXMLBody>',
      '      <edXML:edXMLManifest version="1.0">',
      '        <edXML:Reference>',
      '          <edXML:ContentId>cid:209</edXML:ContentId>',
      '          <edXML:ContentType>application/zip</edXML:ContentType>',
      '          <edXML:Description>1896_QD-TTg_m_294779.doc</edXML:Description>',
      '          <edXML:AttachmentName>1896_QD-TTg_m_294779.doc</edXML:AttachmentName>',
      '        </edXML:Reference>',
      '      </edXML:edXMLManifest>',
      '    </edXML:edXMLBody>',
      '  </edXML:edXMLEnvelope>',
      '  <AttachmentEncoded>',
      '    <Attachment>',
      '      <ContentId>cid:209</ContentId>',
    ]);
    expect(body.slice(14)).toEqual([
      '      <AttachmentName>1896_QD-TTg_m_294779.doc</AttachmentName>',
      '      <Description>1896_QD-TTg_m_294779.doc</Description>',
      '      <ContentType>application/zip</ContentType>',
      `      <edXML:ContentTransferEncoded xmlns:edXML="${EDXML_NAMESPACE}">${doc.attachments[0].ContentTransferEncoded}</edXML:ContentTransferEncoded>`,
      '    </Attachment>',
      '  </AttachmentEncoded>',
      '</edXML>',
      '',
    ]);
  });

  it('writes a status package in the sample order, LF only, and nothing but the header', () => {
    const xml = built('status_acceptance_03.edxml');
    expect(xml).not.toContain('\r');
    expect(childNames(xml, 'MessageHeader')).toEqual([
      'From',
      'ResponseFor',
      'StaffInfo',
      'StatusCode',
      'Description',
      'Timestamp',
    ]);
    expect(childNames(xml, 'ResponseFor')).toEqual(['OrganId', 'Code', 'PromulgationDate', 'DocumentId']);
    expect(xml).not.toContain('edXMLBody');
    expect(xml).not.toContain('AttachmentEncoded');
    expect(xml.endsWith('    </edXML:edXMLHeader>\n  </edXML:edXMLEnvelope>\n</edXML>\n')).toBe(true);
  });

  it('uses two-space indentation and LF outside the verbatim Signature', () => {
    const xml = built('edoc_replacement.edxml').replace(/<Signature>[\s\S]*<\/Signature>/, '<Signature/>');
    expect(xml).not.toContain('\r');
    expect(xml).not.toContain('\t');
    for (const line of xml.split('\n').filter(Boolean)) expect(/^( *)/.exec(line)![1].length % 2).toBe(0);
  });
});

describe('buildEdxml values', () => {
  it('escapes text and reads it back unchanged', () => {
    const doc = load('edoc_new.edxml') as EdxmlDocument;
    doc.MessageHeader.Subject = 'A < B & C > D "quoted" \'single\' ]]> Tỉnh';
    doc.MessageHeader.Content = 'line 1\nline 2';
    const xml = buildEdxml(doc).toString('utf8');
    expect(xml).toContain(
      '<edXML:Subject>A &lt; B &amp; C &gt; D "quoted" \'single\' ]]&gt; Tỉnh</edXML:Subject>',
    );
    expect(parseEdxml(xml)).toStrictEqual(doc);
  });

  it('keeps absent and empty apart', () => {
    const doc = load('edoc_new.edxml') as EdxmlDocument;
    delete doc.MessageHeader.Content;
    doc.MessageHeader.DueDate = '';
    doc.MessageHeader.ToPlaces = [];
    delete doc.MessageHeader.SignerInfo;
    const xml = buildEdxml(doc).toString('utf8');
    expect(xml).not.toContain('<edXML:Content>');
    expect(xml).toContain('<edXML:DueDate></edXML:DueDate>');
    expect(xml).toContain('<edXML:ToPlaces></edXML:ToPlaces>');
    const back = parseEdxml(xml) as EdxmlDocument;
    expect(back).toStrictEqual(doc);
    expect('Content' in back.MessageHeader).toBe(false);
    expect(back.MessageHeader.DueDate).toBe('');
    expect(back.MessageHeader.ToPlaces).toEqual([]);
  });

  it('refuses text that XML cannot carry with EDXML_INVALID_CHARACTER', () => {
    const doc = load('edoc_new.edxml') as EdxmlDocument;
    doc.MessageHeader.Subject = 'bell \u0007';
    const e = refusal(() => buildEdxml(doc));
    expect(e.code).toBe(EdxmlErrorCode.InvalidCharacter);
    expect(e.field).toBe('Subject');
  });

  it('keeps a CR inside a value as a character reference', () => {
    const doc = load('edoc_new.edxml') as EdxmlDocument;
    doc.MessageHeader.Content = 'a\rb';
    const xml = buildEdxml(doc).toString('utf8');
    expect(xml).toContain('<edXML:Content>a&#13;b</edXML:Content>');
  });
});

describe('buildStatus', () => {
  const input: StatusInput = {
    from: { OrganId: '000.00.00.H41', OrganName: 'UBND Tỉnh Nghệ An' },
    responseFor: {
      OrganId: '000.00.00.G22',
      Code: '7816/VPCP-TTĐT',
      PromulgationDate: '2015/09/30',
      DocumentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    },
    staffInfo: { Department: 'Văn thư', Staff: 'Nguyễn Văn A' },
    statusCode: '03',
    description: 'Đã tiếp nhận',
    timestamp: new Date('2024-03-05T17:30:05Z'),
  };

  it('builds a valid status package in the official layout with a Vietnam-time timestamp', () => {
    const bytes = buildStatus(input);
    const status = parseEdxml(bytes) as EdxmlStatus;
    expect(status.kind).toBe('status');
    expect(validateEdxml(status)).toEqual([]);
    expect(status.MessageHeader.Timestamp).toBe('2024/03/06 00:30:05');
    expect(status.MessageHeader.StatusCode).toBe('03');
    expect(status.MessageHeader.From).toEqual({ OrganId: '000.00.00.H41', OrganName: 'UBND Tỉnh Nghệ An' });
    expect(status.MessageHeader.ResponseFor.DocumentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(status.MessageHeader.StaffInfo).toEqual({ Department: 'Văn thư', Staff: 'Nguyễn Văn A' });
    expect(status).toStrictEqual(createStatus(input));
    expect(bytes.toString('utf8').split('\n').slice(0, 3)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<edXML xmlns="${EDXML_NAMESPACE}">`,
      `  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`,
    ]);
  });

  it('takes a timestamp string as is', () => {
    const status = createStatus({ ...input, timestamp: '2015/09/20 11:08:36' });
    expect(status.MessageHeader.Timestamp).toBe('2015/09/20 11:08:36');
  });

  it('refuses to build an invalid status (EDXML_INVALID with the issues)', () => {
    const e = refusal(() =>
      buildStatus({
        ...input,
        statusCode: '07' as StatusInput['statusCode'],
        responseFor: { ...input.responseFor, OrganId: '' },
      }),
    );
    expect(e.code).toBe(EdxmlErrorCode.Invalid);
    expect(e.issues?.map((i) => i.field)).toEqual([
      'MessageHeader.ResponseFor.OrganId',
      'MessageHeader.StatusCode',
    ]);
  });
});
