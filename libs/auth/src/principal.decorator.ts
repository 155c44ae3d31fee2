import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, SystemPrincipal } from './auth.types.js';

/** The caller SystemAuthGuard authenticated (use only on guarded routes). */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): SystemPrincipal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('Principal used on a route without SystemAuthGuard');
  return principal;
});
