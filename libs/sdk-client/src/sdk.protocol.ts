// The SDK-compatible HTTP API of the gateway: call paths, request headers and fields, answer shapes.
// Shared by the server (apps/gateway) and every client (DocaxisClient, the CLI, the SDK-HTTP connector), so the
// two sides cannot drift. Pure declarations: importing this module loads nothing else.

/** The calls, named as in the national axis SDK. All are POST except `health`. */
export const SDK_PATHS = {
  sendEdoc: '/sendEdoc',
  getReceivedEdocList: '/getReceivedEdocList',
  getEdoc: '/getEdoc',
  updateStatus: '/updateStatus',
  getSentEdocList: '/getSentEdocList',
  getAgenciesList: '/getAgenciesList',
  getSynchronizeUnit: '/getSynchronizeUnit',
  /** docaxis extension: the receipts (signed with the hub seal) of a DocId. */
  getReceipts: '/getReceipts',
  health: '/health',
} as const;

/** Request headers of `POST /sendEdoc` (lower-case, as Node reports them). */
export const SEND_HEADERS = {
  from: 'from',
  to: 'to',
  serviceType: 'servicetype',
  messageType: 'messagetype',
  hashFile: 'hash-file',
  /** Hops so far, sent by an axis forwarding a package (percent-encoded JSON array of TraceHop). */
  trace: 'x-dx-trace',
} as const;

/** Response headers of `POST /getEdoc` answered as raw bytes (`Accept: application/octet-stream`). */
export const EDOC_RESPONSE_HEADERS = {
  docId: 'x-dx-doc-id',
  sha256: 'x-dx-sha256',
  /** The package's hops (percent-encoded JSON array of TraceHop). */
  trace: 'x-dx-trace',
  /** The EdocView the bytes are in. */
  view: 'x-dx-view',
} as const;

export const SERVICE_TYPE = 'eDoc';

export type { TraceHop } from '#contracts';
import type { TraceHop } from '#contracts';

/** getEdoc views: the signed original bytes, or a copy whose TraceHeaderList has the hub hops appended. */
export const EDOC_VIEWS = ['original', 'traced'] as const;
export type EdocView = (typeof EDOC_VIEWS)[number];
export type SdkMessageType = 'edoc' | 'status';
/** Transport acknowledgements a receiver may send with /updateStatus (not business statuses). */
export const TRANSPORT_STATUSES = ['processing', 'done', 'fail'] as const;
export type TransportStatus = (typeof TRANSPORT_STATUSES)[number];
/** State of one recipient's copy as listed: the transport statuses, `pending`, `failed` (undeliverable), and for recipients on other axes `outbound` → `forwarded`, or `expired` when its lifetime ran out. */
export type DeliveryStatus =
  'pending' | 'processing' | 'done' | 'fail' | 'failed' | 'outbound' | 'forwarded' | 'expired';

/** Every answer: `status` OK with ErrorCode '0', or FAIL with a stable code (see ErrorCodes / EDXML_*). */
export interface SdkOk<T = undefined> {
  status: 'OK';
  ErrorCode: '0';
  ErrorDesc: '';
  /** The hub DocId (sendEdoc only). */
  DocId?: string;
  data?: T;
  /** Cursor for the next page of a list call; absent on the last page. */
  next?: string;
  /** Registry version the agency list was read at (getAgenciesList only). */
  version?: number;
}

export interface SdkFail {
  status: 'FAIL';
  ErrorCode: string;
  ErrorDesc: string;
}

export type SdkAnswer<T = undefined> = SdkOk<T> | SdkFail;

// ---- request bodies (JSON) ----

export interface ReceivedListRequest {
  /** edoc or status; both when absent. */
  messagetype?: SdkMessageType;
  /** One of the caller's agencies; all of them when absent. */
  agency?: string;
  limit?: number;
  /** `next` of the previous page. */
  after?: string;
}

export interface GetEdocRequest {
  docId: string;
  /** `original` (default): the bytes as signed. `traced`: a rebuilt copy with the hops in TraceHeaderList. */
  view?: EdocView;
}

export interface UpdateStatusRequest {
  docId: string;
  status: TransportStatus;
  /** Which of the caller's agencies acknowledges; all of the caller's recipients of the DocId when absent. */
  agency?: string;
}

export interface SentListRequest {
  /** edoc or status; both when absent. */
  messagetype?: SdkMessageType;
  /** One of the caller's agencies; all of them when absent. */
  agency?: string;
  /** Only this DocId. */
  docId?: string;
  limit?: number;
  after?: string;
}

export interface GetReceiptsRequest {
  docId: string;
  /** One of the caller's agencies; all of them when absent. */
  agency?: string;
}

export interface AgenciesListRequest {
  /** Only agencies changed after this registry version (incremental sync). */
  sinceVersion?: number;
  limit?: number;
  after?: string;
}

// ---- answer data ----

export interface SendResult {
  docId: string;
  /** True when the same package had already been accepted: the original DocId is returned. */
  duplicate: boolean;
  /**
   * The submission receipt: a JWS (typ dx-receipt+jws) signed with the hub's seal, attesting the package's
   * SHA-256, DocId and acceptance time; the original one for a repeated send. Absent when the hub has no seal.
   */
  receipt?: string;
  /** The package signature check at acceptance, under the axis's or the system's policy. */
  signature: PackageSignature;
}

/**
 * What the hub found when it checked a package's XML-DSig signature: `verified` (chain, validity, revocation and
 * OrganId binding all hold; `signer` says who), `unsigned`, `invalid` (`code` says why: SIG_*, CERT_*), or
 * `not-checked` (policy off).
 */
export interface PackageSignature {
  verdict: 'verified' | 'unsigned' | 'invalid' | 'not-checked';
  code?: string;
  message?: string;
  signer?: { subject: string; organId?: string; serial: string; fingerprint256: string; chain: string[] };
}

/** One package in the caller's inbox (one per recipient agency of the caller). */
export interface ReceivedItem {
  /** Hub DocId: pass it to getEdoc and updateStatus. */
  id: string;
  from: string;
  to: string;
  serviceType: string;
  messageType: SdkMessageType;
  status: DeliveryStatus;
  /** ISO-8601. */
  created_time: string;
  updated_time: string;
  contentSha256: string;
  contentLength: number;
  /** edXML DocumentId (of the answered document, for a status package). */
  documentId: string;
  /** The axes the package passed through, oldest first (kept beside the bytes, see TraceHop). */
  trace: TraceHop[];
  /** The hub's signature verdict (verified | unsigned | invalid | not-checked): flags unverifiable packages. */
  signature: PackageSignature['verdict'];
}

export interface EdocContent {
  docId: string;
  /** Base64 of the package bytes: byte-identical to what the sender submitted in the `original` view. */
  content: string;
  /** SHA-256 hex of `content`. */
  sha256: string;
  /** The axes the package passed through, oldest first. */
  trace: TraceHop[];
  /** What `content` is: `traced` only for a document asked for in that view (a status has no TraceHeaderList). */
  view: EdocView;
}

export interface StatusUpdateResult {
  docId: string;
  agency: string;
  status: DeliveryStatus;
  updated_time: string;
  /** The acknowledgement receipt (JWS signed with the hub seal); absent when the hub has no seal. */
  receipt?: string;
}

/** One receipt the hub issued for a DocId (getReceipts). */
export interface ReceiptItem {
  receiptId: string;
  kind: 'submission' | 'acknowledgement';
  /** The acknowledging recipient (acknowledgements). */
  agency?: string;
  ackStatus?: TransportStatus;
  created_time: string;
  /** The JWS itself: verify it with `docaxis receipt verify` or #trust verifyReceipt. */
  receipt: string;
}

export interface BusinessStatusInfo {
  /** edXML StatusCode, e.g. 03. */
  code: string;
  meaning: string | null;
  description: string | null;
  time: string | null;
}

export interface SentRecipient {
  to: string;
  status: DeliveryStatus;
  businessStatus: BusinessStatusInfo | null;
  failure: { code: string | null; reason: string | null } | null;
  updated_time: string;
}

/** One package the caller sent, with what happened to each recipient's copy so far. */
export interface SentItem {
  id: string;
  from: string;
  serviceType: string;
  messageType: SdkMessageType;
  documentId: string;
  contentSha256: string;
  contentLength: number;
  /** Recipients the sender named in its `to` header (the package's To list is what routing uses). */
  toHeader: string[];
  accepted_time: string;
  /** False until the package is on the bus (a retry of the send completes it). */
  published: boolean;
  /** The hub's signature check of the package, with the reason when it is not verified. */
  signature: PackageSignature;
  /** Empty until the router has recorded the deliveries. */
  recipients: SentRecipient[];
}

export interface AgencyItem {
  organId: string;
  code2020?: string;
  name: string;
  parentOrganId?: string;
  axisOrganId?: string;
  systemId?: string;
  email?: string;
  deleted?: boolean;
  version: number;
}
