import {
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ArchiveDocumentsModule, ArchiveChainModule, ArchiveSearchModule, AuditModule } from '#archive';
import { AuthModule } from '#auth';
import { BusModule } from '#bus';
import { ExchangeModule } from '#exchange';
import { SDK_PATHS } from '#sdk-client';
import { StoreModule } from '#store';
import { JsonBodyMiddleware, PackageBodyMiddleware } from './body-parser.middleware.js';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options.js';
import { mtlsModeOf } from './gateway.tls.js';
import { HealthController } from './health.controller.js';
import { AgencyNatsController } from './agency-nats.controller.js';
import { ArchiveSearchController } from './archive-search.controller.js';
import { ArchiveExportController } from './archive-export.controller.js';
import { ArchiveDocumentsController } from './archive-documents.controller.js';
import { SdkController } from './sdk.controller.js';
import { SdkExceptionFilter } from './sdk-exception.filter.js';

/** The HTTP face for agency document systems: the SDK calls over the exchange services. */
@Module({})
export class GatewayModule implements NestModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        StoreModule.forRoot(options.databaseUrl),
        BusModule.forRoot(options.natsUrl, 'gateway'),
        AuthModule.forRoot({ authWindowSeconds: options.authWindowSeconds, mtls: mtlsModeOf(options.tls) }),
        ExchangeModule.forRoot({
          maxPackageBytes: options.maxPackageBytes,
          axisOrganId: options.axisOrganId,
          seal: options.seal,
          signatures: options.signatures,
        }),
        // Records every @Audited (archivist) call in the hash-chained audit log.
        AuditModule,
        ArchiveChainModule.exports(),
        ArchiveSearchModule,
        // Evidence re-verifies signatures against the axis's own trust files.
        ArchiveDocumentsModule.forRoot({
          trustFiles: options.signatures?.trustFiles ?? [],
          allowSha1: options.signatures?.allowSha1,
          requireCrl: options.signatures?.requireCrl,
        }),
      ],
      controllers: [
        SdkController,
        HealthController,
        ArchiveSearchController,
        ArchiveExportController,
        ArchiveDocumentsController,
      ],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: SdkExceptionFilter },
        PackageBodyMiddleware,
        JsonBodyMiddleware,
        // Agency systems straight on NATS (dx.agency.<agency>.*), beside the HTTP calls.
        AgencyNatsController,
      ],
    };
  }

  // Body parsing is per call (Nest's own parser is off): the package as raw bytes, JSON for the rest.
  configure(consumer: MiddlewareConsumer): void {
    const sendEdoc = { path: SDK_PATHS.sendEdoc.slice(1), method: RequestMethod.POST };
    consumer.apply(PackageBodyMiddleware).forRoutes(sendEdoc);
    consumer.apply(JsonBodyMiddleware).exclude(sendEdoc).forRoutes(SdkController);
    consumer.apply(JsonBodyMiddleware).forRoutes(ArchiveSearchController);
  }
}
