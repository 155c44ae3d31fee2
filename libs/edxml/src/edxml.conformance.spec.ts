// The official SDK's sample packages: every one parses, validates, and survives parse -> build -> parse.
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  EdxmlErrorCode,
  buildEdxml,
  decodeAttachment,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlStatus,
} from './index.js';
import { SAMPLES, refusal } from '../../../test/support/samples.js';

const MALFORMED = 'edoc_2803_malformed.edxml';
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const names = readdirSync(SAMPLES).filter((f) => f.endsWith('.edxml'));
const wellFormed = names.filter((f) => f !== MALFORMED);

describe('vpcp-sdk conformance samples', () => {
  it('finds all 15 samples', () => {
    expect(names).toHaveLength(15);
    expect(names).toContain(MALFORMED);
  });

  it.each(wellFormed)('%s parses to the kind its name says', (name) => {
    const pkg = parseEdxml(sample(name));
    expect(pkg.kind).toBe(name.startsWith('status') ? 'status' : 'edoc');
  });

  it.each(wellFormed)('%s validates with zero issues', (name) => {
    expect(validateEdxml(parseEdxml(sample(name)))).toEqual([]);
  });

  it.each(wellFormed)('%s survives parse -> build -> parse with a deep-equal model', (name) => {
    const first = parseEdxml(sample(name));
    const second = parseEdxml(buildEdxml(first));
    expect(second).toStrictEqual(first);
  });

  it.each(wellFormed)('%s builds the same bytes again once in the official layout (idempotent)', (name) => {
    const once = buildEdxml(parseEdxml(sample(name)));
    expect(buildEdxml(parseEdxml(once)).equals(once)).toBe(true);
  });

  it('refuses edoc_2803_malformed.edxml as malformed, naming the undeclared xlink prefix and its line', () => {
    const e = refusal(() => parseEdxml(sample(MALFORMED)));
    expect(e.code).toBe(EdxmlErrorCode.Malformed);
    expect(e.message).toContain('Unbound namespace prefix');
    expect(e.message).toContain('xlink');
    expect(e.message).toContain('line 117');
  });

  it('reads the fields of edoc_new.edxml exactly as written (DocumentId and CodeNumber disagree in the sample)', () => {
    const doc = parseEdxml(sample('edoc_new.edxml')) as EdxmlDocument;
    const h = doc.MessageHeader;
    expect(h.From.OrganId).toBe('000.00.00.K19');
    expect(h.To.map((t) => t.OrganId)).toEqual(['000.00.50.H19']);
    expect(h.Code).toEqual({ CodeNumber: '781622e22', CodeNotation: 'VPCP-TTĐT' });
    expect(h.DocumentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(h.PromulgationInfo.PromulgationDate).toBe('2018/10/19');
    expect(h.ToPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(h.OtherInfo?.Appendixes).toEqual([
      'Công văn về việc kết nối, liên thông phần mềm quản lý văn bản',
    ]);
    expect(h.ResponseFor).toEqual([]);
    expect(h.SteeringType).toBe('1');
    expect(doc.TraceHeaderList?.traces).toEqual([
      { OrganId: '000.00.00.G22', Timestamp: '2018/09/28 00:00:00' },
    ]);
    expect(doc.TraceHeaderList?.business?.DocumentId).toBe('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT');
    expect(doc.TraceHeaderList?.business?.StaffInfo?.Staff).toBe('Nguyễn Thị Ngọc Trâm');
    expect(doc.references).toEqual([
      {
        ContentId: 'cid:209',
        ContentType: 'application/zip',
        Description: '1896_QD-TTg_m_294779.doc',
        AttachmentName: '1896_QD-TTg_m_294779.doc',
      },
    ]);
    expect(doc.attachments).toHaveLength(1);
    expect(doc.attachments[0].AttachmentName).toBe('1896_QD-TTg_m_294779.doc');
    expect(doc.attachments[0].ContentTransferEncoded).toMatch(/^UEsDBBQACAgIAEuSPE0/);
  });

  it('reads a status sample', () => {
    const status = parseEdxml(sample('status_rejection_02.edxml')) as EdxmlStatus;
    expect(status.MessageHeader.StatusCode).toBe('02');
    expect(status.MessageHeader.From.OrganId).toBe('000.00.00.H41');
    expect(status.MessageHeader.ResponseFor).toEqual({
      OrganId: '000.00.00.G22',
      Code: '7816/VPCP-TTĐT',
      PromulgationDate: '2015/09/30',
      DocumentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    });
    expect(status.MessageHeader.StaffInfo?.Department).toBe('Phong hanh chinh');
    expect(status.MessageHeader.Timestamp).toBe('2015/09/20 11:08:36');
    expect(status.signatureXml).toBeUndefined();
  });

  it('keeps the placeholder Signature of the samples byte for byte and re-emits it verbatim', () => {
    const raw = sample('edoc_update.edxml').toString('utf8');
    const start = raw.indexOf('<Signature>');
    const end = raw.indexOf('</Signature>') + '</Signature>'.length;
    const doc = parseEdxml(raw) as EdxmlDocument;
    expect(doc.signatureXml).toBe(raw.slice(start, end));
    expect(buildEdxml(doc).toString('utf8')).toContain(
      `      ${raw.slice(start, end)}\n    </edXML:edXMLHeader>`,
    );
  });

  it("decodes the sample's zip attachment, which holds the malformed package itself (name files from AttachmentName)", () => {
    const doc = parseEdxml(sample('edoc_new.edxml')) as EdxmlDocument;
    const zip = decodeAttachment(doc.attachments[0]);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50); // PK\x03\x04
    const nameLength = zip.readUInt16LE(26);
    const entryName = zip.subarray(30, 30 + nameLength).toString('utf8');
    expect(entryName).toMatch(/\.edxml$/);
    const inner = inflateRawSync(zip.subarray(30 + nameLength + zip.readUInt16LE(28)));
    expect(inner.equals(sample(MALFORMED))).toBe(true);
  });
});
