import { Module, type DynamicModule } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { SystemAuthGuard } from './system-auth.guard.js';
import { AUTH_OPTIONS, type AuthOptions } from './auth.types.js';

/** Request authentication for the gateway; needs BusModule.forRoot (global) for the registry requests. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, AuthService, SystemAuthGuard],
      exports: [AuthService, SystemAuthGuard],
    };
  }
}
