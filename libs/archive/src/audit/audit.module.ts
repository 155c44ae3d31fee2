import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditRepository } from './audit.repository.js';

/** Import once in an HTTP app (the gateway): every @Audited handler is then recorded. Needs StoreModule. */
@Module({
  providers: [AuditRepository, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditRepository],
})
export class AuditModule {}
