import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toFailResponse } from './sdk-answer.js';

/** Every failure of the gateway answers in the SDK's FAIL shape with a stable ErrorCode. */
@Catch()
export class SdkExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('gateway');

  catch(e: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const { httpStatus, answer, unexpected } = toFailResponse(e);
    if (unexpected) {
      this.log.error(`${req.method} ${req.originalUrl}: ${(e as Error)?.stack ?? String(e)}`);
    } else if (httpStatus >= 500) {
      this.log.warn(`${req.method} ${req.originalUrl}: ${answer.ErrorCode} ${answer.ErrorDesc}`);
    }
    if (res.headersSent) return;
    const send = () => {
      if (!res.headersSent) res.status(httpStatus).json(answer);
    };
    // A streamed package refused before its body was read to the end: read (and discard) the rest first, as
    // HTTP/1.1 clients that are still sending do not read an early answer (they see a reset connection instead).
    if (req.readable && !req.readableEnded && (req as { bodySha256?: string }).bodySha256) {
      const timer = setTimeout(send, DRAIN_TIMEOUT_MS);
      req.once('end', () => {
        clearTimeout(timer);
        send();
      });
      req.once('error', send);
      req.resume();
      return;
    }
    send();
  }
}

/** How long a refused streamed body is drained before the answer is sent anyway. */
const DRAIN_TIMEOUT_MS = 60_000;
