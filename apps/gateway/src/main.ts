import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { loadConfig } from '#config';
import { createGatewayApp } from './gateway.app.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  const cfg = loadConfig();
  const app = await createGatewayApp(
    {
      databaseUrl: cfg.databaseUrl,
      natsUrl: cfg.natsUrl,
      maxPackageBytes: cfg.maxPackageBytes,
      authWindowSeconds: cfg.authWindowSeconds,
      axisOrganId: cfg.axisOrganId,
    },
    LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1),
  );
  await app.listen(cfg.gatewayPort, cfg.gatewayHost);
  new Logger('gateway').log(`listening on http://${cfg.gatewayHost}:${cfg.gatewayPort} (OpenAPI at /docs)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
