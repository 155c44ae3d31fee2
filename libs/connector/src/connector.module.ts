import { Module, type DynamicModule } from '@nestjs/common';
import { ExchangeModule } from '#exchange';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '#bus';
import { DocaxisClient } from '#sdk-client';
import { axisCode } from './axis-link.subjects.js';
import { NatsParentLink } from './nats.link.js';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { ConnectorPoller } from './connector.poller.js';
import { ConnectorStateRepository } from './connector-state.repository.js';
import { InboundService } from './inbound.service.js';
import { OutboundRepository } from './outbound.repository.js';
import { OutboundService } from './outbound.service.js';
import { PARENT_LINK, type ParentLink } from './parent-link.js';
import { RegistrySyncService } from './registry-sync.service.js';
import { SdkHttpParentLink } from './sdk-http.link.js';

/**
 * The connector of a provincial axis with its SDK-HTTP or NATS driver: outbound forwarding (OutboundService, fed by the
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
          signatures: options.signatures,
        }),
      ],
      providers: [
        { provide: CONNECTOR_OPTIONS, useValue: options },
        {
          provide: PARENT_LINK,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => parentLink(options, nc),
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

/** The driver the options name. NATS: requests over this axis's own bus, which the leafnode carries up. */
export function parentLink(options: ConnectorOptions, nc: NatsConnection): ParentLink {
  if (options.driver === 'nats') {
    return new NatsParentLink(nc, {
      code: axisCode(options.axisOrganId),
      timeoutMs: options.requestTimeoutMs,
    });
  }
  if (!options.parentUrl || !options.parentSystemId || !options.parentSecret) {
    throw new Error('the SDK-HTTP driver needs parentUrl, parentSystemId and parentSecret');
  }
  return new SdkHttpParentLink(
    new DocaxisClient({
      baseUrl: options.parentUrl,
      systemId: options.parentSystemId,
      secret: options.parentSecret,
      timeoutMs: options.requestTimeoutMs,
    }),
  );
}
