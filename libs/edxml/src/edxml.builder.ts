import { ORGANIZATION_FIELDS, RESPONSE_FOR_FIELDS, STAFF_FIELDS } from './edxml.fields.js';
// Write packages in exactly the official samples' layout (a national-axis validator is reported to reject
// equivalent but differently prefixed XML). Plain string building: exact layout, and fast on big base64.
import { EDXML_NAMESPACE, EdxmlErrorCode, type EdxmlStatusCode } from './edxml.constants.js';
import { EdxmlError } from './edxml.error.js';
import { formatEdxmlTimestamp } from './edxml.formats.js';
import {
  EdxmlStatus,
  Organization,
  StaffInfo,
  StatusMessageHeader,
  StatusResponseFor,
  type Attachment,
  type Business,
  type DocumentMessageHeader,
  type EdxmlDocument,
  type EdxmlPackage,
  type ManifestReference,
  type ResponseFor,
  type TraceHeaderList,
} from './edxml.model.js';
import { assertValid } from './edxml.validator.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

// Characters XML 1.0 cannot carry at all, escaped or not (controls, U+FFFE/U+FFFF, lone surrogates).
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NEEDS_ESCAPE = /[&<>\r]/;

function escapeText(value: string, field: string): string {
  if (NOT_XML_CHAR.test(value)) {
    throw new EdxmlError(
      EdxmlErrorCode.InvalidCharacter,
      `${field} contains a character that XML 1.0 cannot represent`,
      field,
    );
  }
  if (!NEEDS_ESCAPE.test(value)) return value; // the common case, and every base64 attachment
  // CR as a reference: a literal one would be turned into LF by the receiving parser.
  return value.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

/** Lines of the document under construction; `depth` is the indentation level (two spaces each). */
class XmlLines {
  readonly lines: string[] = [];

  raw(depth: number, line: string): void {
    this.lines.push('  '.repeat(depth) + line);
  }

  /** `<edXML:name>text</edXML:name>`, or nothing when the value is absent. */
  leaf(depth: number, name: string, value: string | undefined, prefix = 'edXML:'): void {
    if (value === undefined) return;
    this.raw(depth, `<${prefix}${name}>${escapeText(value, name)}</${prefix}${name}>`);
  }

  /** A container element; written on one line when `body` writes nothing (round-trips an empty element). */
  element(depth: number, name: string, body: () => void, attributes = ''): void {
    const start = this.lines.length;
    body();
    const tag = `edXML:${name}`;
    if (this.lines.length === start) {
      this.raw(depth, `<${tag}${attributes}></${tag}>`);
    } else {
      this.lines.splice(start, 0, '  '.repeat(depth) + `<${tag}${attributes}>`);
      this.raw(depth, `</${tag}>`);
    }
  }

  /** Leaf children of `obj` in the given order. */
  leaves<T extends object>(depth: number, obj: T, names: readonly (keyof T & string)[]): void {
    for (const name of names) this.leaf(depth, name, obj[name] as string | undefined);
  }

  list(depth: number, listName: string, itemName: string, items: readonly string[] | undefined): void {
    if (items === undefined) return;
    this.element(depth, listName, () => items.forEach((item) => this.leaf(depth + 1, itemName, item)));
  }
}

function organization(out: XmlLines, depth: number, name: string, org: Organization | undefined): void {
  if (org) out.element(depth, name, () => out.leaves(depth + 1, org, ORGANIZATION_FIELDS));
}

function responseFor(out: XmlLines, depth: number, value: ResponseFor | undefined): void {
  if (value) out.element(depth, 'ResponseFor', () => out.leaves(depth + 1, value, RESPONSE_FOR_FIELDS));
}

function staffInfo(out: XmlLines, depth: number, value: StaffInfo | undefined): void {
  if (value) out.element(depth, 'StaffInfo', () => out.leaves(depth + 1, value, STAFF_FIELDS));
}

/** MessageHeader fields in the standard's 1.1-1.14 order. */
function documentHeader(out: XmlLines, d: number, h: DocumentMessageHeader): void {
  organization(out, d, 'From', h.From);
  for (const to of h.To ?? []) organization(out, d, 'To', to);
  const { Code: code, PromulgationInfo: promulgation, DocumentType: type } = h;
  if (code) out.element(d, 'Code', () => out.leaves(d + 1, code, ['CodeNumber', 'CodeNotation']));
  if (promulgation) {
    out.element(d, 'PromulgationInfo', () => out.leaves(d + 1, promulgation, ['Place', 'PromulgationDate']));
  }
  if (type) out.element(d, 'DocumentType', () => out.leaves(d + 1, type, ['Type', 'TypeDetail', 'TypeName']));
  out.leaves(d, h, ['Subject', 'Content']);
  const signer = h.SignerInfo;
  if (signer)
    out.element(d, 'SignerInfo', () => out.leaves(d + 1, signer, ['Competence', 'Position', 'FullName']));
  out.leaf(d, 'DueDate', h.DueDate);
  out.list(d, 'ToPlaces', 'Place', h.ToPlaces);
  const other = h.OtherInfo;
  if (other) {
    out.element(d, 'OtherInfo', () => {
      out.leaves(d + 1, other, [
        'Priority',
        'SphereOfPromulgation',
        'TyperNotation',
        'PromulgationAmount',
        'PageAmount',
        'Direction',
      ]);
      out.list(d + 1, 'Appendixes', 'Appendix', other.Appendixes);
    });
  }
  for (const r of h.ResponseFor ?? []) responseFor(out, d, r);
  out.leaves(d, h, ['SteeringType', 'DocumentId']);
}

function business(out: XmlLines, d: number, b: Business): void {
  out.element(d, 'Bussiness', () => {
    out.leaves(d + 1, b, ['DocumentId', 'BussinessDocType', 'BussinessDocReason', 'Paper']);
    const info = b.BussinessDocumentInfo;
    if (info) {
      out.element(d + 1, 'BussinessDocumentInfo', () => {
        out.leaves(d + 2, info, ['DocumentInfo', 'DocumentReceiver']);
        const receivers = info.ReceiverList;
        if (receivers) {
          out.element(d + 2, 'ReceiverList', () => {
            for (const r of receivers) {
              out.element(d + 3, 'Receiver', () => out.leaves(d + 4, r, ['OrganId', 'ReceiverType']));
            }
          });
        }
      });
    }
    const replacements = b.ReplacementInfoList;
    if (replacements) {
      out.element(d + 1, 'ReplacementInfoList', () => {
        for (const r of replacements) {
          out.element(d + 2, 'ReplacementInfo', () => {
            out.leaf(d + 3, 'DocumentId', r.DocumentId);
            out.list(d + 3, 'OrganIdList', 'OrganId', r.OrganIdList);
          });
        }
      });
    }
    staffInfo(out, d + 1, b.StaffInfo);
  });
}

function traceHeaderList(out: XmlLines, d: number, list: TraceHeaderList): void {
  out.element(d, 'TraceHeaderList', () => {
    for (const t of list.traces ?? []) {
      out.element(d + 1, 'TraceHeader', () => out.leaves(d + 2, t, ['OrganId', 'Timestamp']));
    }
    if (list.business) business(out, d + 1, list.business);
  });
}

function manifest(out: XmlLines, d: number, references: readonly ManifestReference[]): void {
  out.element(d, 'edXMLBody', () =>
    out.element(
      d + 1,
      'edXMLManifest',
      () => {
        for (const r of references) {
          out.element(d + 2, 'Reference', () =>
            out.leaves(d + 3, r, ['ContentId', 'ContentType', 'Description', 'AttachmentName']),
          );
        }
      },
      ' version="1.0"',
    ),
  );
}

/** Outside the envelope, children unprefixed (default namespace) except ContentTransferEncoded, as in the samples. */
function attachmentsBlock(out: XmlLines, attachments: readonly Attachment[]): void {
  if (attachments.length === 0) return;
  out.raw(1, '<AttachmentEncoded>');
  for (const a of attachments) {
    out.raw(2, '<Attachment>');
    for (const name of ['ContentId', 'AttachmentName', 'Description', 'ContentType'] as const) {
      out.leaf(3, name, a[name], '');
    }
    if (a.ContentTransferEncoded !== undefined) {
      out.raw(
        3,
        `<edXML:ContentTransferEncoded xmlns:edXML="${EDXML_NAMESPACE}">` +
          `${escapeText(a.ContentTransferEncoded, 'ContentTransferEncoded')}</edXML:ContentTransferEncoded>`,
      );
    }
    out.raw(2, '</Attachment>');
  }
  out.raw(1, '</AttachmentEncoded>');
}

function statusHeader(out: XmlLines, d: number, h: StatusMessageHeader): void {
  organization(out, d, 'From', h.From);
  responseFor(out, d, h.ResponseFor);
  staffInfo(out, d, h.StaffInfo);
  out.leaves(d, h, ['StatusCode', 'Description', 'Timestamp']);
}

/**
 * The package as UTF-8 bytes in the official layout. Does not validate (validateEdxml() does); throws
 * EDXML_INVALID_CHARACTER for text XML cannot carry.
 */
export function buildEdxml(pkg: EdxmlPackage): Buffer {
  if (pkg.kind !== 'edoc' && pkg.kind !== 'status') {
    throw new EdxmlError(EdxmlErrorCode.Invalid, 'buildEdxml: not an edXML package', 'kind');
  }
  const out = new XmlLines();
  out.raw(0, XML_DECLARATION);
  out.raw(0, `<edXML xmlns="${EDXML_NAMESPACE}">`);
  out.raw(1, `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`);
  out.element(2, 'edXMLHeader', () => {
    out.element(3, 'MessageHeader', () =>
      pkg.kind === 'edoc'
        ? documentHeader(out, 4, (pkg as EdxmlDocument).MessageHeader)
        : statusHeader(out, 4, (pkg as EdxmlStatus).MessageHeader),
    );
    if (pkg.kind === 'edoc' && pkg.TraceHeaderList) traceHeaderList(out, 3, pkg.TraceHeaderList);
    // Verbatim, byte for byte: whatever signed it must still find it as it was.
    if (pkg.signatureXml !== undefined) out.raw(3, pkg.signatureXml);
  });
  if (pkg.kind === 'edoc') manifest(out, 2, pkg.references ?? []);
  out.raw(1, '</edXML:edXMLEnvelope>');
  if (pkg.kind === 'edoc') attachmentsBlock(out, pkg.attachments ?? []);
  out.raw(0, '</edXML>');
  out.lines.push('');
  return Buffer.from(out.lines.join('\n'), 'utf8');
}

export interface StatusInput {
  /** The agency reporting the status (OrganId mandatory). */
  from: Partial<Organization> & { OrganId: string };
  /** The other party and its document. */
  responseFor: Partial<ResponseFor> & { OrganId: string; DocumentId: string };
  staffInfo?: Partial<StaffInfo>;
  statusCode: EdxmlStatusCode;
  description: string;
  /** A Date is written as Vietnam local time (formatEdxmlTimestamp); a string is taken as is. */
  timestamp: Date | string;
}

/** Copy the defined fields only, so absent stays absent. */
function assignDefined<T extends object>(target: T, source: object): T {
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

/** A status package model (not validated; buildStatus validates). */
export function createStatus(input: StatusInput): EdxmlStatus {
  const h = new StatusMessageHeader();
  h.From = assignDefined(new Organization(), input.from);
  h.ResponseFor = assignDefined(new StatusResponseFor(), input.responseFor);
  if (input.staffInfo) h.StaffInfo = assignDefined(new StaffInfo(), input.staffInfo);
  h.StatusCode = input.statusCode;
  h.Description = input.description;
  h.Timestamp = typeof input.timestamp === 'string' ? input.timestamp : formatEdxmlTimestamp(input.timestamp);
  const status = new EdxmlStatus();
  status.MessageHeader = h;
  return status;
}

/** The bytes of a status package; throws EDXML_INVALID (with the issues) rather than emit a bad one. */
export function buildStatus(input: StatusInput): Buffer {
  const status = createStatus(input);
  assertValid(status);
  return buildEdxml(status);
}
