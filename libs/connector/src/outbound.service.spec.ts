import { describe, it, expect } from '@jest/globals';
import { settledEvent } from './outbound.service.js';
import type { RemoteDelivery } from './outbound.repository.js';

const row = (over: Partial<RemoteDelivery>): RemoteDelivery => ({
  recipient: '000.00.00.G09',
  messageType: 'edoc',
  state: 'forwarded',
  failureCode: null,
  failureReason: null,
  updatedAt: new Date('2026-11-23T02:00:00.000Z'),
  ...over,
});

describe('settledEvent', () => {
  it('announces a forwarded, expired or refused copy under a deterministic id', () => {
    expect(settledEvent('d1', row({}))).toEqual({
      eventId: 'd1:000.00.00.G09:forwarded',
      docId: 'd1',
      recipient: '000.00.00.G09',
      messageType: 'edoc',
      event: 'forwarded',
      at: '2026-11-23T02:00:00.000Z',
    });
    expect(
      settledEvent('d1', row({ state: 'failed', failureCode: 'FORBIDDEN_SENDER', failureReason: 'no' })),
    ).toMatchObject({ eventId: 'd1:000.00.00.G09:failed', event: 'failed', reason: 'FORBIDDEN_SENDER: no' });
    expect(settledEvent('d1', row({ state: 'expired', failureCode: 'EXPIRED' }))?.event).toBe('expired');
  });

  it('has nothing to say about a copy still waiting', () => {
    expect(settledEvent('d1', row({ state: 'outbound' }))).toBeNull();
  });
});
