import { describe, it, expect } from '@jest/globals';
import { groupInbox } from './inbound.service.js';

describe('groupInbox', () => {
  it("takes each package once with every agency of this axis it is for, in the parent's order", () => {
    expect(
      groupInbox([
        { id: 'd1', to: '000.00.01.H41', messageType: 'edoc' },
        { id: 'd2', to: '000.00.01.H41', messageType: 'edoc' },
        { id: 'd1', to: '000.00.02.H41', messageType: 'edoc' },
        { id: 'd1', to: '000.00.02.H41', messageType: 'edoc' },
      ]),
    ).toEqual([
      { id: 'd1', to: ['000.00.01.H41', '000.00.02.H41'] },
      { id: 'd2', to: ['000.00.01.H41'] },
    ]);
  });
});
