// One test per validation code: a valid sample broken in exactly one place gives exactly that issue.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EdxmlError,
  EdxmlErrorCode,
  ResponseFor,
  assertValid,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlPackage,
  type EdxmlStatus,
  type EdxmlValidationIssue,
} from './index.js';
import { SAMPLES } from '../../../test/support/samples.js';

const load = (name: string): EdxmlPackage => parseEdxml(readFileSync(path.join(SAMPLES, name)));
const doc = (name = 'edoc_update.edxml'): EdxmlDocument => load(name) as EdxmlDocument;
const status = (): EdxmlStatus => load('status.edxml') as EdxmlStatus;

/** The package has exactly one issue, with this code and field, and its message names the field. */
function expectOnlyIssue(pkg: EdxmlPackage, code: string, field: string): EdxmlValidationIssue {
  const issues = validateEdxml(pkg);
  expect(issues.map((i) => ({ code: i.code, field: i.field }))).toEqual([{ code, field }]);
  expect(issues[0].message.startsWith(field)).toBe(true);
  return issues[0];
}

describe('validateEdxml', () => {
  it('starts from valid samples', () => {
    expect(validateEdxml(doc())).toEqual([]);
    expect(validateEdxml(doc('edoc_replacement.edxml'))).toEqual([]);
    expect(validateEdxml(status())).toEqual([]);
  });

  describe('EDXML_REQUIRED', () => {
    it.each([
      ['MessageHeader.From.OrganId', (d: EdxmlDocument) => delete d.MessageHeader.From.OrganId],
      ['MessageHeader.From.OrganName', (d: EdxmlDocument) => (d.MessageHeader.From.OrganName = '')],
      ['MessageHeader.To', (d: EdxmlDocument) => (d.MessageHeader.To = [])],
      ['MessageHeader.To[2].OrganId', (d: EdxmlDocument) => delete d.MessageHeader.To[2].OrganId],
      ['MessageHeader.Code.CodeNumber', (d: EdxmlDocument) => delete d.MessageHeader.Code.CodeNumber],
      ['MessageHeader.Code.CodeNotation', (d: EdxmlDocument) => (d.MessageHeader.Code.CodeNotation = '')],
      [
        'MessageHeader.PromulgationInfo.PromulgationDate',
        (d: EdxmlDocument) => delete d.MessageHeader.PromulgationInfo.PromulgationDate,
      ],
      [
        'MessageHeader.DocumentType.TypeName',
        (d: EdxmlDocument) => delete d.MessageHeader.DocumentType.TypeName,
      ],
      ['MessageHeader.Subject', (d: EdxmlDocument) => delete d.MessageHeader.Subject],
      ['MessageHeader.DocumentId', (d: EdxmlDocument) => delete d.MessageHeader.DocumentId],
    ])('document: %s', (field, breakIt) => {
      const d = doc();
      breakIt(d);
      const issue = expectOnlyIssue(d, EdxmlErrorCode.Required, field);
      expect(issue.message).toBe(
        `${field} is required${field === 'MessageHeader.To' ? ' (at least one)' : ''}`,
      );
    });

    it('document: an absent mandatory element (Code) reads as its missing mandatory children', () => {
      const raw = readFileSync(path.join(SAMPLES, 'edoc_update.edxml'), 'utf8');
      const withoutCode = raw.replace(/<edXML:Code>[\s\S]*?<\/edXML:Code>/, '');
      const issues = validateEdxml(parseEdxml(withoutCode));
      expect(issues.map((i) => [i.code, i.field])).toEqual([
        [EdxmlErrorCode.Required, 'MessageHeader.Code.CodeNumber'],
        [EdxmlErrorCode.Required, 'MessageHeader.Code.CodeNotation'],
      ]);
    });

    it.each([
      ['MessageHeader.From.OrganId', (s: EdxmlStatus) => delete s.MessageHeader.From.OrganId],
      ['MessageHeader.ResponseFor.OrganId', (s: EdxmlStatus) => delete s.MessageHeader.ResponseFor.OrganId],
      [
        'MessageHeader.ResponseFor.DocumentId',
        (s: EdxmlStatus) => (s.MessageHeader.ResponseFor.DocumentId = ''),
      ],
      ['MessageHeader.StatusCode', (s: EdxmlStatus) => delete s.MessageHeader.StatusCode],
      ['MessageHeader.Timestamp', (s: EdxmlStatus) => delete s.MessageHeader.Timestamp],
    ])('status: %s', (field, breakIt) => {
      const s = status();
      breakIt(s);
      expectOnlyIssue(s, EdxmlErrorCode.Required, field);
    });

    it('reports a missing container of a hand-built plain object at the container', () => {
      const d = JSON.parse(JSON.stringify(doc())) as Record<string, Record<string, unknown>>;
      delete d.MessageHeader.DocumentType;
      expectOnlyIssue(d as unknown as EdxmlDocument, EdxmlErrorCode.Required, 'MessageHeader.DocumentType');
    });
  });

  describe('EDXML_ORGANID_FORMAT', () => {
    it('names the To index and the bad value', () => {
      const d = doc();
      d.MessageHeader.To[1].OrganId = 'abc';
      const issue = expectOnlyIssue(d, EdxmlErrorCode.OrganIdFormat, 'MessageHeader.To[1].OrganId');
      expect(issue.message).toContain('MessageHeader.To[1].OrganId "abc" is not an agency identifier');
      expect(issue.message).toContain('LLL.NN.NN.XNN');
    });

    it('accepts both identifier forms and checks From, traces, receivers and replacement lists', () => {
      const d = doc();
      d.MessageHeader.To[0].OrganId = 'H37.02.02'; // Decision 20/2020 form
      expect(validateEdxml(d)).toEqual([]);
      d.MessageHeader.From.OrganId = '000.00.00.g22';
      expectOnlyIssue(d, EdxmlErrorCode.OrganIdFormat, 'MessageHeader.From.OrganId');
      const t = doc();
      t.TraceHeaderList!.traces[0].OrganId = '000.00.00.G22 ';
      expectOnlyIssue(t, EdxmlErrorCode.OrganIdFormat, 'TraceHeaderList.TraceHeader[0].OrganId');
      const r = doc();
      r.TraceHeaderList!.business!.BussinessDocumentInfo!.ReceiverList![1].OrganId = 'x-y';
      expectOnlyIssue(
        r,
        EdxmlErrorCode.OrganIdFormat,
        'TraceHeaderList.Bussiness.BussinessDocumentInfo.ReceiverList.Receiver[1].OrganId',
      );
    });

    it('names the bad entry of an OrganIdList', () => {
      const d = doc('edoc_replacement.edxml');
      d.TraceHeaderList!.business!.ReplacementInfoList![1].OrganIdList![1] = 'nope';
      const field = 'TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo[1].OrganIdList.OrganId';
      const issue = expectOnlyIssue(d, EdxmlErrorCode.OrganIdFormat, field);
      expect(issue.message).toContain(`${field}[1] "nope"`);
    });

    it('checks the status ResponseFor', () => {
      const s = status();
      s.MessageHeader.ResponseFor.OrganId = 'G22';
      expect(validateEdxml(s)).toEqual([]); // a valid Decision 20/2020 level-1 code
      s.MessageHeader.ResponseFor.OrganId = 'g22';
      expectOnlyIssue(s, EdxmlErrorCode.OrganIdFormat, 'MessageHeader.ResponseFor.OrganId');
    });
  });

  it('EDXML_STATUS_CODE: only the nine known codes', () => {
    for (const code of ['01', '02', '03', '04', '05', '06', '13', '15', '16']) {
      const s = status();
      s.MessageHeader.StatusCode = code;
      expect(validateEdxml(s)).toEqual([]);
    }
    const s = status();
    s.MessageHeader.StatusCode = '07';
    const issue = expectOnlyIssue(s, EdxmlErrorCode.StatusCode, 'MessageHeader.StatusCode');
    expect(issue.message).toBe(
      'MessageHeader.StatusCode "07" is not one of 01, 02, 03, 04, 05, 06, 13, 15, 16',
    );
  });

  it('EDXML_BUSINESS_DOC_TYPE', () => {
    const d = doc();
    d.TraceHeaderList!.business!.BussinessDocType = '4';
    expectOnlyIssue(d, EdxmlErrorCode.BusinessDocType, 'TraceHeaderList.Bussiness.BussinessDocType');
  });

  it('EDXML_PRIORITY: 0..4', () => {
    const d = doc();
    d.MessageHeader.OtherInfo!.Priority = '4';
    expect(validateEdxml(d)).toEqual([]);
    d.MessageHeader.OtherInfo!.Priority = '5';
    expectOnlyIssue(d, EdxmlErrorCode.Priority, 'MessageHeader.OtherInfo.Priority');
  });

  it('EDXML_STEERING_TYPE: 0 (seen in the wild) to 3', () => {
    const d = doc();
    d.MessageHeader.SteeringType = '0';
    expect(validateEdxml(d)).toEqual([]);
    d.MessageHeader.SteeringType = '4';
    expectOnlyIssue(d, EdxmlErrorCode.SteeringType, 'MessageHeader.SteeringType');
  });

  it('EDXML_PAPER: 0 or 1', () => {
    const d = doc();
    d.TraceHeaderList!.business!.Paper = 'yes';
    expectOnlyIssue(d, EdxmlErrorCode.Paper, 'TraceHeaderList.Bussiness.Paper');
  });

  it('EDXML_RECEIVER_TYPE: 0 or 1', () => {
    const d = doc();
    d.TraceHeaderList!.business!.BussinessDocumentInfo!.ReceiverList![0].ReceiverType = '2';
    expectOnlyIssue(
      d,
      EdxmlErrorCode.ReceiverType,
      'TraceHeaderList.Bussiness.BussinessDocumentInfo.ReceiverList.Receiver[0].ReceiverType',
    );
  });

  describe('EDXML_DATE', () => {
    it.each([
      ['2018/02/30', 'MessageHeader.PromulgationInfo.PromulgationDate'],
      ['2018-09-28', 'MessageHeader.PromulgationInfo.PromulgationDate'],
      ['31/04/2018', 'MessageHeader.DueDate'],
      ['2018/9/28', 'MessageHeader.DueDate'],
    ])('%s in %s', (value, field) => {
      const d = doc();
      if (field.endsWith('DueDate')) d.MessageHeader.DueDate = value;
      else d.MessageHeader.PromulgationInfo.PromulgationDate = value;
      const issue = expectOnlyIssue(d, EdxmlErrorCode.Date, field);
      expect(issue.message).toContain(`"${value}"`);
    });

    it('accepts 29 February of a leap year in both orders', () => {
      const d = doc();
      d.MessageHeader.PromulgationInfo.PromulgationDate = '2024/02/29';
      d.MessageHeader.DueDate = '29/02/2024';
      expect(validateEdxml(d)).toEqual([]);
      d.MessageHeader.DueDate = '29/02/2023';
      expectOnlyIssue(d, EdxmlErrorCode.Date, 'MessageHeader.DueDate');
    });
  });

  describe('EDXML_TIMESTAMP', () => {
    it.each(['2018/09/28 24:00:00', '2018-09-28T10:00:00', '2018/09/28', '2018/09/28 10:00'])(
      '%s',
      (value) => {
        const d = doc();
        d.TraceHeaderList!.traces[0].Timestamp = value;
        expectOnlyIssue(d, EdxmlErrorCode.Timestamp, 'TraceHeaderList.TraceHeader[0].Timestamp');
      },
    );

    it('checks the status Timestamp and accepts dd/MM/yyyy HH:mm:ss', () => {
      const s = status();
      s.MessageHeader.Timestamp = '28/09/2018 17:25:11';
      expect(validateEdxml(s)).toEqual([]);
      s.MessageHeader.Timestamp = '2018/09/28 17:61:11';
      expectOnlyIssue(s, EdxmlErrorCode.Timestamp, 'MessageHeader.Timestamp');
    });
  });

  describe('EDXML_DOCUMENT_ID_FORMAT', () => {
    it.each([
      ['9fbfbad2-f1f8-4256-a2eb-50fb1061cddb'], // the malformed sample's
      ['000.00.00.G22,2015/09/30,7816'],
      ['000.00.00.G22,30/09/2015,7816/VPCP-TTĐT'],
      ['bad id,2015/09/30,7816/VPCP-TTĐT'],
    ])('%s', (value) => {
      const d = doc();
      d.MessageHeader.DocumentId = value;
      expectOnlyIssue(d, EdxmlErrorCode.DocumentIdFormat, 'MessageHeader.DocumentId');
    });

    it('checks only the shape: an impossible date and another issuer than From pass (as in the samples)', () => {
      const d = doc();
      d.MessageHeader.DocumentId = '000.00.04.G14,2014/02/30,1/XYZ';
      expect(validateEdxml(d)).toEqual([]);
    });

    it('checks Bussiness, ReplacementInfo and ResponseFor DocumentIds', () => {
      const d = doc('edoc_replacement.edxml');
      d.TraceHeaderList!.business!.ReplacementInfoList![0].DocumentId = 'x';
      expectOnlyIssue(
        d,
        EdxmlErrorCode.DocumentIdFormat,
        'TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo[0].DocumentId',
      );
      const r = doc('edoc_revocation.edxml');
      r.MessageHeader.ResponseFor[0].DocumentId = 'x';
      expectOnlyIssue(r, EdxmlErrorCode.DocumentIdFormat, 'MessageHeader.ResponseFor[0].DocumentId');
    });
  });

  it('treats an all-empty ResponseFor as absent', () => {
    const d = doc();
    d.MessageHeader.ResponseFor = [doc('edoc_revocation.edxml').MessageHeader.ResponseFor[0]];
    d.MessageHeader.ResponseFor.push(
      Object.assign(new ResponseFor(), { OrganId: '', Code: '', PromulgationDate: '', DocumentId: '' }),
    );
    expect(validateEdxml(d)).toEqual([]);
    d.MessageHeader.ResponseFor[1].PromulgationDate = '2018/13/01';
    expectOnlyIssue(d, EdxmlErrorCode.Date, 'MessageHeader.ResponseFor[1].PromulgationDate');
  });

  describe('EDXML_ATTACHMENT_MISMATCH', () => {
    it('reports a Reference without attachment and an attachment without Reference', () => {
      const d = doc();
      d.attachments[0].ContentId = 'cid:210';
      const issues = validateEdxml(d);
      expect(issues.map((i) => [i.code, i.field])).toEqual([
        [EdxmlErrorCode.AttachmentMismatch, 'edXMLManifest.Reference'],
        [EdxmlErrorCode.AttachmentMismatch, 'AttachmentEncoded.Attachment'],
      ]);
      expect(issues[0].message).toBe(
        'edXMLManifest.Reference[0].ContentId "cid:209" has no counterpart in AttachmentEncoded.Attachment',
      );
      expect(issues[1].message).toBe(
        'AttachmentEncoded.Attachment[0].ContentId "cid:210" has no counterpart in edXMLManifest.Reference',
      );
    });

    it('matches ContentIds by their normalised form', () => {
      const d = doc();
      d.attachments[0].ContentId = '209';
      d.references[0].ContentId = ' <209> ';
      expect(validateEdxml(d)).toEqual([]);
    });

    it('reports a missing attachment', () => {
      const d = doc();
      d.attachments = [];
      expectOnlyIssue(d, EdxmlErrorCode.AttachmentMismatch, 'edXMLManifest.Reference');
    });
  });

  describe('EDXML_BASE64', () => {
    it.each(['UEsDB!AA', 'UEsDBBQ', 'UEs=DBBQ', 'UEsDBB==='])('%s', (value) => {
      const d = doc();
      d.attachments[0].ContentTransferEncoded = value;
      const issue = expectOnlyIssue(
        d,
        EdxmlErrorCode.Base64,
        'AttachmentEncoded.Attachment[0].ContentTransferEncoded',
      );
      expect(issue.message).toContain(`"${value}"`);
    });

    it('allows whitespace and padding, and keeps a long value out of the message', () => {
      const d = doc();
      d.attachments[0].ContentTransferEncoded = 'UEsD\r\n  BBQA\tCAg=';
      expect(validateEdxml(d)).toEqual([]);
      d.attachments[0].ContentTransferEncoded = `${'A'.repeat(10_000)}*`;
      const issue = expectOnlyIssue(
        d,
        EdxmlErrorCode.Base64,
        'AttachmentEncoded.Attachment[0].ContentTransferEncoded',
      );
      expect(issue.message.length).toBeLessThan(200);
    });
  });

  it('validates plain objects (e.g. from JSON) like model instances', () => {
    const d = doc();
    d.MessageHeader.To[1].OrganId = 'abc';
    const plain = JSON.parse(JSON.stringify(d)) as EdxmlDocument;
    expect(validateEdxml(plain)).toEqual(validateEdxml(d));
    expect(validateEdxml(plain)).toHaveLength(1);
  });

  it('reports several issues at once', () => {
    const s = status();
    s.MessageHeader.StatusCode = '99';
    s.MessageHeader.Timestamp = 'now';
    s.MessageHeader.From.OrganId = '';
    expect(validateEdxml(s).map((i) => i.code)).toEqual([
      EdxmlErrorCode.Required,
      EdxmlErrorCode.StatusCode,
      EdxmlErrorCode.Timestamp,
    ]);
  });
});

describe('assertValid', () => {
  it('passes a valid package', () => {
    expect(() => assertValid(doc())).not.toThrow();
  });

  it('throws EDXML_INVALID carrying every issue', () => {
    const d = doc();
    d.MessageHeader.To[1].OrganId = 'abc';
    d.MessageHeader.SteeringType = '9';
    let error: unknown;
    try {
      assertValid(d);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdxmlError);
    const e = error as EdxmlError;
    expect(e.code).toBe(EdxmlErrorCode.Invalid);
    expect(e.issues?.map((i) => i.code)).toEqual([EdxmlErrorCode.OrganIdFormat, EdxmlErrorCode.SteeringType]);
    expect(e.message).toContain('2 issues');
    expect(e.message).toContain('MessageHeader.To[1].OrganId "abc"');
    expect(e.message).toContain('MessageHeader.SteeringType "9"');
  });
});
