import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeAttachment, parseEdxml, type EdxmlDocument } from '#edxml';
import type { AcceptedPackageMeta } from '#bus';
import { archiveColumns, base64DecodedSize } from './archive.metadata.js';
import { SAMPLES } from '../../../test/support/samples.js';

/** The parts of archived_package.metadata these tests read. */
interface Metadata {
  from: { organId: string; organName?: string };
  to: { organId: string; organName?: string }[];
  toHeader?: string[];
  traceHeaders: { organId: string; timestamp: string }[];
  attachments: { name?: string; contentType?: string; sizeBytes?: number }[];
  parseError?: { code: string; message: string };
}

const read = (name: string) => readFileSync(path.join(SAMPLES, name));

function meta(over: Partial<AcceptedPackageMeta> = {}): AcceptedPackageMeta {
  return {
    docId: '7d0b3c1e-0000-4000-8000-000000000002',
    messageType: 'edoc',
    from: '000.00.00.K19',
    to: ['000.00.00.H41'],
    sha256: '0'.repeat(64),
    systemId: 'sys-1',
    serviceType: 'eDoc',
    acceptedAt: '2026-11-22T00:00:00.000Z',
    documentId: 'from-header',
    ...over,
  };
}

describe('base64DecodedSize', () => {
  it('equals the decoded length for every padding case, with line breaks', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000, 1001, 1002]) {
      const b64 = randomBytes(n)
        .toString('base64')
        .replace(/(.{76})/g, '$1\r\n');
      expect(base64DecodedSize(b64)).toBe(n);
    }
  });
});

describe('archiveColumns', () => {
  it('indexes a document and summarises attachments without their content', () => {
    const pkg = parseEdxml(read('edoc_new.edxml')) as EdxmlDocument;
    const cols = archiveColumns(pkg, meta());
    expect(cols).toMatchObject({
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      codeNumber: '781622e22',
      codeNotation: 'VPCP-TTĐT',
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      promulgationDate: '2018/10/19',
      typeName: 'Công văn',
      priority: '0',
      businessDocType: '0',
      statusCode: null,
    });
    const md = cols.metadata as unknown as Metadata;
    expect(md.from).toEqual({ organId: '000.00.00.K19', organName: 'Văn phòng Chính phủ' });
    expect(md.to.map((t) => t.organId)).toEqual(['000.00.50.H19']);
    expect(md.toHeader).toEqual(['000.00.00.H41']);
    expect(md.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }]);
    expect(md.attachments).toEqual([
      {
        contentId: 'cid:209',
        name: '1896_QD-TTg_m_294779.doc',
        description: '1896_QD-TTg_m_294779.doc',
        contentType: 'application/zip',
        sizeBytes: decodeAttachment(pkg.attachments[0]).length,
      },
    ]);
    // The 360 KB package must not end up in the index.
    expect(JSON.stringify(md).length).toBeLessThan(4000);
  });

  it('files a status under the document it is about', () => {
    const cols = archiveColumns(parseEdxml(read('status_finish_06.edxml')), meta({ messageType: 'status' }));
    expect(cols.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(cols.statusCode).toBe('06');
    expect(cols.metadata).toMatchObject({
      kind: 'status',
      responseFor: { organId: '000.00.00.G22' },
      timestamp: '2015/09/20 11:08:36',
    });
  });

  it('keeps what the headers say, and why, when the bytes could not be parsed', () => {
    const cols = archiveColumns(null, meta(), { parseError: { code: 'EDXML_MALFORMED', message: 'bad' } });
    expect(cols.documentId).toBe('from-header');
    expect(cols.subject).toBeNull();
    expect(cols.metadata).toEqual({
      kind: null,
      from: { organId: '000.00.00.K19' },
      toHeader: ['000.00.00.H41'],
      systemId: 'sys-1',
      serviceType: 'eDoc',
      parseError: { code: 'EDXML_MALFORMED', message: 'bad' },
    });
  });
});
