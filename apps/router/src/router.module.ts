import { Module, type DynamicModule } from '@nestjs/common';
import { StoreModule } from '#store';
import { BusModule } from '#bus';
import type { DocaxisConfig } from '#config';
import { RoutingModule, type RoutingOptions } from '#routing';
import { RouterController } from './router.controller.js';

export interface RouterAppOptions extends RoutingOptions {
  natsUrl: string;
  databaseUrl: string;
}

/** The settings the router reads from the configuration. */
export function routerAppOptions(cfg: DocaxisConfig): RouterAppOptions {
  return {
    natsUrl: cfg.natsUrl,
    databaseUrl: cfg.databaseUrl,
    axisRole: cfg.axisRole,
    axisOrganId: cfg.axisOrganId,
    // The NATS driver needs no parent URL: the link is this axis's NATS leafnode.
    hasParent: Boolean(cfg.parentUrl) || cfg.connectorDriver === 'nats',
    packageLifetimeSeconds: cfg.packageLifetimeSeconds,
  };
}

/**
 * The router process: consumes accepted packages and writes the per-recipient deliveries (queueing those for
 * other axes for the connector), and expires what is not delivered within the package lifetime.
 */
@Module({})
export class RouterAppModule {
  static forRoot(opts: RouterAppOptions): DynamicModule {
    const { natsUrl, databaseUrl, ...routing } = opts;
    return {
      module: RouterAppModule,
      imports: [
        StoreModule.forRoot(databaseUrl),
        BusModule.forRoot(natsUrl, 'router'),
        RoutingModule.forRoot(routing),
      ],
      controllers: [RouterController],
    };
  }
}
