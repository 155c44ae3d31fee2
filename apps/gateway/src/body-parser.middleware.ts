import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DxError } from '#contracts';
import type { AuthenticatedRequest } from '#auth';
import { travelsAsObject } from '#bus';
import { SEND_HEADERS } from '#sdk-client';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options.js';

/** body-parser reports failures as errors with a `type`; give them the hub's stable codes. */
export function bodyParserError(e: unknown, limit: number): DxError {
  const err = e as { type?: string; message?: string };
  switch (err?.type) {
    case 'entity.too.large':
      return new DxError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than ${limit} bytes, the most this hub accepts`,
      );
    case 'entity.parse.failed':
      return new DxError('BAD_REQUEST', 'the body is not valid JSON (an object is expected)');
    case 'request.aborted':
    case 'request.size.invalid':
      return new DxError('BAD_REQUEST', 'the body was not received completely');
    default:
      return new DxError('BAD_REQUEST', `the body could not be read: ${err?.message ?? String(e)}`);
  }
}

// Runs an Express parser inside a Nest middleware, so that its errors reach the exception filter.
function runParser(parser: RequestHandler, req: Request, res: Response, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    void parser(req, res, (err?: unknown) => (err ? reject(bodyParserError(err, limit)) : resolve()));
  });
}

/** Bodies sent without a Content-Length are buffered, up to this (what one NATS message could carry before). */
export const MAX_BUFFERED_PACKAGE_BYTES = 60 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * POST /sendEdoc: the body is the package, kept as raw bytes whatever its content type. A body above the limit
 * is refused (PAYLOAD_TOO_LARGE) from its Content-Length, or as soon as a chunked body passes the limit,
 * without being buffered whole.
 *
 * A body whose Content-Length is above the object threshold (proto/ objectStores.packages) is not read here: it
 * is streamed into the object store by SubmissionService.submitStreamed. The DX1 signature is then checked over
 * the declared `hash-file` (`req.bodySha256`), and the body is hashed on its way and refused (HASH_MISMATCH)
 * unless it is exactly that hash, before anything is recorded.
 */
@Injectable()
export class PackageBodyMiddleware implements NestMiddleware {
  private readonly parser: RequestHandler;
  private readonly limit: number;
  private readonly bufferedLimit: number;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.limit = options.maxPackageBytes;
    this.bufferedLimit = Math.min(this.limit, MAX_BUFFERED_PACKAGE_BYTES);
    this.parser = express.raw({ type: () => true, limit: this.bufferedLimit });
  }

  async use(req: AuthenticatedRequest, res: Response, next: NextFunction): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isSafeInteger(declared) && travelsAsObject(declared)) {
      if (declared > this.limit) throw bodyParserError({ type: 'entity.too.large' }, this.limit);
      const claimed = req.headers[SEND_HEADERS.hashFile];
      if (typeof claimed !== 'string' || !claimed.trim()) {
        throw new DxError('HASH_MISSING', 'header hash-file (SHA-256 hex of the body) is missing');
      }
      if (!SHA256_HEX.test(claimed.trim())) {
        throw new DxError('HASH_MISMATCH', `header hash-file ${claimed} is not a SHA-256 hex digest`);
      }
      req.bodySha256 = claimed.trim().toLowerCase();
      req.rawBody = Buffer.alloc(0);
      next();
      return;
    }
    await runParser(this.parser, req, res, this.bufferedLimit);
    req.rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.body = req.rawBody;
    next();
  }
}

/** The other calls: a JSON object body, with its exact bytes kept for the signature check. */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parser: RequestHandler;
  private readonly limit: number;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.limit = options.maxJsonBytes ?? 1024 * 1024;
    this.parser = express.json({
      type: () => true,
      limit: this.limit,
      verify: (req, _res, buf) => {
        (req as AuthenticatedRequest).rawBody = buf;
      },
    });
  }

  async use(req: AuthenticatedRequest, res: Response, next: NextFunction): Promise<void> {
    await runParser(this.parser, req, res, this.limit);
    req.rawBody ??= Buffer.alloc(0);
    if (req.body !== undefined && (typeof req.body !== 'object' || Array.isArray(req.body))) {
      throw new DxError('BAD_REQUEST', 'the body must be a JSON object');
    }
    next();
  }
}
