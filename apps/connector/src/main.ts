import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createBusMicroservice } from '#bus';
import { loadConfig } from '#config';
import { ConnectorAppModule, connectorAppOptions } from './connector-app.module.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

async function bootstrap(): Promise<void> {
  const cfg = loadConfig(process.env, ['parentOrganId']);
  const app = await createBusMicroservice(
    ConnectorAppModule.forRoot(connectorAppOptions(cfg)),
    { natsUrl: cfg.natsUrl, name: 'connector' },
    { logger: LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1) },
  );
  await app.listen();
  new Logger('connector').log(
    cfg.connectorDriver === 'nats'
      ? `${cfg.axisOrganId} linked to ${cfg.parentOrganId} over its NATS leafnode (${cfg.natsUrl})`
      : `${cfg.axisOrganId} connected to ${cfg.parentOrganId} at ${cfg.parentUrl} as system ${cfg.parentSystemId}`,
  );
}

bootstrap().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
