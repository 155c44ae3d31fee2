import { describe, expect, it } from '@jest/globals';
import { DxError } from '#contracts';
import { okReply, requestObject, toReplyError } from './request.responder.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('request responder', () => {
  it('reads a JSON object body, an empty one as {}', () => {
    expect(requestObject(bytes('{"a":1}'))).toEqual({ a: 1 });
    expect(requestObject(new Uint8Array())).toEqual({});
  });

  it('refuses a body that is not a JSON object with BAD_REQUEST', () => {
    for (const bad of ['[1]', '"x"', '3', 'null', '{', '\xff']) {
      expect(() => requestObject(bytes(bad))).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', message: 'the request must be a JSON object' }),
      );
    }
  });

  it('answers the DxError code, INTERNAL for anything else', () => {
    expect(toReplyError(new DxError('FORBIDDEN_AGENCY', 'not yours'))).toEqual({
      code: 'FORBIDDEN_AGENCY',
      message: 'not yours',
    });
    expect(toReplyError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toReplyError('weird')).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(JSON.parse(Buffer.from(okReply({ n: 1 }).data).toString('utf8'))).toEqual({
      ok: true,
      data: { n: 1 },
    });
  });
});
