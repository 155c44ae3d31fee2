// Realistic signed packages for the hub load benchmark: edXML documents padded to a target size with an
// attachment of random bytes, and status packages, each signed (XML-DSig, rsa-sha256) by its agency's
// certificate under a benchmark root CA the hub is told to trust.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { buildDemoDocument, buildDemoStatus } from '#local-hub';
import { signEnveloped } from '#xmldsig';

const NOTATION = 'UBND-VP';

/** An unsigned document from `from` to `to` whose attachment holds `payloadBytes` random bytes. */
const unsignedDocument = (from, to, codeNumber, payloadBytes, date) =>
  buildDemoDocument({
    from,
    to,
    codeNumber,
    codeNotation: NOTATION,
    subject: `V/v triển khai chữ ký số chuyên dùng Chính phủ (tải thử ${codeNumber})`,
    date,
    attachment: {
      name: 'van-ban.pdf',
      description: 'Văn bản',
      contentType: 'application/pdf',
      bytes: randomBytes(payloadBytes),
    },
  });

/** Makes signed packages; `signer(organId)` gives that agency's { certPem, keyPem }. */
export class PackageFactory {
  constructor(signer, runTag) {
    this.signer = signer;
    this.runTag = runTag;
    this.seq = 0;
    this.signMs = 0;
    this.signed = 0;
    this.overhead = undefined;
  }

  sign(bytes, organId) {
    const t = performance.now();
    const out = signEnveloped(bytes, this.signer(organId));
    this.signMs += performance.now() - t;
    this.signed++;
    return out;
  }

  /** A signed document of about `targetBytes` bytes (the signature, with its certificate, included). */
  document(from, to, targetBytes) {
    const date = new Date();
    // Measure once what a document costs besides its attachment, then size the attachment to the target.
    this.overhead ??= this.sign(unsignedDocument(from, to, '0', 0, date).bytes, from.organId).length;
    const payload = Math.max(0, Math.floor((targetBytes - this.overhead - 60 * to.length) * 0.75));
    const codeNumber = `${this.runTag}${++this.seq}`;
    const { bytes, documentId } = unsignedDocument(from, to, codeNumber, payload, date);
    return { bytes: this.sign(bytes, from.organId), documentId, from: from.organId, to };
  }

  /** A signed status package of `from` about `doc` (a document `from` received). */
  status(from, doc) {
    const bytes = buildDemoStatus({
      from: from.organId,
      sender: doc.from,
      documentId: doc.documentId,
      code: '01',
      description: 'Đã đến',
      at: new Date(),
    });
    return {
      bytes: this.sign(bytes, from.organId),
      documentId: doc.documentId,
      from: from.organId,
      to: [{ organId: doc.from }],
    };
  }
}
