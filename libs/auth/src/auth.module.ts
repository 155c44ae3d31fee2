import { Module, type DynamicModule } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { SystemAuthGuard } from './system-auth.guard.js';
import { RolesGuard } from './roles.guard.js';
import { NonceStore } from './nonce.store.js';
import { AUTH_OPTIONS, type AuthOptions } from './auth.types.js';

/**
 * Request authentication for the gateway; needs BusModule.forRoot (global) for the registry requests and
 * StoreModule.forRoot (global) for the nonces.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        AuthService,
        NonceStore,
        SystemAuthGuard,
        RolesGuard,
      ],
      exports: [AuthService, SystemAuthGuard, RolesGuard],
    };
  }
}
