import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule } from '#bus';
import type { DocaxisConfig } from '#config';
import { ConnectorModule, type ConnectorOptions } from '#connector';
import { StoreModule } from '#store';
import { ConnectorController } from './connector.controller.js';

export interface ConnectorAppOptions extends ConnectorOptions {
  natsUrl: string;
  databaseUrl: string;
}

/** The settings the connector reads (loadConfig with parentUrl, parentSystemId, parentSecret, parentOrganId). */
export function connectorAppOptions(cfg: DocaxisConfig): ConnectorAppOptions {
  const missing = (['parentUrl', 'parentSystemId', 'parentSecret', 'parentOrganId'] as const).filter(
    (k) => !cfg[k],
  );
  if (missing.length) throw new Error(`the connector needs ${missing.join(', ')}`);
  if (cfg.axisRole !== 'provincial') {
    throw new Error('the connector runs at a provincial axis: set DOCAXIS_AXIS_ROLE=provincial');
  }
  if (cfg.connectorDriver !== 'sdk-http') {
    throw new Error(`DOCAXIS_CONNECTOR_DRIVER=${cfg.connectorDriver} is not available yet; use sdk-http`);
  }
  return {
    natsUrl: cfg.natsUrl,
    databaseUrl: cfg.databaseUrl,
    axisOrganId: cfg.axisOrganId,
    parentUrl: cfg.parentUrl!,
    parentSystemId: cfg.parentSystemId!,
    parentSecret: cfg.parentSecret!,
    parentOrganId: cfg.parentOrganId!,
    packageLifetimeSeconds: cfg.packageLifetimeSeconds,
    pollMs: cfg.connectorPollMs,
    maxPackageBytes: cfg.maxPackageBytes,
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
