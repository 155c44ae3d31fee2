// Value formats and the read helpers other services use.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Attachment,
  EdxmlError,
  EdxmlErrorCode,
  STATUS_CODES,
  businessOf,
  decodeAttachment,
  edxmlTimestampToDate,
  formatEdxmlDate,
  formatEdxmlTimestamp,
  isOrganId,
  isQcvnOrganId,
  isValidBase64,
  normalizeContentId,
  parseDocumentId,
  parseEdxml,
  parseEdxmlDate,
  parseEdxmlTimestamp,
  recipientsOf,
  summaryOf,
  type EdxmlDocument,
} from './index.js';
import { SAMPLES } from '../../../test/support/samples.js';

const load = (name: string) => parseEdxml(readFileSync(path.join(SAMPLES, name)));
const doc = (name: string): EdxmlDocument => load(name) as EdxmlDocument;

describe('formats', () => {
  it('isQcvnOrganId takes only the LLL.NN.NN.XNN form', () => {
    for (const id of ['000.00.00.G22', '000.00.14.H56', '001.00.99.H44'])
      expect(isQcvnOrganId(id)).toBe(true);
    for (const id of ['H37.02.02', '00.00.00.G22', '000.00.00.g22', '000.00.00.G2', ' 000.00.00.G22']) {
      expect(isQcvnOrganId(id)).toBe(false);
    }
  });

  it('isOrganId also takes the Decision 20/2020 form, up to 35 characters', () => {
    expect(isOrganId('H37.02.02')).toBe(true);
    expect(isOrganId('14.00.W00')).toBe(true);
    expect(isOrganId(`A${'.B'.repeat(17)}`)).toBe(true); // 35 characters
    expect(isOrganId(`A${'.B'.repeat(17)}C`)).toBe(false); // 36
    for (const id of ['abc', 'H37..02', '.H37', 'H37.', 'H37-02', '']) expect(isOrganId(id)).toBe(false);
  });

  it('parseEdxmlDate reads both orders and refuses impossible dates', () => {
    expect(parseEdxmlDate('2018/09/28')).toEqual({ y: 2018, m: 9, d: 28 });
    expect(parseEdxmlDate('28/09/2018')).toEqual({ y: 2018, m: 9, d: 28 });
    expect(parseEdxmlDate('2000/02/29')).toEqual({ y: 2000, m: 2, d: 29 });
    for (const s of ['2014/02/30', '1900/02/29', '2018/00/10', '2018/12/32', '2018-09-28', '28/9/2018', '']) {
      expect(parseEdxmlDate(s)).toBeNull();
    }
  });

  it('parseEdxmlTimestamp and edxmlTimestampToDate read Vietnam local time', () => {
    expect(parseEdxmlTimestamp('2018/09/28 17:25:11')).toEqual({
      y: 2018,
      m: 9,
      d: 28,
      hh: 17,
      mm: 25,
      ss: 11,
    });
    expect(parseEdxmlTimestamp('28/09/2018 00:00:00')).toEqual({ y: 2018, m: 9, d: 28, hh: 0, mm: 0, ss: 0 });
    expect(parseEdxmlTimestamp('2018/09/28 23:60:00')).toBeNull();
    expect(parseEdxmlTimestamp('2018/09/28T17:25:11')).toBeNull();
    expect(edxmlTimestampToDate('2018/09/28 07:00:00')?.toISOString()).toBe('2018-09-28T00:00:00.000Z');
    expect(edxmlTimestampToDate('nonsense')).toBeNull();
  });

  it('formatEdxmlTimestamp / formatEdxmlDate write Vietnam local time without offset', () => {
    const lateUtc = new Date('2023-12-31T17:00:00Z'); // already 1 January 2024 in Vietnam
    expect(formatEdxmlTimestamp(lateUtc)).toBe('2024/01/01 00:00:00');
    expect(formatEdxmlDate(lateUtc)).toBe('2024/01/01');
    expect(formatEdxmlTimestamp(new Date('2024-03-05T01:02:03Z'))).toBe('2024/03/05 08:02:03');
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(edxmlTimestampToDate(formatEdxmlTimestamp(now))?.getTime()).toBe(now.getTime());
    expect(() => formatEdxmlTimestamp(new Date('invalid'))).toThrow(RangeError);
  });

  it('parseDocumentId splits issuer, date, number and notation (shape only)', () => {
    expect(parseDocumentId('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT')).toEqual({
      organId: '000.00.00.G22',
      date: '2014/02/30',
      codeNumber: '7806',
      codeNotation: 'VPCP-TTĐT',
    });
    expect(parseDocumentId('000.00.00.G22,2020/01/02,01/2020/TT-BTTTT')?.codeNotation).toBe('2020/TT-BTTTT');
    expect(parseDocumentId('000.00.00.G22,2015/09/30,7816')).toBeNull();
  });

  it('normalizeContentId drops cid: and angle brackets', () => {
    expect(normalizeContentId('cid:209')).toBe('209');
    expect(normalizeContentId(' CID:<abc@x> ')).toBe('abc@x');
    expect(normalizeContentId('209')).toBe('209');
  });

  it('isValidBase64 checks the alphabet, padding and length on both its paths', () => {
    for (const s of ['', 'QUJD', 'QUI=', 'QQ==', 'QU JD\nQUI=', '\tQQ==\r\n'])
      expect(isValidBase64(s)).toBe(true);
    for (const s of ['QUJ', 'QQ=', 'Q===', 'QU=D', 'QUJD-_AA', 'QU JD QUI', 'QQ==QUJD', 'QUJD\u00e9AAA']) {
      expect(isValidBase64(s)).toBe(false);
    }
  });
});

describe('helpers', () => {
  it('recipientsOf gives the To OrganIds of a document and the ResponseFor agency of a status', () => {
    expect(recipientsOf(load('edoc_update.edxml'))).toEqual([
      '000.00.00.H41',
      '000.00.00.H14',
      '000.00.00.G17',
    ]);
    expect(recipientsOf(load('edoc_new.edxml'))).toEqual(['000.00.50.H19']);
    expect(recipientsOf(load('status_cancellation_13.edxml'))).toEqual(['000.00.00.H41']);
  });

  it('businessOf tells new, revoke, update and replace apart with the documents they refer to', () => {
    expect(businessOf(doc('edoc_new.edxml'))).toEqual({
      type: '0',
      action: 'new',
      declared: true,
      reason: 'Văn bản điện tử mới',
      referredDocumentIds: ['000.00.00.G22,2014/02/30,7806/VPCP-TTĐT'],
    });
    expect(businessOf(doc('edoc_revocation.edxml'))).toMatchObject({
      type: '1',
      action: 'revoke',
      referredDocumentIds: [],
    });
    expect(businessOf(doc('edoc_update.edxml'))).toMatchObject({
      type: '2',
      action: 'update',
      referredDocumentIds: ['000.00.00.G22,2014/02/30,7806/VPCP-TTĐT'],
    });
    // Two identical ReplacementInfo entries in the sample: one referred document.
    expect(businessOf(doc('edoc_replacement.edxml'))).toMatchObject({
      type: '3',
      action: 'replace',
      referredDocumentIds: ['000.00.00.G22,2014/01/30,7806/VPCP-TTĐT'],
    });
    const bare = doc('edoc_new.edxml');
    delete bare.TraceHeaderList;
    expect(businessOf(bare)).toEqual({ type: '0', action: 'new', declared: false, referredDocumentIds: [] });
  });

  it('summaryOf gives a short plain object for a document', () => {
    expect(summaryOf(load('edoc_revocation.edxml'))).toEqual({
      kind: 'edoc',
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      from: '000.00.00.G22',
      fromName: 'Văn phòng Chính phủ',
      to: ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'],
      code: '7816/VPCP-TTĐT',
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      promulgationDate: '2018/09/28',
      typeName: 'Công văn',
      business: '1 revoke',
      attachments: 1,
    });
  });

  it('summaryOf gives a short plain object for a status', () => {
    expect(summaryOf(load('status_rejection_02.edxml'))).toEqual({
      kind: 'status',
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      from: '000.00.00.H41',
      fromName: 'UBND Tỉnh Nghệ An',
      to: ['000.00.00.G22'],
      statusCode: '02',
      statusMeaning: STATUS_CODES['02'].meaning,
      description: 'Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện tử',
      timestamp: '2015/09/20 11:08:36',
    });
  });

  it('STATUS_CODES holds exactly the nine codes of domain.md', () => {
    expect(Object.keys(STATUS_CODES).sort()).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
    expect(STATUS_CODES['13'].sentBy).toBe('sender');
    expect(STATUS_CODES['06'].vi).toBe('Hoàn thành');
  });

  it('decodeAttachment decodes valid base64 and refuses invalid with EDXML_BASE64', () => {
    const ok = Object.assign(new Attachment(), { ContentId: 'cid:1', ContentTransferEncoded: 'SGVs\n bG8=' });
    expect(decodeAttachment(ok).toString('utf8')).toBe('Hello');
    const bad = Object.assign(new Attachment(), { ContentId: 'cid:2', ContentTransferEncoded: 'SGVs*bG8=' });
    let error: unknown;
    try {
      decodeAttachment(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdxmlError);
    expect((error as EdxmlError).code).toBe(EdxmlErrorCode.Base64);
    expect((error as EdxmlError).message).toContain('cid:2');
  });
});
