import { Module, type DynamicModule } from '@nestjs/common';
import { ExchangeModule } from '#exchange';
import { DocaxisClient } from '#sdk-client';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { ConnectorPoller } from './connector.poller.js';
import { ConnectorStateRepository } from './connector-state.repository.js';
import { InboundService } from './inbound.service.js';
import { OutboundRepository } from './outbound.repository.js';
import { OutboundService } from './outbound.service.js';
import { PARENT_LINK } from './parent-link.js';
import { RegistrySyncService } from './registry-sync.service.js';
import { SdkHttpParentLink } from './sdk-http.link.js';

/**
 * The connector of a provincial axis with its SDK-HTTP driver: outbound forwarding (OutboundService, fed by the
 * connectorOut consumer of the app), the inbound poll and the registry sync. Needs StoreModule.forRoot and
 * BusModule.forRoot (both global) in the application.
 */
@Module({})
export class ConnectorModule {
  static forRoot(options: ConnectorOptions): DynamicModule {
    return {
      module: ConnectorModule,
      imports: [
        // Injection is the gateway's submission path, shared, with this axis's hop.
        ExchangeModule.forRoot({
          maxPackageBytes: options.maxPackageBytes,
          axisOrganId: options.axisOrganId,
        }),
      ],
      providers: [
        { provide: CONNECTOR_OPTIONS, useValue: options },
        {
          provide: PARENT_LINK,
          useFactory: () =>
            new SdkHttpParentLink(
              new DocaxisClient({
                baseUrl: options.parentUrl,
                systemId: options.parentSystemId,
                secret: options.parentSecret,
                timeoutMs: options.requestTimeoutMs,
              }),
            ),
        },
        OutboundRepository,
        OutboundService,
        InboundService,
        ConnectorStateRepository,
        RegistrySyncService,
        ConnectorPoller,
      ],
      exports: [OutboundService, InboundService, RegistrySyncService],
    };
  }
}
