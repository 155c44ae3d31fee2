import { describe, it, expect } from '@jest/globals';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DxError } from '#contracts';
import { EdxmlError, EdxmlErrorCode } from '#edxml';
import { ok, toFailResponse } from './sdk-answer.js';

describe('SDK answers', () => {
  it('shapes OK answers with only the fields given', () => {
    expect(ok()).toEqual({ status: 'OK', ErrorCode: '0', ErrorDesc: '' });
    expect(ok({ DocId: 'd', data: { a: 1 }, next: '9', version: 3 })).toEqual({
      status: 'OK',
      ErrorCode: '0',
      ErrorDesc: '',
      DocId: 'd',
      data: { a: 1 },
      next: '9',
      version: 3,
    });
    expect(ok({ data: [] })).toHaveProperty('data', []);
    expect(ok({ next: undefined })).not.toHaveProperty('next');
  });

  it('answers a DxError with its code, message and HTTP status', () => {
    expect(toFailResponse(new DxError('DUPLICATE_DOCUMENT_ID', 'DocumentId X was sent as D'))).toEqual({
      httpStatus: 409,
      answer: { status: 'FAIL', ErrorCode: 'DUPLICATE_DOCUMENT_ID', ErrorDesc: 'DocumentId X was sent as D' },
      unexpected: false,
    });
    expect(toFailResponse(new DxError('AUTH_BAD_SIGNATURE')).httpStatus).toBe(401);
    expect(toFailResponse(new DxError('UNAVAILABLE', 'x', 503, true)).httpStatus).toBe(503);
  });

  it('passes edXML errors through as 400 with the library code and message', () => {
    const r = toFailResponse(new EdxmlError(EdxmlErrorCode.Malformed, 'line 3: unbound prefix', 'edXML'));
    expect(r).toMatchObject({
      httpStatus: 400,
      answer: { ErrorCode: 'EDXML_MALFORMED', ErrorDesc: 'line 3: unbound prefix' },
    });
  });

  it('keeps the status of Nest HTTP exceptions', () => {
    expect(toFailResponse(new NotFoundException('Cannot POST /nope'))).toMatchObject({
      httpStatus: 404,
      answer: { ErrorCode: 'BAD_REQUEST', ErrorDesc: 'Cannot POST /nope' },
    });
    expect(toFailResponse(new PayloadTooLargeException()).httpStatus).toBe(413);
  });

  it('hides the details of unexpected errors behind 500 INTERNAL', () => {
    const r = toFailResponse(new TypeError("Cannot read properties of undefined (reading 'secret_enc')"));
    expect(r).toEqual({
      httpStatus: 500,
      answer: { status: 'FAIL', ErrorCode: 'INTERNAL', ErrorDesc: 'Internal error' },
      unexpected: true,
    });
  });
});
