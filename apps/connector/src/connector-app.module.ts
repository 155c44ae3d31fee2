import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule } from '#bus';
import type { DocaxisConfig } from '#config';
import { ConnectorModule, type ConnectorOptions } from '#connector';
import { StoreModule } from '#store';
import { signatureOptionsFromConfig } from '#trust';
import { ConnectorController } from './connector.controller.js';

export interface ConnectorAppOptions extends ConnectorOptions {
  natsUrl: string;
  databaseUrl: string;
}

/**
 * The settings the connector reads: always parentOrganId; with the SDK-HTTP driver also parentUrl,
 * parentSystemId and parentSecret. The NATS driver needs nothing more: it talks over this axis's own NATS
 * (NATS_URL), whose leafnode link to the national server carries the calls.
 */
export function connectorAppOptions(cfg: DocaxisConfig): ConnectorAppOptions {
  const needed =
    cfg.connectorDriver === 'nats'
      ? (['parentOrganId'] as const)
      : (['parentUrl', 'parentSystemId', 'parentSecret', 'parentOrganId'] as const);
  const missing = needed.filter((k) => !cfg[k]);
  if (missing.length) throw new Error(`the connector needs ${missing.join(', ')}`);
  if (cfg.axisRole !== 'provincial') {
    throw new Error('the connector runs at a provincial axis: set DOCAXIS_AXIS_ROLE=provincial');
  }
  return {
    natsUrl: cfg.natsUrl,
    databaseUrl: cfg.databaseUrl,
    axisOrganId: cfg.axisOrganId,
    driver: cfg.connectorDriver,
    parentUrl: cfg.parentUrl,
    parentSystemId: cfg.parentSystemId,
    parentSecret: cfg.parentSecret,
    parentOrganId: cfg.parentOrganId!,
    packageLifetimeSeconds: cfg.packageLifetimeSeconds,
    pollMs: cfg.connectorPollMs,
    maxPackageBytes: cfg.maxPackageBytes,
    signatures: signatureOptionsFromConfig(cfg),
  };
}

/** The connector process of a provincial axis: the link to the parent (national) axis. */
@Module({})
export class ConnectorAppModule {
  static forRoot(opts: ConnectorAppOptions): DynamicModule {
    const { natsUrl, databaseUrl, ...connector } = opts;
    return {
      module: ConnectorAppModule,
      imports: [
        StoreModule.forRoot(databaseUrl),
        BusModule.forRoot(natsUrl, 'connector'),
        ConnectorModule.forRoot(connector),
      ],
      controllers: [ConnectorController],
    };
  }
}
