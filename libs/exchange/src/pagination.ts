import { DxError, MESSAGE_TYPES, type MessageType } from '#contracts';

/** Page size when a list call names none, and the largest it may ask for. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new DxError('BAD_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/** Inbox cursor: the last delivery id of the previous page (a bigint, kept as a decimal string). */
export function deliveryCursor(after: string | undefined): string {
  if (after === undefined || after === '') return '0';
  if (!/^\d{1,18}$/.test(after))
    throw new DxError('BAD_REQUEST', 'after must be the next cursor of the previous page');
  return after;
}

/** The message types a list call covers: the one asked for, or both. */
export function messageTypes(messagetype: MessageType | undefined): MessageType[] {
  if (messagetype === undefined) return [...MESSAGE_TYPES];
  if (!MESSAGE_TYPES.includes(messagetype))
    throw new DxError('BAD_REQUEST', 'messagetype must be edoc or status');
  return [messagetype];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isDocId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** DocIds are UUIDs; anything else is a malformed request, not an unknown document. */
export function requireDocId(value: unknown, field = 'docId'): string {
  if (!isDocId(value)) throw new DxError('BAD_REQUEST', `${field} must be a DocId (UUID)`);
  return value.toLowerCase();
}
