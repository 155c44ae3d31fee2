import type { MessageType } from '#contracts';

/** An authenticated connected system and the agencies registered under it (what every call is scoped to). */
export interface Caller {
  systemId: string;
  agencies: ReadonlySet<string>;
}

/** The SDK headers of a send, as received (all optional here: the checks say which is missing). */
export interface SubmitHeaders {
  from?: string;
  to?: string;
  servicetype?: string;
  messagetype?: string;
  hashFile?: string;
}

export interface SubmitInput extends Caller {
  headers: SubmitHeaders;
  body: Buffer;
}

export interface SubmitResult {
  docId: string;
  /** True when this exact package had already been accepted (the original DocId is returned). */
  duplicate: boolean;
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
