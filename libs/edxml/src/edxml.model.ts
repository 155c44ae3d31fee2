// The edXML package model (QCVN 102:2016). Element names are kept as properties so a value maps to exactly
// one element; values are the trimmed strings found, so parse -> build -> parse is exact. An absent optional
// element is `undefined`, an empty one is `''`. Mandatory containers (From, Code, PromulgationInfo,
// DocumentType; a status's From and ResponseFor) are always objects: a missing one shows up as its missing
// mandatory leaves (e.g. MessageHeader.Code.CodeNumber).
// Classes are declared leaves first: emitDecoratorMetadata references them when the decorators run.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import {
  BUSINESS_DOC_TYPES,
  EdxmlErrorCode,
  PAPER_VALUES,
  PRIORITIES,
  RECEIVER_TYPES,
  STATUS_CODES,
  STEERING_TYPES,
} from './edxml.constants.js';
import {
  Base64Content,
  ContentIdsMatch,
  DocumentIdFormat,
  EdxmlDateFormat,
  EdxmlTimestampFormat,
  InCodeTable,
  OrganIdFormat,
  OrganIdListFormat,
  Required,
  RequiredElement,
  RequiredList,
} from './edxml.rules.js';

/** From / To (1.1, 1.2): an agency. */
export class Organization {
  @Required()
  @OrganIdFormat()
  OrganId?: string;
  OrganName?: string;
  OrganizationInCharge?: string;
  OrganAdd?: string;
  Email?: string;
  Telephone?: string;
  Fax?: string;
  Website?: string;
}

/** The From of a document package, whose name is mandatory too. */
export class SenderOrganization extends Organization {
  @Required()
  override OrganName?: string;
}

/** 1.3 Code: số / ký hiệu. */
export class DocumentCode {
  @Required()
  CodeNumber?: string;
  @Required()
  CodeNotation?: string;
}

/** 1.4 */
export class PromulgationInfo {
  Place?: string;
  @Required()
  @EdxmlDateFormat()
  PromulgationDate?: string;
}

/** 1.5: trust TypeName, Type/TypeDetail usage varies between producers. */
export class DocumentType {
  Type?: string;
  TypeDetail?: string;
  @Required()
  TypeName?: string;
}

/** 1.8 */
export class SignerInfo {
  Competence?: string;
  Position?: string;
  FullName?: string;
}

/** 1.11 */
export class OtherInfo {
  @InCodeTable(EdxmlErrorCode.Priority, PRIORITIES)
  Priority?: string;
  SphereOfPromulgation?: string;
  TyperNotation?: string;
  PromulgationAmount?: string;
  PageAmount?: string;
  Direction?: string;
  /** Appendixes/Appendix* */
  Appendixes?: string[];
}

/**
 * 1.12: the document this one answers. An all-empty ResponseFor (seen in the wild) counts as absent:
 * every rule here checks only values that are present.
 */
export class ResponseFor {
  @OrganIdFormat()
  OrganId?: string;
  Code?: string;
  @EdxmlDateFormat()
  PromulgationDate?: string;
  @DocumentIdFormat()
  DocumentId?: string;
}

/** The ResponseFor of a status package: which document of which agency the status is about. */
export class StatusResponseFor extends ResponseFor {
  // class-validator drops a parent's rules for a property the subclass decorates, so all are repeated.
  @Required()
  @OrganIdFormat()
  override OrganId?: string;
  @Required()
  @DocumentIdFormat()
  override DocumentId?: string;
}

/** The clerk who handled the package (Bussiness/StaffInfo and status packages). */
export class StaffInfo {
  Department?: string;
  Staff?: string;
  Mobile?: string;
  Email?: string;
}

/** MessageHeader of a document package, fields 1.1-1.14. */
export class DocumentMessageHeader {
  @RequiredElement()
  @ValidateNested()
  @Type(() => SenderOrganization)
  From: SenderOrganization;

  @RequiredList()
  @ValidateNested({ each: true })
  @Type(() => Organization)
  To: Organization[];

  @RequiredElement()
  @ValidateNested()
  @Type(() => DocumentCode)
  Code: DocumentCode;

  @RequiredElement()
  @ValidateNested()
  @Type(() => PromulgationInfo)
  PromulgationInfo: PromulgationInfo;

  @RequiredElement()
  @ValidateNested()
  @Type(() => DocumentType)
  DocumentType: DocumentType;

  @Required()
  Subject?: string;

  Content?: string;

  @Type(() => SignerInfo)
  SignerInfo?: SignerInfo;

  @EdxmlDateFormat()
  DueDate?: string;

  /** ToPlaces/Place*: free-text recipients "for information". */
  ToPlaces?: string[];

  @ValidateNested()
  @Type(() => OtherInfo)
  OtherInfo?: OtherInfo;

  @ValidateNested({ each: true })
  @Type(() => ResponseFor)
  ResponseFor: ResponseFor[];

  @InCodeTable(EdxmlErrorCode.SteeringType, STEERING_TYPES)
  SteeringType?: string;

  @Required()
  @DocumentIdFormat()
  DocumentId?: string;
}

/** One hop of the package: appended by each system it passes through. */
export class TraceHeader {
  @OrganIdFormat()
  OrganId?: string;
  @EdxmlTimestampFormat()
  Timestamp?: string;
}

/** BussinessDocumentInfo/ReceiverList/Receiver: a recipient removed (0) or added (1) by an update. */
export class Receiver {
  @OrganIdFormat()
  OrganId?: string;
  @InCodeTable(EdxmlErrorCode.ReceiverType, RECEIVER_TYPES)
  ReceiverType?: string;
}

/** What an update (BussinessDocType 2) changes. */
export class BusinessDocumentInfo {
  DocumentInfo?: string;
  DocumentReceiver?: string;
  @ValidateNested({ each: true })
  @Type(() => Receiver)
  ReceiverList?: Receiver[];
}

/** ReplacementInfoList/ReplacementInfo: a document replaced (BussinessDocType 3) and for whom. */
export class ReplacementInfo {
  @DocumentIdFormat()
  DocumentId?: string;
  /** OrganIdList/OrganId* */
  @OrganIdListFormat()
  OrganIdList?: string[];
}

/** TraceHeaderList/Bussiness (sic; `Business` accepted when parsing, `Bussiness` written). */
export class Business {
  @DocumentIdFormat()
  DocumentId?: string;
  @InCodeTable(EdxmlErrorCode.BusinessDocType, BUSINESS_DOC_TYPES)
  BussinessDocType?: string;
  BussinessDocReason?: string;
  @InCodeTable(EdxmlErrorCode.Paper, PAPER_VALUES)
  Paper?: string;
  @ValidateNested()
  @Type(() => BusinessDocumentInfo)
  BussinessDocumentInfo?: BusinessDocumentInfo;
  @ValidateNested({ each: true })
  @Type(() => ReplacementInfo)
  ReplacementInfoList?: ReplacementInfo[];
  @Type(() => StaffInfo)
  StaffInfo?: StaffInfo;
}

export class TraceHeaderList {
  /** TraceHeader* */
  @ValidateNested({ each: true })
  @Type(() => TraceHeader)
  traces: TraceHeader[];

  /** Bussiness */
  @ValidateNested()
  @Type(() => Business)
  business?: Business;
}

/** edXMLBody/edXMLManifest/Reference: declares one attachment. */
export class ManifestReference {
  /** As written (`cid:209` or `209`); compare with normalizeContentId(). */
  ContentId?: string;
  ContentType?: string;
  Description?: string;
  AttachmentName?: string;
}

/** AttachmentEncoded/Attachment. Name files from AttachmentName, never from what is inside. */
export class Attachment {
  ContentId?: string;
  AttachmentName?: string;
  Description?: string;
  ContentType?: string;
  /** The base64 text as found; decoded only on demand by decodeAttachment(). */
  @Base64Content()
  ContentTransferEncoded?: string;
}

/** A document package (messagetype edoc). */
export class EdxmlDocument {
  readonly kind = 'edoc' as const;

  @RequiredElement()
  @ValidateNested()
  @Type(() => DocumentMessageHeader)
  MessageHeader: DocumentMessageHeader;

  @ValidateNested()
  @Type(() => TraceHeaderList)
  TraceHeaderList?: TraceHeaderList;

  /** The package-level Signature element exactly as received (opaque; re-emitted verbatim). */
  signatureXml?: string;

  /** edXMLBody/edXMLManifest/Reference* */
  @ContentIdsMatch('attachments', 'AttachmentEncoded.Attachment')
  @Type(() => ManifestReference)
  references: ManifestReference[];

  /** AttachmentEncoded/Attachment* */
  @ContentIdsMatch('references', 'edXMLManifest.Reference')
  @ValidateNested({ each: true })
  @Type(() => Attachment)
  attachments: Attachment[];
}

/** MessageHeader of a status package. */
export class StatusMessageHeader {
  /** Who reports the status. */
  @RequiredElement()
  @ValidateNested()
  @Type(() => Organization)
  From: Organization;

  @RequiredElement()
  @ValidateNested()
  @Type(() => StatusResponseFor)
  ResponseFor: StatusResponseFor;

  @Type(() => StaffInfo)
  StaffInfo?: StaffInfo;

  @Required()
  @InCodeTable(EdxmlErrorCode.StatusCode, STATUS_CODES)
  StatusCode?: string;

  Description?: string;

  @Required()
  @EdxmlTimestampFormat()
  Timestamp?: string;
}

/** A status package (messagetype status). */
export class EdxmlStatus {
  readonly kind = 'status' as const;

  @RequiredElement()
  @ValidateNested()
  @Type(() => StatusMessageHeader)
  MessageHeader: StatusMessageHeader;

  /** The package-level Signature element exactly as received, if any. */
  signatureXml?: string;
}

export type EdxmlPackage = EdxmlDocument | EdxmlStatus;
