import { SetMetadata } from '@nestjs/common';
import type { PrincipalRole } from './auth.types.js';

export const ROLES_KEY = 'docaxis:roles';

/** The principal roles allowed to call a route (on a handler, or a controller for all its handlers). */
export const Roles = (...roles: PrincipalRole[]) => SetMetadata(ROLES_KEY, roles);
