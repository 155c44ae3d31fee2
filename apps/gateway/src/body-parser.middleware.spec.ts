import { describe, it, expect } from '@jest/globals';
import { bodyParserError } from './body-parser.middleware.js';

describe('bodyParserError', () => {
  it('maps body-parser failures to stable codes', () => {
    expect(bodyParserError({ type: 'entity.too.large' }, 1000)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      httpStatus: 413,
      message: expect.stringContaining('1000 bytes'),
    });
    expect(bodyParserError({ type: 'entity.parse.failed' }, 1000)).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bodyParserError({ type: 'request.aborted' }, 1000)).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bodyParserError(new Error('boom'), 1000).message).toContain('boom');
  });
});
