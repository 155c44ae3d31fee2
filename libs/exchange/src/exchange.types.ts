import type { MessageType } from '#contracts';
import type { PackageSignature, TraceHop } from '#sdk-client';
import type { SignaturePolicy } from '#trust';

/** An authenticated connected system and the agencies registered under it (what every call is scoped to). */
export interface Caller {
  systemId: string;
  agencies: ReadonlySet<string>;
  /** The system's own package signature policy (registry); absent or `axis`: the axis's. */
  signaturePolicy?: SignaturePolicy | 'axis';
}

/** The SDK headers of a send, as received (all optional here: the checks say which is missing). */
export interface SubmitHeaders {
  from?: string;
  to?: string;
  servicetype?: string;
  messagetype?: string;
  hashFile?: string;
  /** x-dx-trace: hops so far, when an axis forwards the package (percent-encoded JSON array). */
  trace?: string;
}

export interface SubmitInput extends Caller {
  headers: SubmitHeaders;
  body: Buffer;
}

/** A send whose body is read as it arrives (a large package: the HTTP request itself). */
export interface StreamedSubmitInput extends Caller {
  headers: SubmitHeaders;
  body: AsyncIterable<Uint8Array>;
  /** Content-Length, when the client declared one. */
  declaredBytes?: number;
}

/**
 * A package the parent axis delivered to this axis, handed over by the connector: trusted (the connector
 * authenticated the parent), so there is no calling system; the sender is the package's From.
 */
export interface ForwardedInput {
  body: Buffer;
  messageType: MessageType;
  /** OrganId of the axis it came from (recorded, and it is never sent back up). */
  originAxis: string;
  /** Hops received with it; this hub appends its own. */
  trace: TraceHop[];
  /** The agencies of this axis the parent delivered it for (added to the package's To list when routing). */
  to: string[];
}

export interface SubmitResult {
  docId: string;
  /** True when this exact package had already been accepted (the original DocId is returned). */
  duplicate: boolean;
  /** The submission receipt (JWS signed with the hub seal; the first one for a repeated send); none without a seal. */
  receipt?: string;
  signature: PackageSignature;
}

export interface PageRequest {
  limit?: number;
  after?: string;
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; absent on the last one. */
  next?: string;
}

export type { MessageType };
