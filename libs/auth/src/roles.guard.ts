import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DxError } from '#contracts';
import type { AuthenticatedRequest, PrincipalRole } from './auth.types.js';
import { ROLES_KEY } from './roles.decorator.js';

/**
 * Allows a route only to the roles its @Roles names (the handler's, else the controller's). A route without
 * @Roles is for role `system` only, so a new exchange call can never be opened to archivists by omission.
 * Runs after SystemAuthGuard: `@UseGuards(SystemAuthGuard, RolesGuard)`.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<PrincipalRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['system'];
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('RolesGuard used on a route without SystemAuthGuard before it');
    if (!allowed.includes(principal.role)) {
      throw new DxError(
        'FORBIDDEN_ROLE',
        `${context.getHandler().name} is for role ${allowed.join(' or ')}; system ${principal.systemId} is ${principal.role}`,
      );
    }
    return true;
  }
}
