import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEdxml, type EdxmlDocument, type EdxmlStatus } from '#edxml';
import type { AcceptedPackageMeta } from '#bus';
import { bestEffortRecipients, documentIntent, placement, statusIntent, uniqueIds } from './routing.rules.js';
import { SAMPLES } from '../../../test/support/samples.js';

const doc = (name: string) => parseEdxml(readFileSync(path.join(SAMPLES, name))) as EdxmlDocument;
const status = (name: string) => parseEdxml(readFileSync(path.join(SAMPLES, name))) as EdxmlStatus;

const SAMPLE_DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

function meta(over: Partial<AcceptedPackageMeta> = {}): AcceptedPackageMeta {
  return {
    docId: '7d0b3c1e-0000-4000-8000-000000000001',
    messageType: 'edoc',
    from: '000.00.00.G22',
    to: [],
    sha256: '0'.repeat(64),
    systemId: 'sys',
    serviceType: 'eDoc',
    acceptedAt: '2026-11-22T00:00:00.000Z',
    documentId: SAMPLE_DOCUMENT_ID,
    ...over,
  };
}

describe('uniqueIds', () => {
  it('merges lists, trims, drops blanks and keeps first-seen order', () => {
    expect(uniqueIds([' a ', 'b', ''], [undefined, 'a', null, 'c'])).toEqual(['a', 'b', 'c']);
  });
});

describe('documentIntent', () => {
  it('routes a new document to its To list united with the to header', () => {
    const intent = documentIntent(doc('edoc_new.edxml'), meta({ to: ['000.00.00.H41', '000.00.50.H19'] }));
    expect(intent).toEqual({ kind: 'new', recipients: ['000.00.50.H19', '000.00.00.H41'] });
  });

  it('treats a document without Bussiness as new', () => {
    const d = doc('edoc_new.edxml');
    d.TraceHeaderList = undefined;
    expect(documentIntent(d, meta()).kind).toBe('new');
  });

  it('makes a revocation without Bussiness.DocumentId refer to its own DocumentId', () => {
    const intent = documentIntent(doc('edoc_revocation.edxml'), meta());
    expect(intent).toEqual({
      kind: 'business',
      action: 'revoke',
      referredDocumentIds: [SAMPLE_DOCUMENT_ID],
      recipients: ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'],
    });
  });

  it('makes a revocation with Bussiness.DocumentId refer to that document', () => {
    const d = doc('edoc_revocation.edxml');
    d.TraceHeaderList!.business!.DocumentId = '000.00.00.G22,2014/01/01,1/VPCP';
    const intent = documentIntent(d, meta());
    expect(intent.kind === 'business' && intent.referredDocumentIds).toEqual([
      '000.00.00.G22,2014/01/01,1/VPCP',
    ]);
  });

  it('adds receivers an update adds (ReceiverType 1) but not those it removes', () => {
    const d = doc('edoc_update.edxml');
    // Leave only G17 in To so the ReceiverList is the only source of H41 (removed) and H14 (added).
    d.MessageHeader.To = d.MessageHeader.To.filter((t) => t.OrganId === '000.00.00.G17');
    const intent = documentIntent(d, meta());
    expect(intent).toEqual({
      kind: 'business',
      action: 'update',
      referredDocumentIds: ['000.00.00.G22,2014/02/30,7806/VPCP-TTĐT'],
      recipients: ['000.00.00.G17', '000.00.00.H14'],
    });
  });

  it('makes a replacement refer to each replaced document and reach its OrganIdList', () => {
    const d = doc('edoc_replacement.edxml');
    d.MessageHeader.To = [];
    const intent = documentIntent(d, meta({ to: ['000.00.00.G17'] }));
    expect(intent).toEqual({
      kind: 'business',
      action: 'replace',
      referredDocumentIds: ['000.00.00.G22,2014/01/30,7806/VPCP-TTĐT'],
      recipients: ['000.00.00.G17', '000.00.00.H41', '000.00.00.H14'],
    });
  });
});

describe('statusIntent', () => {
  it('reads the original, the counterpart, the code and the Vietnam-local timestamp', () => {
    const intent = statusIntent(
      status('status_acceptance_03.edxml'),
      meta({ messageType: 'status', from: '000.00.00.H41' }),
    );
    expect(intent).toEqual({
      kind: 'status',
      reporter: '000.00.00.H41',
      originalDocumentId: SAMPLE_DOCUMENT_ID,
      counterpart: '000.00.00.G22',
      statusCode: '03',
      description: expect.stringContaining('Tiếp nhận văn bản điện tử'),
      timestamp: new Date('2015-09-20T04:08:36.000Z'),
    });
  });

  it('trusts the authenticated sender as the reporter', () => {
    const intent = statusIntent(
      status('status.edxml'),
      meta({ messageType: 'status', from: '000.00.99.H41' }),
    );
    expect(intent.kind === 'status' && intent.reporter).toBe('000.00.99.H41');
  });
});

describe('bestEffortRecipients', () => {
  it('uses the to header alone when nothing could be parsed', () => {
    expect(bestEffortRecipients(null, meta({ to: ['000.00.00.H41'] }))).toEqual(['000.00.00.H41']);
  });

  it('adds the To list of a parsed document and the ResponseFor agency of a status', () => {
    expect(bestEffortRecipients(doc('edoc_new.edxml'), meta({ to: ['000.00.00.H41'] }))).toEqual([
      '000.00.00.H41',
      '000.00.50.H19',
    ]);
    expect(bestEffortRecipients(status('status.edxml'), meta())).toEqual(['000.00.00.G22']);
  });
});

describe('placement', () => {
  const province = { axisRole: 'provincial', axisOrganId: '000.00.00.H41' } as const;
  const national = { axisRole: 'national', axisOrganId: '000.00.00.G22' } as const;

  it('keeps agencies of this axis, and those the registry places nowhere, in local inboxes', () => {
    expect(placement('000.00.00.H41', province, false)).toBe('local');
    expect(placement(undefined, province, false)).toBe('local');
    expect(placement('', province, true)).toBe('local');
  });

  it('sends agencies of other axes up from a provincial axis', () => {
    expect(placement('000.00.00.G22', province, false)).toBe('outbound');
    expect(placement('000.00.00.H14', province, false)).toBe('outbound');
  });

  it('never sends a package that came down from the parent back up', () => {
    expect(placement('000.00.00.H14', province, true)).toBe('skip');
  });

  it('refuses recipients on other axes at once when this provincial axis has no parent link', () => {
    const standalone = { ...province, hasParent: false } as const;
    expect(placement('000.00.00.H14', standalone, false)).toBe('unroutable');
    expect(placement('000.00.00.H41', standalone, false)).toBe('local');
  });

  it('delivers everything locally on the national axis (axes are connected systems there)', () => {
    expect(placement('000.00.00.H41', national, false)).toBe('local');
    expect(placement('000.00.00.H14', national, true)).toBe('local');
  });
});
