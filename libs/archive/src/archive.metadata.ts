// What the archive indexes about a package: searchable columns plus a jsonb summary. Never attachment contents:
// the original bytes are kept whole in `content`, and the summary only says what is in there.
import type { AcceptedPackageMeta } from '#bus';
import type { EdxmlDocument, EdxmlStatus, Organization } from '#edxml';

export interface ArchiveColumns {
  documentId: string;
  codeNumber: string | null;
  codeNotation: string | null;
  subject: string | null;
  promulgationDate: string | null;
  typeName: string | null;
  priority: string | null;
  businessDocType: string | null;
  statusCode: string | null;
  metadata: Record<string, unknown>;
}

export interface ReadProblem {
  code: string;
  message: string;
}

const orNull = (v: string | undefined | null): string | null => {
  const s = v?.trim();
  return s ? s : null;
};

const organ = (o: Organization | undefined): Record<string, unknown> | null =>
  o ? compact({ organId: o.OrganId, organName: o.OrganName }) : null;

/** Drops undefined / empty values so the jsonb stays small and comparable. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** Decoded size of base64 text without decoding it (attachments reach tens of MB). */
export function base64DecodedSize(text: string): number {
  let symbols = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x3d) padding++;
    symbols++;
  }
  return Math.max(0, Math.floor((symbols * 3) / 4) - padding);
}

function headerMetadata(meta: AcceptedPackageMeta): Record<string, unknown> {
  return compact({
    from: { organId: meta.from },
    toHeader: meta.to.length ? meta.to : undefined,
    systemId: meta.systemId,
    serviceType: meta.serviceType,
  });
}

function documentColumns(doc: EdxmlDocument, meta: AcceptedPackageMeta): ArchiveColumns {
  const h = doc.MessageHeader;
  const business = doc.TraceHeaderList?.business;
  const contents = new Map((doc.attachments ?? []).map((a) => [a.ContentId?.trim() ?? '', a]));
  return {
    documentId: orNull(h.DocumentId) ?? meta.documentId,
    codeNumber: orNull(h.Code?.CodeNumber),
    codeNotation: orNull(h.Code?.CodeNotation),
    subject: orNull(h.Subject),
    promulgationDate: orNull(h.PromulgationInfo?.PromulgationDate),
    typeName: orNull(h.DocumentType?.TypeName),
    priority: orNull(h.OtherInfo?.Priority),
    businessDocType: orNull(business?.BussinessDocType),
    statusCode: null,
    metadata: compact({
      kind: 'edoc',
      ...headerMetadata(meta),
      from: organ(h.From) ?? { organId: meta.from },
      to: (h.To ?? []).map(organ),
      responseFor: (h.ResponseFor ?? [])
        .map((r) =>
          compact({
            organId: r.OrganId,
            code: r.Code,
            promulgationDate: r.PromulgationDate,
            documentId: r.DocumentId,
          }),
        )
        .filter((r) => Object.keys(r).length),
      signer: h.SignerInfo ? compact({ ...h.SignerInfo }) : undefined,
      // Searched as full text (with the subject) and against DueDate by the archive search and statistics.
      content: orNull(h.Content) ?? undefined,
      dueDate: orNull(h.DueDate) ?? undefined,
      traceHeaders: (doc.TraceHeaderList?.traces ?? []).map((t) =>
        compact({ organId: t.OrganId, timestamp: t.Timestamp }),
      ),
      business: business
        ? compact({
            docType: business.BussinessDocType,
            documentId: business.DocumentId,
            reason: business.BussinessDocReason,
            paper: business.Paper,
            receivers: business.BussinessDocumentInfo?.ReceiverList?.map((r) =>
              compact({ organId: r.OrganId, receiverType: r.ReceiverType }),
            ),
            replacements: business.ReplacementInfoList?.map((r) =>
              compact({ documentId: r.DocumentId, organIds: r.OrganIdList }),
            ),
          })
        : undefined,
      // The manifest says what should be there; sizes come from the encoded attachments actually present.
      attachments: (doc.references ?? []).map((ref) => {
        const att = contents.get(ref.ContentId?.trim() ?? '');
        return compact({
          contentId: ref.ContentId,
          name: ref.AttachmentName ?? att?.AttachmentName,
          description: ref.Description,
          contentType: ref.ContentType ?? att?.ContentType,
          sizeBytes:
            att?.ContentTransferEncoded !== undefined
              ? base64DecodedSize(att.ContentTransferEncoded)
              : undefined,
        });
      }),
      hasSignature: Boolean(doc.signatureXml?.trim()),
    }),
  };
}

function statusColumns(status: EdxmlStatus, meta: AcceptedPackageMeta): ArchiveColumns {
  const h = status.MessageHeader;
  return {
    // A status is filed under the document it is about, so a document's archive lists its statuses.
    documentId: orNull(h.ResponseFor?.DocumentId) ?? meta.documentId,
    codeNumber: null,
    codeNotation: null,
    subject: null,
    promulgationDate: null,
    typeName: null,
    priority: null,
    businessDocType: null,
    statusCode: orNull(h.StatusCode),
    metadata: compact({
      kind: 'status',
      ...headerMetadata(meta),
      from: organ(h.From) ?? { organId: meta.from },
      responseFor: h.ResponseFor
        ? compact({
            organId: h.ResponseFor.OrganId,
            code: h.ResponseFor.Code,
            promulgationDate: h.ResponseFor.PromulgationDate,
            documentId: h.ResponseFor.DocumentId,
          })
        : undefined,
      description: h.Description,
      timestamp: h.Timestamp,
      staff: h.StaffInfo ? compact({ ...h.StaffInfo }) : undefined,
      hasSignature: Boolean(status.signatureXml?.trim()),
    }),
  };
}

/**
 * Columns for `archived_package`. `pkg` is null when the bytes could not be parsed: the original is archived
 * anyway (it is evidence) with what the accepted-package headers say and why it could not be read.
 */
export function archiveColumns(
  pkg: EdxmlDocument | EdxmlStatus | null,
  meta: AcceptedPackageMeta,
  problems: { parseError?: ReadProblem; validationIssues?: readonly { code: string; field: string }[] } = {},
): ArchiveColumns {
  const cols: ArchiveColumns = pkg
    ? pkg.kind === 'edoc'
      ? documentColumns(pkg, meta)
      : statusColumns(pkg, meta)
    : {
        documentId: meta.documentId,
        codeNumber: null,
        codeNotation: null,
        subject: null,
        promulgationDate: null,
        typeName: null,
        priority: null,
        businessDocType: null,
        statusCode: null,
        metadata: { kind: null, ...headerMetadata(meta) },
      };
  if (problems.parseError) cols.metadata.parseError = problems.parseError;
  if (problems.validationIssues?.length) {
    cols.metadata.validationIssues = problems.validationIssues.map((i) => ({ code: i.code, field: i.field }));
  }
  return cols;
}
