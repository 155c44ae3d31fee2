import { describe, it, expect } from '@jest/globals';
import { toReceivedItem, toSentItem } from './sdk-items.js';
import type { SentDeliveryRow } from './delivery.repository.js';

const t1 = new Date('2025-03-01T02:00:00.000Z');
const t2 = new Date('2025-03-01T03:30:00.000Z');

describe('SDK answer items', () => {
  it('shapes an inbox row like the SDK', () => {
    expect(
      toReceivedItem({
        id: '7',
        docId: 'd1',
        senderOrganId: '000.00.00.G22',
        recipientOrganId: '000.00.00.H41',
        messageType: 'edoc',
        state: 'pending',
        createdAt: t1,
        updatedAt: t2,
        sha256: 'ab'.repeat(32),
        sizeBytes: 1234,
        documentId: 'DOC-1',
        trace: [{ OrganId: '000.00.00.G22', Timestamp: '2025/03/01 09:00:00' }],
        signature: 'invalid',
      }),
    ).toEqual({
      id: 'd1',
      from: '000.00.00.G22',
      to: '000.00.00.H41',
      serviceType: 'eDoc',
      messageType: 'edoc',
      status: 'pending',
      created_time: '2025-03-01T02:00:00.000Z',
      updated_time: '2025-03-01T03:30:00.000Z',
      contentSha256: 'ab'.repeat(32),
      contentLength: 1234,
      documentId: 'DOC-1',
      trace: [{ OrganId: '000.00.00.G22', Timestamp: '2025/03/01 09:00:00' }],
      signature: 'invalid',
    });
  });

  it("gives a sent package its own recipients' states, business status meaning and failure", () => {
    const base = {
      businessStatus: null,
      businessStatusAt: null,
      businessDescription: null,
      failureCode: null,
      failureReason: null,
      updatedAt: t2,
    };
    const deliveries: SentDeliveryRow[] = [
      {
        ...base,
        docId: 'd1',
        recipientOrganId: 'A',
        state: 'done',
        businessStatus: '03',
        businessStatusAt: t2,
        businessDescription: 'vào sổ',
      },
      { ...base, docId: 'd1', recipientOrganId: 'B', state: 'failed', failureCode: 'UNKNOWN_RECIPIENT' },
      { ...base, docId: 'other', recipientOrganId: 'C', state: 'pending' },
    ];
    const item = toSentItem(
      {
        docId: 'd1',
        messageType: 'edoc',
        senderOrganId: 'S',
        systemId: 'sys',
        documentKey: 'DOC-1',
        documentId: 'DOC-1',
        sha256: 'cd'.repeat(32),
        sizeBytes: 99,
        toHeader: ['A'],
        acceptedAt: t1,
        publishedAt: null,
        signature: { verdict: 'unsigned', code: 'SIG_MISSING', message: 'the package has no Signature' },
        trace: [],
        originAxis: null,
      },
      deliveries,
    );
    expect(item.published).toBe(false);
    expect(item.signature).toEqual({
      verdict: 'unsigned',
      code: 'SIG_MISSING',
      message: 'the package has no Signature',
    });
    expect(item.accepted_time).toBe(t1.toISOString());
    expect(item.recipients.map((r) => r.to)).toEqual(['A', 'B']);
    expect(item.recipients[0].businessStatus).toEqual({
      code: '03',
      meaning: 'accepted and registered',
      description: 'vào sổ',
      time: t2.toISOString(),
    });
    expect(item.recipients[0].failure).toBeNull();
    expect(item.recipients[1]).toMatchObject({
      status: 'failed',
      businessStatus: null,
      failure: { code: 'UNKNOWN_RECIPIENT', reason: null },
    });
  });
});
