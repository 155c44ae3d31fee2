// Realistic signed packages for the hub load benchmark: edXML documents padded to a target size with an
// attachment of random bytes, and status packages, each signed (XML-DSig, rsa-sha256) by its agency's
// certificate under a benchmark root CA the hub is told to trust.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import {
  Attachment,
  Business,
  DocumentCode,
  DocumentMessageHeader,
  DocumentType,
  EdxmlDocument,
  ManifestReference,
  Organization,
  OtherInfo,
  PromulgationInfo,
  SenderOrganization,
  SignerInfo,
  TraceHeader,
  TraceHeaderList,
  buildEdxml,
  buildStatus,
  formatEdxmlDate,
  formatEdxmlTimestamp,
} from '#edxml';
import { signEnveloped } from '#xmldsig';

const NOTATION = 'UBND-VP';

/** An unsigned document from `from` to `to` whose attachment holds `payloadBytes` random bytes. */
function unsignedDocument(from, to, codeNumber, payloadBytes, date) {
  const day = formatEdxmlDate(date);
  const h = new DocumentMessageHeader();
  h.From = Object.assign(new SenderOrganization(), { OrganId: from.organId, OrganName: from.name });
  h.To = to.map((t) => Object.assign(new Organization(), { OrganId: t.organId, OrganName: t.name }));
  h.Code = Object.assign(new DocumentCode(), { CodeNumber: codeNumber, CodeNotation: NOTATION });
  h.PromulgationInfo = Object.assign(new PromulgationInfo(), { Place: 'Nghệ An', PromulgationDate: day });
  h.DocumentType = Object.assign(new DocumentType(), { Type: '1', TypeDetail: '0', TypeName: 'Công văn' });
  h.Subject = `V/v triển khai chữ ký số chuyên dùng Chính phủ (tải thử ${codeNumber})`;
  h.SignerInfo = Object.assign(new SignerInfo(), {
    Competence: 'TL.',
    Position: 'Chánh Văn phòng',
    FullName: 'Nguyễn Văn A',
  });
  h.OtherInfo = Object.assign(new OtherInfo(), { Priority: '0', PromulgationAmount: '1', PageAmount: '1' });
  h.ResponseFor = [];
  h.SteeringType = '1';
  h.DocumentId = `${from.organId},${day},${codeNumber}/${NOTATION}`;
  const trace = new TraceHeaderList();
  trace.traces = [
    Object.assign(new TraceHeader(), { OrganId: from.organId, Timestamp: formatEdxmlTimestamp(date) }),
  ];
  trace.business = Object.assign(new Business(), {
    BussinessDocType: '0',
    BussinessDocReason: 'Văn bản điện tử mới',
    Paper: '0',
  });
  const doc = new EdxmlDocument();
  doc.MessageHeader = h;
  doc.TraceHeaderList = trace;
  doc.references = [
    Object.assign(new ManifestReference(), {
      ContentId: 'cid:1',
      ContentType: 'application/pdf',
      Description: 'Văn bản',
      AttachmentName: 'van-ban.pdf',
    }),
  ];
  doc.attachments = [
    Object.assign(new Attachment(), {
      ContentId: 'cid:1',
      AttachmentName: 'van-ban.pdf',
      Description: 'Văn bản',
      ContentType: 'application/pdf',
      ContentTransferEncoded: randomBytes(payloadBytes).toString('base64'),
    }),
  ];
  return { bytes: buildEdxml(doc), documentId: h.DocumentId };
}

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
    const bytes = buildStatus({
      from: { OrganId: from.organId },
      responseFor: { OrganId: doc.from, DocumentId: doc.documentId },
      statusCode: '01',
      description: 'Đã đến',
      timestamp: new Date(),
    });
    return {
      bytes: this.sign(bytes, from.organId),
      documentId: doc.documentId,
      from: from.organId,
      to: [{ organId: doc.from }],
    };
  }
}
