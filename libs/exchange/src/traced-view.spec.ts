import { describe, it, expect } from '@jest/globals';
import { parseEdxml, type EdxmlDocument } from '#edxml';
import { readSample } from '../../../test/support/samples.js';
import { tracedCopy } from './traced-view.js';

const hops = [
  { OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' },
  { OrganId: '000.00.00.G22', Timestamp: '2026/11/23 09:00:01' },
];

describe('tracedCopy', () => {
  it("appends the hub hops after the package's own TraceHeaders and keeps the rest", () => {
    const original = readSample('edoc_new.edxml');
    const before = parseEdxml(original) as EdxmlDocument;
    const copy = tracedCopy(original, hops)!;
    const after = parseEdxml(copy) as EdxmlDocument;
    const own = (before.TraceHeaderList?.traces ?? []).map((t) => ({ ...t }));
    expect(after.TraceHeaderList!.traces.map((t) => ({ ...t }))).toEqual([...own, ...hops]);
    expect(after.MessageHeader.DocumentId).toBe(before.MessageHeader.DocumentId);
    expect(after.attachments.length).toBe(before.attachments.length);
    expect(after.signatureXml).toBe(before.signatureXml);
    // A rebuilt copy: not the bytes the sender signed.
    expect(copy.equals(original)).toBe(false);
  });

  it('has nothing to offer for a status package (no TraceHeaderList) or unreadable bytes', () => {
    expect(tracedCopy(readSample('status.edxml'), hops)).toBeNull();
    expect(tracedCopy(Buffer.from('not xml'), hops)).toBeNull();
  });
});
