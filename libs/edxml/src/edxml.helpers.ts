// Small read helpers over the model for routing, business handling and CLI output.
import { BUSINESS_DOC_TYPES, EdxmlErrorCode, STATUS_CODES, type BusinessAction } from './edxml.constants.js';
import { EdxmlError } from './edxml.error.js';
import { isValidBase64 } from './edxml.formats.js';
import type { Attachment, EdxmlDocument, EdxmlPackage, ResponseFor } from './edxml.model.js';

const unique = (values: readonly (string | undefined)[]): string[] => [
  ...new Set(values.filter((v): v is string => v !== undefined && v !== '')),
];

/** An all-empty ResponseFor (seen in the wild) means "answers nothing". */
export const isEmptyResponseFor = (r: ResponseFor): boolean =>
  !r.OrganId && !r.Code && !r.PromulgationDate && !r.DocumentId;

/**
 * Who the package is addressed to: the To OrganIds of a document (deduplicated, in order), or the agency
 * a status answers (its ResponseFor.OrganId).
 */
export function recipientsOf(pkg: EdxmlPackage): string[] {
  if (pkg.kind === 'status') return unique([pkg.MessageHeader.ResponseFor?.OrganId]);
  return unique((pkg.MessageHeader.To ?? []).map((to) => to.OrganId));
}

export interface BusinessInfo {
  /** BussinessDocType as written; '0' when the package has no Bussiness element (a new document). */
  readonly type: string;
  readonly action: BusinessAction | 'unknown';
  /** Whether the package carries a Bussiness element at all. */
  readonly declared: boolean;
  readonly reason?: string;
  /** Bussiness.DocumentId and the ReplacementInfo DocumentIds, deduplicated, in order. */
  readonly referredDocumentIds: string[];
}

/** What the document does: new, revoke, update or replace, and which documents it refers to. */
export function businessOf(doc: EdxmlDocument): BusinessInfo {
  const b = doc.TraceHeaderList?.business;
  const type = b?.BussinessDocType || '0';
  const action = Object.hasOwn(BUSINESS_DOC_TYPES, type)
    ? BUSINESS_DOC_TYPES[type as keyof typeof BUSINESS_DOC_TYPES]
    : 'unknown';
  const info: BusinessInfo = {
    type,
    action,
    declared: b !== undefined,
    referredDocumentIds: unique([b?.DocumentId, ...(b?.ReplacementInfoList ?? []).map((r) => r.DocumentId)]),
  };
  return b?.BussinessDocReason ? { ...info, reason: b.BussinessDocReason } : info;
}

export interface EdxmlSummary {
  kind: 'edoc' | 'status';
  /** The document's DocumentId, or for a status the DocumentId it is about. */
  documentId?: string;
  from?: string;
  fromName?: string;
  to: string[];
  code?: string;
  subject?: string;
  promulgationDate?: string;
  typeName?: string;
  business?: string;
  attachments?: number;
  statusCode?: string;
  statusMeaning?: string;
  description?: string;
  timestamp?: string;
}

const compact = <T extends object>(obj: T): T =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== '')) as T;

/** A short plain object for printing (CLI, logs); no attachment content. */
export function summaryOf(pkg: EdxmlPackage): EdxmlSummary {
  if (pkg.kind === 'status') {
    const s = pkg.MessageHeader;
    const code = s.StatusCode ?? '';
    return compact<EdxmlSummary>({
      kind: 'status',
      documentId: s.ResponseFor?.DocumentId,
      from: s.From?.OrganId,
      fromName: s.From?.OrganName,
      to: recipientsOf(pkg),
      statusCode: s.StatusCode,
      statusMeaning: Object.hasOwn(STATUS_CODES, code)
        ? STATUS_CODES[code as keyof typeof STATUS_CODES].meaning
        : undefined,
      description: s.Description,
      timestamp: s.Timestamp,
    });
  }
  const d = pkg.MessageHeader;
  const code = [d.Code?.CodeNumber, d.Code?.CodeNotation].filter(Boolean).join('/');
  const business = businessOf(pkg);
  return compact<EdxmlSummary>({
    kind: 'edoc',
    documentId: d.DocumentId,
    from: d.From?.OrganId,
    fromName: d.From?.OrganName,
    to: recipientsOf(pkg),
    code,
    subject: d.Subject,
    promulgationDate: d.PromulgationInfo?.PromulgationDate,
    typeName: d.DocumentType?.TypeName,
    business: business.declared ? `${business.type} ${business.action}` : undefined,
    attachments: pkg.attachments?.length ?? 0,
  });
}

/** The attachment's bytes; throws EDXML_BASE64 if the text is not valid base64 (Node would skip bad input). */
export function decodeAttachment(attachment: Attachment): Buffer {
  const b64 = attachment.ContentTransferEncoded ?? '';
  if (!isValidBase64(b64)) {
    throw new EdxmlError(
      EdxmlErrorCode.Base64,
      `attachment ${JSON.stringify(attachment.ContentId ?? '')} is not valid base64`,
      'ContentTransferEncoded',
    );
  }
  return Buffer.from(b64, 'base64');
}
