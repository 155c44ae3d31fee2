import { Readable } from 'node:stream';
import {
  HttpException,
  Inject,
  Injectable,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, Observable, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { DxError } from '#contracts';
import type { AuthenticatedRequest } from '#auth';
import { AUDIT_ACTION_KEY, type AuditAction } from './audited.decorator.js';
import type { AuditEntry } from './audit.record.js';
import { AuditRepository } from './audit.repository.js';

/** The code the caller's FAIL answer carries, as the gateway's exception filter maps errors. */
function codeOf(e: unknown): string {
  if (e instanceof DxError) return e.code;
  if (e instanceof HttpException) return e.getStatus() < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : 'INTERNAL';
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v);

/**
 * Writes an audit row for every call of a route decorated @Audited. A plain answer is released only after its
 * row is stored (no unaudited view when the log cannot be written); a streamed one is recorded when the
 * response finishes or is aborted.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditAction | undefined>(AUDIT_ACTION_KEY, context.getHandler());
    if (!action || context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const entry = (result: string): AuditEntry => ({
      at: new Date(),
      actorSystemId: req.principal?.systemId ?? '(anonymous)',
      actorRole: req.principal?.role ?? '(none)',
      action,
      route: `${req.method} ${req.route?.path ?? req.path}`,
      target: docIdOf(req),
      filters: {
        ...(isPlainObject(req.query) ? req.query : {}),
        ...(isPlainObject(req.body) ? req.body : {}),
      },
      result,
    });
    return next.handle().pipe(
      mergeMap((value) => {
        const streamed =
          value instanceof StreamableFile ||
          value instanceof Readable ||
          (res.headersSent && !res.writableEnded);
        if (!streamed) return from(this.audit.append(entry('ok')).then(() => value));
        res.once('close', () => {
          void this.audit.append(entry(res.writableFinished ? 'ok' : 'ABORTED')).catch(() => undefined);
        });
        return from([value]);
      }),
      catchError((e: unknown) =>
        from(this.audit.append(entry(codeOf(e)))).pipe(mergeMap(() => throwError(() => e))),
      ),
    );
  }
}

function docIdOf(req: Request): string | null {
  const p = (req.params as Record<string, string | undefined>)?.docId;
  if (p) return p;
  const b: unknown = req.body;
  return isPlainObject(b) && typeof b.docId === 'string' ? b.docId : null;
}
