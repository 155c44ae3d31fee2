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
  type EdxmlStatusCode,
} from '#edxml';

export interface DemoDocumentInput {
  from: { organId: string; name: string };
  to: { organId: string; name: string }[];
  codeNumber: string;
  codeNotation: string;
  subject: string;
  /** 0 new (default), 1 revoke, 2 update, 3 replace. */
  businessDocType?: '0' | '1' | '2' | '3';
  /** The document a revoke/update/replace refers to. */
  refersTo?: string;
  date?: Date;
  /** The attachment (default: a small text file holding the subject and DocumentId). */
  attachment?: { name: string; description: string; contentType: string; bytes: Buffer };
}

/** A complete, valid edXML document in the official layout, with a small attachment (demo and tests). */
export function buildDemoDocument(input: DemoDocumentInput): { bytes: Buffer; documentId: string } {
  const date = input.date ?? new Date();
  const day = formatEdxmlDate(date);
  const h = new DocumentMessageHeader();
  h.From = Object.assign(new SenderOrganization(), {
    OrganId: input.from.organId,
    OrganName: input.from.name,
  });
  h.To = input.to.map((t) => Object.assign(new Organization(), { OrganId: t.organId, OrganName: t.name }));
  h.Code = Object.assign(new DocumentCode(), {
    CodeNumber: input.codeNumber,
    CodeNotation: input.codeNotation,
  });
  h.PromulgationInfo = Object.assign(new PromulgationInfo(), { Place: 'Nghệ An', PromulgationDate: day });
  h.DocumentType = Object.assign(new DocumentType(), { Type: '1', TypeDetail: '0', TypeName: 'Công văn' });
  h.Subject = input.subject;
  h.SignerInfo = Object.assign(new SignerInfo(), {
    Competence: 'TL.',
    Position: 'Chánh Văn phòng',
    FullName: 'Nguyễn Văn A',
  });
  h.OtherInfo = Object.assign(new OtherInfo(), { Priority: '0', PromulgationAmount: '1', PageAmount: '1' });
  h.ResponseFor = [];
  h.SteeringType = '1';
  h.DocumentId = `${input.from.organId},${day},${input.codeNumber}/${input.codeNotation}`;

  const trace = new TraceHeaderList();
  trace.traces = [
    Object.assign(new TraceHeader(), { OrganId: input.from.organId, Timestamp: formatEdxmlTimestamp(date) }),
  ];
  trace.business = Object.assign(new Business(), {
    BussinessDocType: input.businessDocType ?? '0',
    BussinessDocReason: input.businessDocType === '1' ? 'Thu hồi văn bản điện tử' : 'Văn bản điện tử mới',
    Paper: '0',
    ...(input.refersTo ? { DocumentId: input.refersTo } : {}),
  });

  const file = input.attachment ?? {
    name: 'noi-dung.txt',
    description: 'Nội dung',
    contentType: 'text/plain',
    bytes: Buffer.from(`${input.subject}\n${h.DocumentId}\n`, 'utf8'),
  };
  const doc = new EdxmlDocument();
  doc.MessageHeader = h;
  doc.TraceHeaderList = trace;
  doc.references = [
    Object.assign(new ManifestReference(), {
      ContentId: 'cid:1',
      ContentType: file.contentType,
      Description: file.description,
      AttachmentName: file.name,
    }),
  ];
  doc.attachments = [
    Object.assign(new Attachment(), {
      ContentId: 'cid:1',
      AttachmentName: file.name,
      Description: file.description,
      ContentType: file.contentType,
      ContentTransferEncoded: file.bytes.toString('base64'),
    }),
  ];
  return { bytes: buildEdxml(doc), documentId: h.DocumentId };
}

/** A status package of `from` about `documentId`, a document of `sender` (the demos' answers). */
export const buildDemoStatus = (input: {
  from: string;
  sender: string;
  documentId: string;
  code: EdxmlStatusCode;
  description: string;
  at: Date;
}): Buffer =>
  buildStatus({
    from: { OrganId: input.from },
    responseFor: { OrganId: input.sender, DocumentId: input.documentId },
    statusCode: input.code,
    description: input.description,
    timestamp: input.at,
  });
