import { describe, it, expect } from '@jest/globals';
import type { DeliveryState } from '#store';
import { checkTransition, isTransportStatus, type TransportStatus } from './delivery-transition.js';

const where = 'the delivery of D to A';

describe('checkTransition', () => {
  it('lets an open copy move to any transport status', () => {
    for (const from of ['pending', 'processing'] as DeliveryState[]) {
      for (const to of ['processing', 'done', 'fail'] as TransportStatus[]) {
        expect(checkTransition(from, to, where)).toBe(from !== to);
      }
    }
  });

  it('lets a receiver retry after fail', () => {
    expect(checkTransition('fail', 'processing', where)).toBe(true);
    expect(checkTransition('fail', 'done', where)).toBe(true);
    expect(checkTransition('fail', 'fail', where)).toBe(false);
  });

  it('keeps done final but accepts a repeated done', () => {
    expect(checkTransition('done', 'done', where)).toBe(false);
    expect(() => checkTransition('done', 'processing', where)).toThrow(/already done; done is final/);
    expect(() => checkTransition('done', 'fail', where)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('refuses to acknowledge a copy the hub could not deliver', () => {
    expect(() => checkTransition('failed', 'done', where)).toThrow(/could not be delivered/);
  });

  it('refuses to acknowledge an expired copy, and copies that belong to another axis', () => {
    expect(() => checkTransition('expired', 'done', where)).toThrow(/expired/);
    expect(() => checkTransition('outbound', 'done', where)).toThrow(/another axis/);
    expect(() => checkTransition('forwarded', 'processing', where)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('knows the transport statuses', () => {
    expect(['processing', 'done', 'fail'].every(isTransportStatus)).toBe(true);
    expect(isTransportStatus('pending')).toBe(false);
    expect(isTransportStatus('03')).toBe(false);
  });
});
