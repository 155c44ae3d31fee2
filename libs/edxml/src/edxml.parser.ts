import { ORGANIZATION_FIELDS, RESPONSE_FOR_FIELDS, STAFF_FIELDS } from './edxml.fields.js';
// Parse edXML bytes into the model. Namespace-aware (elements are matched by namespace URI and local name,
// so any prefix layout works), tolerant of what real producers send (domain.md), strict about XML itself.
import { Parser } from 'xml2js';
import { EDXML_LIMITS, EDXML_NAMESPACE, EdxmlErrorCode } from './edxml.constants.js';
import { EdxmlError } from './edxml.error.js';
import {
  Attachment,
  Business,
  BusinessDocumentInfo,
  DocumentCode,
  DocumentMessageHeader,
  DocumentType,
  EdxmlDocument,
  EdxmlStatus,
  ManifestReference,
  Organization,
  OtherInfo,
  PromulgationInfo,
  Receiver,
  ReplacementInfo,
  ResponseFor,
  SenderOrganization,
  SignerInfo,
  StaffInfo,
  StatusMessageHeader,
  StatusResponseFor,
  TraceHeader,
  TraceHeaderList,
  type EdxmlPackage,
} from './edxml.model.js';

/** An element as xml2js gives it with xmlns + explicitChildren + preserveChildrenOrder. */
interface XNode {
  '#name': string;
  $ns?: { uri: string; local: string };
  $$?: XNode[];
  _?: string;
}

/** The part of xml2js's internal sax parser used to find where the Signature element starts and ends. */
interface SaxParser {
  position: number;
  startTagPosition: number;
  onopentag: (node: { local?: string; uri?: string }) => unknown;
  onclosetag: (name: string) => unknown;
  onerror: (error: Error) => unknown;
}

// ---------------------------------------------------------------------------------------------------- input

/** Bytes to text: UTF-8 only (BOM allowed), validated, since a wrong charset corrupts every Vietnamese name. */
function decodeInput(input: Buffer | string): string {
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const b0 = input[0];
    const b1 = input[1];
    if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe) || b0 === 0x00 || b1 === 0x00) {
      throw new EdxmlError(
        EdxmlErrorCode.Encoding,
        'edXML must be UTF-8; the input looks like UTF-16 or UTF-32',
      );
    }
    try {
      // fatal: refuse invalid sequences instead of silently inserting U+FFFD; the BOM is dropped.
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new EdxmlError(EdxmlErrorCode.Encoding, 'edXML must be UTF-8; the input is not valid UTF-8');
    }
  }
  const declared = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(text.slice(0, 512));
  if (declared && !/^utf-?8$/i.test(declared[1])) {
    throw new EdxmlError(
      EdxmlErrorCode.Encoding,
      `edXML must be UTF-8; the XML declaration says encoding="${declared[1]}"`,
    );
  }
  return text;
}

/** sax says `...\nLine: 116\nColumn: 39\nChar: >` with a 0-based line; make it one readable line. */
function describeSaxError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const [reason, ...rest] = raw.split('\n');
  const line = /Line: (\d+)/.exec(rest.join('\n'));
  const column = /Column: (\d+)/.exec(rest.join('\n'));
  return line && column ? `${reason} (line ${Number(line[1]) + 1}, column ${column[1]})` : reason;
}

interface RawTree {
  root: XNode;
  signatureXml?: string;
}

function parseXml(text: string): RawTree {
  const parser = new Parser({
    xmlns: true,
    explicitChildren: true,
    preserveChildrenOrder: true,
    explicitRoot: true,
    strict: true,
    async: false,
  });
  const sax = (parser as unknown as { saxParser?: SaxParser }).saxParser;
  if (!sax) throw new Error('xml2js no longer exposes saxParser: parseEdxml needs updating');

  let failure: unknown;
  let result: Record<string, XNode> | null | undefined;
  let rootClosed = false;
  // Open elements, to slice the Signature (child of edXMLHeader or edXMLEnvelope) out of the source text:
  // it must be kept byte for byte, which xml2js's tree cannot give.
  const open: string[] = [];
  let signatureStart = -1;
  let signatureDepth = -1;
  let signatureEnd = -1;

  const { onopentag, onclosetag, onerror } = sax;
  sax.onopentag = (node) => {
    // sax accepts a second root element even in strict mode; XML does not.
    if (open.length === 0 && rootClosed) failure ??= new Error('More than one root element');
    // Refuse absurd nesting as soon as it starts, before xml2js builds (and anyone walks) such a tree.
    if (open.length >= EDXML_LIMITS.maxDepth) {
      throw new EdxmlError(
        EdxmlErrorCode.TooDeep,
        `edXML nests elements deeper than ${EDXML_LIMITS.maxDepth} levels (at <${node.local ?? ''}>)`,
      );
    }
    const parentIsHeader = open.length === 3 && open[2] === 'edXMLHeader';
    const parentIsEnvelope = open.length === 2;
    if (signatureStart < 0 && node.local === 'Signature' && open[1] === 'edXMLEnvelope') {
      if (parentIsHeader || parentIsEnvelope) {
        signatureStart = sax.startTagPosition - 1;
        signatureDepth = open.length;
      }
    }
    open.push(node.local ?? '');
    return onopentag(node);
  };
  sax.onclosetag = (name) => {
    open.pop();
    if (open.length === 0) rootClosed = true;
    if (open.length === signatureDepth && signatureEnd < 0) signatureEnd = sax.position;
    return onclosetag(name);
  };
  // xml2js swallows errors that come after the root has closed (text after it): catch them at the source.
  sax.onerror = (error) => {
    failure ??= error;
    return onerror(error);
  };

  try {
    // xml2js may report twice (an error and then a result) or throw after reporting: the first error wins.
    parser.parseString(text, (err, value) => {
      if (err) failure ??= err;
      else if (result === undefined) result = value as Record<string, XNode> | null;
    });
  } catch (err) {
    failure ??= err;
  }
  if (failure instanceof EdxmlError) throw failure;
  if (failure !== undefined) {
    throw new EdxmlError(
      EdxmlErrorCode.Malformed,
      `edXML is not well-formed XML: ${describeSaxError(failure)}`,
    );
  }
  const root = result ? Object.values(result)[0] : undefined;
  if (!root) throw new EdxmlError(EdxmlErrorCode.Malformed, 'edXML is not well-formed XML: no root element');
  const signatureXml =
    signatureStart >= 0 && signatureEnd > signatureStart
      ? text.slice(signatureStart, signatureEnd)
      : undefined;
  return { root, signatureXml };
}

// --------------------------------------------------------------------------------------------- tree reading

/** Element children in the edXML namespace with one of the given local names, in document order. */
const children = (node: XNode | undefined, ...locals: string[]): XNode[] =>
  (node?.$$ ?? []).filter((c) => c.$ns?.uri === EDXML_NAMESPACE && locals.includes(c.$ns.local));

const child = (node: XNode | undefined, ...locals: string[]): XNode | undefined =>
  children(node, ...locals)[0];

/** Element text, trimmed, with XML line-end normalisation (sax leaves CRLF as is). */
function text(node: XNode): string {
  const raw = node._ ?? '';
  return (raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw).trim();
}

const leaf = (node: XNode | undefined, ...locals: string[]): string | undefined => {
  const c = child(node, ...locals);
  return c ? text(c) : undefined;
};

/**
 * Copy leaf children onto a model object; absent elements leave the property absent (not undefined-valued).
 * A missing node (a mandatory container that is absent) gives an empty object.
 */
function readLeaves<T extends object>(
  target: T,
  node: XNode | undefined,
  names: readonly (keyof T & string)[],
): T {
  for (const name of names) {
    const value = leaf(node, name);
    if (value !== undefined) (target as Record<string, unknown>)[name] = value;
  }
  return target;
}

/** Text of the `item` children of an optional list element (ToPlaces/Place, Appendixes/Appendix...). */
function readList(node: XNode | undefined, listName: string, itemName: string): string[] | undefined {
  const list = child(node, listName);
  return list ? children(list, itemName).map(text) : undefined;
}

function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function readStaffInfo(parent: XNode): StaffInfo | undefined {
  const node = child(parent, 'StaffInfo');
  return node ? readLeaves(new StaffInfo(), node, STAFF_FIELDS) : undefined;
}

function readDocumentHeader(mh: XNode): DocumentMessageHeader {
  const h = new DocumentMessageHeader();
  h.From = readLeaves(new SenderOrganization(), child(mh, 'From'), ORGANIZATION_FIELDS);
  h.To = children(mh, 'To').map((n) => readLeaves(new Organization(), n, ORGANIZATION_FIELDS));
  h.Code = readLeaves(new DocumentCode(), child(mh, 'Code'), ['CodeNumber', 'CodeNotation']);
  h.PromulgationInfo = readLeaves(new PromulgationInfo(), child(mh, 'PromulgationInfo'), [
    'Place',
    'PromulgationDate',
  ]);
  h.DocumentType = readLeaves(new DocumentType(), child(mh, 'DocumentType'), [
    'Type',
    'TypeDetail',
    'TypeName',
  ]);
  readLeaves(h, mh, ['Subject', 'Content']);
  const signer = child(mh, 'SignerInfo');
  if (signer) h.SignerInfo = readLeaves(new SignerInfo(), signer, ['Competence', 'Position', 'FullName']);
  readLeaves(h, mh, ['DueDate']);
  setIfDefined(h, 'ToPlaces', readList(mh, 'ToPlaces', 'Place'));
  const other = child(mh, 'OtherInfo');
  if (other) {
    h.OtherInfo = readLeaves(new OtherInfo(), other, [
      'Priority',
      'SphereOfPromulgation',
      'TyperNotation',
      'PromulgationAmount',
      'PageAmount',
      'Direction',
    ]);
    setIfDefined(h.OtherInfo, 'Appendixes', readList(other, 'Appendixes', 'Appendix'));
  }
  h.ResponseFor = children(mh, 'ResponseFor').map((n) =>
    readLeaves(new ResponseFor(), n, RESPONSE_FOR_FIELDS),
  );
  readLeaves(h, mh, ['SteeringType', 'DocumentId']);
  return h;
}

function readBusiness(node: XNode): Business {
  const b = new Business();
  // `Bussiness` (sic) is what the standard and the samples spell; `Business` is accepted everywhere.
  setIfDefined(b, 'DocumentId', leaf(node, 'DocumentId'));
  setIfDefined(b, 'BussinessDocType', leaf(node, 'BussinessDocType', 'BusinessDocType'));
  setIfDefined(b, 'BussinessDocReason', leaf(node, 'BussinessDocReason', 'BusinessDocReason'));
  setIfDefined(b, 'Paper', leaf(node, 'Paper'));
  const info = child(node, 'BussinessDocumentInfo', 'BusinessDocumentInfo');
  if (info) {
    b.BussinessDocumentInfo = readLeaves(new BusinessDocumentInfo(), info, [
      'DocumentInfo',
      'DocumentReceiver',
    ]);
    const list = child(info, 'ReceiverList');
    if (list) {
      b.BussinessDocumentInfo.ReceiverList = children(list, 'Receiver').map((r) =>
        readLeaves(new Receiver(), r, ['OrganId', 'ReceiverType']),
      );
    }
  }
  const replacements = child(node, 'ReplacementInfoList');
  if (replacements) {
    b.ReplacementInfoList = children(replacements, 'ReplacementInfo').map((r) => {
      const info = readLeaves(new ReplacementInfo(), r, ['DocumentId']);
      setIfDefined(info, 'OrganIdList', readList(r, 'OrganIdList', 'OrganId'));
      return info;
    });
  }
  setIfDefined(b, 'StaffInfo', readStaffInfo(node));
  return b;
}

function readTraceHeaderList(node: XNode): TraceHeaderList {
  const list = new TraceHeaderList();
  list.traces = children(node, 'TraceHeader').map((t) =>
    readLeaves(new TraceHeader(), t, ['OrganId', 'Timestamp']),
  );
  const business = child(node, 'Bussiness', 'Business');
  if (business) list.business = readBusiness(business);
  return list;
}

function readDocument(root: XNode, envelope: XNode, header: XNode, mh: XNode): EdxmlDocument {
  const doc = new EdxmlDocument();
  doc.MessageHeader = readDocumentHeader(mh);
  const trace = child(header, 'TraceHeaderList');
  if (trace) doc.TraceHeaderList = readTraceHeaderList(trace);
  const manifest = child(child(envelope, 'edXMLBody'), 'edXMLManifest');
  doc.references = children(manifest, 'Reference').map((r) =>
    readLeaves(new ManifestReference(), r, ['ContentId', 'ContentType', 'Description', 'AttachmentName']),
  );
  // Outside the envelope per the standard; accepted inside it too.
  const encoded = child(root, 'AttachmentEncoded') ?? child(envelope, 'AttachmentEncoded');
  doc.attachments = children(encoded, 'Attachment').map((a) =>
    readLeaves(new Attachment(), a, [
      'ContentId',
      'AttachmentName',
      'Description',
      'ContentType',
      'ContentTransferEncoded',
    ]),
  );
  return doc;
}

function readStatus(mh: XNode): EdxmlStatus {
  const status = new EdxmlStatus();
  const h = new StatusMessageHeader();
  h.From = readLeaves(new Organization(), child(mh, 'From'), ORGANIZATION_FIELDS);
  h.ResponseFor = readLeaves(new StatusResponseFor(), child(mh, 'ResponseFor'), RESPONSE_FOR_FIELDS);
  setIfDefined(h, 'StaffInfo', readStaffInfo(mh));
  readLeaves(h, mh, ['StatusCode', 'Description', 'Timestamp']);
  status.MessageHeader = h;
  return status;
}

/** Every element text under edXMLHeader is at most 64 KiB, and there are at most 1000 To recipients. */
function checkHeaderSizes(header: XNode, mh: XNode): void {
  const to = children(mh, 'To').length;
  if (to > EDXML_LIMITS.maxRecipients) {
    throw new EdxmlError(
      EdxmlErrorCode.FieldTooLarge,
      `MessageHeader names ${to} To recipients; at most ${EDXML_LIMITS.maxRecipients} are accepted`,
      'MessageHeader.To',
    );
  }
  const walk = (node: XNode, path: string): void => {
    const raw = node._;
    // Cheap length test first: a string of n UTF-16 units is at most 3n UTF-8 bytes.
    if (
      raw !== undefined &&
      raw.length * 3 > EDXML_LIMITS.maxHeaderFieldBytes &&
      Buffer.byteLength(raw, 'utf8') > EDXML_LIMITS.maxHeaderFieldBytes
    ) {
      throw new EdxmlError(
        EdxmlErrorCode.FieldTooLarge,
        `${path} holds ${Buffer.byteLength(raw, 'utf8')} bytes of text; a header field holds at most ${EDXML_LIMITS.maxHeaderFieldBytes}`,
        path,
      );
    }
    for (const c of node.$$ ?? []) walk(c, `${path}.${c.$ns?.local ?? c['#name']}`);
  };
  walk(header, 'edXMLEnvelope.edXMLHeader');
}

function required(parent: XNode, local: string, path: string): XNode {
  const node = child(parent, local);
  if (!node)
    throw new EdxmlError(EdxmlErrorCode.MissingElement, `edXML package has no ${path} element`, path);
  return node;
}

/**
 * Parse an edXML package (document or status). Throws EdxmlError: EDXML_ENCODING, EDXML_DOCTYPE_FORBIDDEN,
 * EDXML_MALFORMED, EDXML_TOO_DEEP (nesting beyond 64), EDXML_WRONG_ROOT, EDXML_WRONG_NAMESPACE,
 * EDXML_MISSING_ELEMENT, EDXML_FIELD_TOO_LARGE (a header text over 64 KiB, over 1000 To). Does not validate values:
 * call validateEdxml() / assertValid() for that.
 */
export function parseEdxml(input: Buffer | string): EdxmlPackage {
  const text = decodeInput(input);
  // A DTD is never legitimate in edXML and is the door to entity-expansion attacks: refuse before parsing.
  if (/<!DOCTYPE/i.test(text)) {
    throw new EdxmlError(EdxmlErrorCode.DoctypeForbidden, 'edXML must not contain a <!DOCTYPE> declaration');
  }
  const { root, signatureXml } = parseXml(text);

  const rootName = root.$ns?.local ?? root['#name'];
  if (rootName !== 'edXML') {
    throw new EdxmlError(
      EdxmlErrorCode.WrongRoot,
      `the root element is <${root['#name']}>, not <edXML>`,
      'edXML',
    );
  }
  if (root.$ns?.uri !== EDXML_NAMESPACE) {
    throw new EdxmlError(
      EdxmlErrorCode.WrongNamespace,
      `the root element edXML is in namespace "${root.$ns?.uri ?? ''}", not "${EDXML_NAMESPACE}"`,
      'edXML',
    );
  }
  const envelope = required(root, 'edXMLEnvelope', 'edXMLEnvelope');
  const header = required(envelope, 'edXMLHeader', 'edXMLEnvelope.edXMLHeader');
  const mh = required(header, 'MessageHeader', 'edXMLEnvelope.edXMLHeader.MessageHeader');
  checkHeaderSizes(header, mh);

  const pkg = child(mh, 'StatusCode') ? readStatus(mh) : readDocument(root, envelope, header, mh);
  if (signatureXml !== undefined) pkg.signatureXml = signatureXml;
  return pkg;
}
