// Constants of QCVN 102:2016 edXML and the code tables the validator and the helpers share.

export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** Every code this library reports; other code compares against these, never against literal strings. */
export const EdxmlErrorCode = {
  Malformed: 'EDXML_MALFORMED',
  WrongRoot: 'EDXML_WRONG_ROOT',
  WrongNamespace: 'EDXML_WRONG_NAMESPACE',
  MissingElement: 'EDXML_MISSING_ELEMENT',
  Encoding: 'EDXML_ENCODING',
  DoctypeForbidden: 'EDXML_DOCTYPE_FORBIDDEN',
  Invalid: 'EDXML_INVALID',
  InvalidCharacter: 'EDXML_INVALID_CHARACTER',
  Required: 'EDXML_REQUIRED',
  OrganIdFormat: 'EDXML_ORGANID_FORMAT',
  StatusCode: 'EDXML_STATUS_CODE',
  BusinessDocType: 'EDXML_BUSINESS_DOC_TYPE',
  Priority: 'EDXML_PRIORITY',
  SteeringType: 'EDXML_STEERING_TYPE',
  Paper: 'EDXML_PAPER',
  ReceiverType: 'EDXML_RECEIVER_TYPE',
  Date: 'EDXML_DATE',
  Timestamp: 'EDXML_TIMESTAMP',
  DocumentIdFormat: 'EDXML_DOCUMENT_ID_FORMAT',
  AttachmentMismatch: 'EDXML_ATTACHMENT_MISMATCH',
  Base64: 'EDXML_BASE64',
  TooDeep: 'EDXML_TOO_DEEP',
  FieldTooLarge: 'EDXML_FIELD_TOO_LARGE',
} as const;

/** Limits on hostile input, checked by the parser before anything else reads the package. */
export const EDXML_LIMITS = {
  /** Deepest element nesting (the root is depth 1); real packages stay below 10. */
  maxDepth: 64,
  /** Largest text of any one element under edXMLHeader, in UTF-8 bytes. */
  maxHeaderFieldBytes: 64 * 1024,
  /** Most MessageHeader/To recipients of one package. */
  maxRecipients: 1000,
} as const;
export type EdxmlErrorCode = (typeof EdxmlErrorCode)[keyof typeof EdxmlErrorCode];

export interface StatusCodeInfo {
  readonly meaning: string;
  readonly vi: string;
  readonly sentBy: 'receiver' | 'sender';
}

/** Business status codes carried by status packages (domain.md); no other codes were seen in the wild. */
export const STATUS_CODES = {
  '01': {
    meaning: 'arrived: the receiving system has it, the clerk has not acted yet',
    vi: 'Đã đến',
    sentBy: 'receiver',
  },
  '02': {
    meaning: 'rejected: misaddressed, invalid or not competent',
    vi: 'Từ chối tiếp nhận',
    sentBy: 'receiver',
  },
  '03': { meaning: 'accepted and registered', vi: 'Đã tiếp nhận', sentBy: 'receiver' },
  '04': { meaning: 'assigned', vi: 'Phân công', sentBy: 'receiver' },
  '05': { meaning: 'being processed', vi: 'Đang xử lý', sentBy: 'receiver' },
  '06': { meaning: 'completed', vi: 'Hoàn thành', sentBy: 'receiver' },
  '13': { meaning: 'take-back requested', vi: 'Lấy lại', sentBy: 'sender' },
  '15': { meaning: 'take-back / update request agreed', vi: 'Đồng ý lấy lại / cập nhật', sentBy: 'receiver' },
  '16': {
    meaning: 'take-back / update request refused',
    vi: 'Từ chối lấy lại / cập nhật',
    sentBy: 'receiver',
  },
} as const satisfies Record<string, StatusCodeInfo>;
export type EdxmlStatusCode = keyof typeof STATUS_CODES;

export const isStatusCode = (value: string): value is EdxmlStatusCode => Object.hasOwn(STATUS_CODES, value);

/** Bussiness/BussinessDocType: what the package does to an earlier document. */
export const BUSINESS_DOC_TYPES = { '0': 'new', '1': 'revoke', '2': 'update', '3': 'replace' } as const;
export type BusinessAction = (typeof BUSINESS_DOC_TYPES)[keyof typeof BUSINESS_DOC_TYPES];

export const PRIORITIES = {
  '0': 'normal',
  '1': 'urgent',
  '2': 'very urgent',
  '3': 'flash',
  '4': 'flash with deadline',
} as const;

/** 0 is not in the standard but is seen in the wild: it means unspecified. */
export const STEERING_TYPES = {
  '0': 'unspecified',
  '1': 'not steering',
  '2': 'steering',
  '3': 'report on steering',
} as const;

export const PAPER_VALUES = { '0': 'no paper copy follows', '1': 'a paper copy follows' } as const;
export const RECEIVER_TYPES = { '0': 'removed', '1': 'added' } as const;
