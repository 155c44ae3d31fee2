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
    res.status(httpStatus).json(answer);
  }
}
