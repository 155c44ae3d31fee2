// Packages for the routing and connector tests: the SDK's samples, re-addressed, with fresh DocumentIds.
import { randomBytes } from 'node:crypto';
import { buildEdxml, Organization, parseEdxml, type EdxmlDocument } from '#edxml';
import { readSample } from './samples.js';

export const TEST_DAY = '2026/11/23';

let serial = 0;
/** A DocumentId no other test uses: `<from>,<day>,<number>/<notation>`. */
export const nextDocumentId = (from: string, notation = 'UBND-VP'): string =>
  `${from},${TEST_DAY},${++serial}${randomBytes(2).toString('hex')}/${notation}`;

const addressed = (sample: string, from: string, to: string[], documentId: string): EdxmlDocument => {
  const doc = parseEdxml(readSample(sample)) as EdxmlDocument;
  doc.MessageHeader.From!.OrganId = from;
  doc.MessageHeader.To = to.map((id) => Object.assign(new Organization(), { OrganId: id, OrganName: id }));
  doc.MessageHeader.DocumentId = documentId;
  return doc;
};

/** A valid document (the SDK sample, re-addressed) from `from` to `to`. */
export const documentBytes = (from: string, to: string[], documentId: string): Buffer =>
  buildEdxml(addressed('edoc_new.edxml', from, to, documentId));

/** The SDK's revocation sample (BussinessDocType 1), from `from`, revoking `documentId`. */
export function revocationBytes(from: string, to: string[], documentId: string): Buffer {
  const doc = addressed('edoc_revocation.edxml', from, to, documentId);
  doc.TraceHeaderList!.business!.DocumentId = documentId;
  return buildEdxml(doc);
}
