import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import type { AuthenticatedRequest } from './auth.types.js';
import { clientCertificateOf } from './client-cert.js';

/**
 * Authenticates SDK calls (DX1 request signing, or a TLS client certificate when mTLS is on) and attaches the caller as `request.principal`.
 * The body parser must run first and keep the exact bytes in `request.rawBody`: the signature covers them.
 */
@Injectable()
export class SystemAuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.principal = await this.auth.authenticate({
      method: req.method,
      path: req.originalUrl,
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      ...(req.bodySha256 ? { bodySha256: req.bodySha256 } : {}),
      clientCert: clientCertificateOf(req.socket),
    });
    return true;
  }
}
