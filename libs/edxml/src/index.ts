// Public API of #edxml: parse, validate and build QCVN 102:2016 edXML packages.
export {
  BUSINESS_DOC_TYPES,
  EDXML_LIMITS,
  EDXML_NAMESPACE,
  EdxmlErrorCode,
  PAPER_VALUES,
  PRIORITIES,
  RECEIVER_TYPES,
  STATUS_CODES,
  STEERING_TYPES,
  isStatusCode,
  type BusinessAction,
  type EdxmlStatusCode,
  type StatusCodeInfo,
} from './edxml.constants.js';
export { EdxmlError, type EdxmlValidationIssue } from './edxml.error.js';
export {
  edxmlTimestampToDate,
  formatEdxmlDate,
  formatEdxmlTimestamp,
  isDecision20OrganId,
  isOrganId,
  isQcvnOrganId,
  isValidBase64,
  normalizeContentId,
  parseDocumentId,
  parseEdxmlDate,
  parseEdxmlTimestamp,
  type EdxmlDate,
  type EdxmlDocumentIdParts,
  type EdxmlTimestamp,
} from './edxml.formats.js';
export {
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
export { parseEdxml } from './edxml.parser.js';
export { assertValid, validateEdxml } from './edxml.validator.js';
export { buildEdxml, buildStatus, createStatus, type StatusInput } from './edxml.builder.js';
export {
  businessOf,
  decodeAttachment,
  isEmptyResponseFor,
  recipientsOf,
  summaryOf,
  type BusinessInfo,
  type EdxmlSummary,
} from './edxml.helpers.js';
export {
  EDXML_STREAM_LIMITS,
  EdxmlStreamScanner,
  scanEdxml,
  type ScannedAttachment,
  type ScannedEdxml,
} from './edxml.stream.js';
