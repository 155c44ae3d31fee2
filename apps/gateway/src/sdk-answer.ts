// The SDK's JSON answer shapes, and how any error becomes a FAIL answer with a stable code.
import { HttpException } from '@nestjs/common';
import { DxError, ErrorCodes } from '#contracts';
import { EdxmlError } from '#edxml';
import type { SdkFail, SdkOk } from '#sdk-client';

export function ok<T>(extra: { data?: T; DocId?: string; next?: string; version?: number } = {}): SdkOk<T> {
  const answer: SdkOk<T> = { status: 'OK', ErrorCode: '0', ErrorDesc: '' };
  if (extra.DocId !== undefined) answer.DocId = extra.DocId;
  if (extra.data !== undefined) answer.data = extra.data;
  if (extra.next !== undefined) answer.next = extra.next;
  if (extra.version !== undefined) answer.version = extra.version;
  return answer;
}

export interface FailResponse {
  httpStatus: number;
  answer: SdkFail;
  /** Unexpected: log it with its stack (its details are not shown to the caller). */
  unexpected: boolean;
}

const fail = (httpStatus: number, code: string, desc: string, unexpected = false): FailResponse => ({
  httpStatus,
  answer: { status: 'FAIL', ErrorCode: code, ErrorDesc: desc },
  unexpected,
});

/**
 * DxError: its code, message and status. EdxmlError: the library's code and message (which names the field),
 * 400. Nest HTTP exceptions (unknown route, ...): their status with BAD_REQUEST, or INTERNAL for 5xx. Anything
 * else is a bug: 500 INTERNAL without internals.
 */
export function toFailResponse(e: unknown): FailResponse {
  if (e instanceof DxError) {
    return fail(e.httpStatus, e.code, e.message, e.code === 'INTERNAL');
  }
  if (e instanceof EdxmlError) return fail(400, e.code, e.message);
  if (e instanceof HttpException) {
    const status = e.getStatus();
    if (status >= 500) return fail(status, 'INTERNAL', ErrorCodes.INTERNAL.text, true);
    return fail(status, 'BAD_REQUEST', e.message);
  }
  return fail(500, 'INTERNAL', ErrorCodes.INTERNAL.text, true);
}
