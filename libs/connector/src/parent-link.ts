import type { MessageType } from '#contracts';
import type { AgencyItem, TraceHop } from '#sdk-client';

/** One package waiting in this axis's inbox at the parent, for one of this axis's agencies. */
export interface ParentInboxItem {
  /** The parent's DocId. */
  id: string;
  /** The agency of this axis it is for. */
  to: string;
  messageType: MessageType;
}

export interface ParentPackage {
  content: Buffer;
  /** Hops the package took so far, the parent's included. */
  trace: TraceHop[];
}

export interface ParentSendInput {
  from: string;
  messageType: MessageType;
  /** The recipients on other axes (the package's To list may name agencies of this axis too). */
  to: string[];
  /** Hops so far, this axis's included. */
  trace: TraceHop[];
}

export interface ParentAgencyPage {
  items: AgencyItem[];
  next?: string;
  /** The parent registry's version when the page was read. */
  version: number;
}

/**
 * The connection to the parent axis, whatever carries it. The SDK-HTTP driver is one connected system of the
 * parent's gateway; a NATS driver would implement the same calls. Every method throws ParentLinkError.
 */
export interface ParentLink {
  /** Submits a package; a repeat of an accepted one answers OK too (the parent recognises it). */
  send(bytes: Uint8Array, input: ParentSendInput): Promise<{ docId: string; duplicate: boolean }>;
  /** Everything waiting for this axis's agencies (every page), oldest first. */
  inbox(messageType: MessageType, maxItems: number): Promise<ParentInboxItem[]>;
  fetch(id: string): Promise<ParentPackage>;
  /** Transport acknowledgement: `done` takes it out of the inbox, `fail` says this axis cannot take it. */
  acknowledge(id: string, status: 'done' | 'fail'): Promise<void>;
  agencies(query: { sinceVersion: number; after?: string; limit: number }): Promise<ParentAgencyPage>;
}

export const PARENT_LINK = Symbol('PARENT_LINK');

/**
 * A failed call to the parent. `transient`: the link, the parent or the configuration is at fault and a retry
 * may succeed (the package is kept); otherwise the parent refused this package for a reason of its own.
 */
export class ParentLinkError extends Error {
  override readonly name = 'ParentLinkError';
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}
