import { describe, it, expect } from '@jest/globals';
import { DxError } from '#contracts';
import { parseDeliveryEvent } from './delivery-event.dto.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const valid = {
  eventId: 'e1',
  docId: '7d0b3c1e-0000-4000-8000-000000000003',
  recipient: '000.00.00.H41',
  messageType: 'edoc',
  event: 'status',
  statusCode: '03',
  reason: 'Tiếp nhận',
  at: '2026-11-22T01:02:03.000Z',
};

function rejection(data: Uint8Array): DxError {
  try {
    parseDeliveryEvent(data);
  } catch (e) {
    return e as DxError;
  }
  throw new Error('accepted');
}

describe('parseDeliveryEvent', () => {
  it('accepts a well-formed event', () => {
    expect({ ...parseDeliveryEvent(enc(valid)) }).toEqual(valid);
  });

  it('accepts the events of recipients on other axes', () => {
    for (const event of ['outbound', 'forwarded', 'expired']) {
      expect(parseDeliveryEvent(enc({ ...valid, event })).event).toBe(event);
    }
  });

  it('drops fields it does not know (a newer publisher)', () => {
    expect({ ...parseDeliveryEvent(enc({ ...valid, extra: 1 })) }).toEqual(valid);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', [valid]],
    ['a bad docId', { ...valid, docId: 'x' }],
    ['an unknown event', { ...valid, event: 'lost' }],
    ['a bad time', { ...valid, at: 'yesterday' }],
    ['a missing recipient', { ...valid, recipient: undefined }],
  ])('rejects %s permanently', (_what, input) => {
    const e = rejection(enc(input));
    expect(e).toBeInstanceOf(DxError);
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.transient).toBe(false);
  });
});
