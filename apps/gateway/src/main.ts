import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { loadConfig } from '#config';
import { loadSeal, signatureOptionsFromConfig } from '#trust';
import { createGatewayApp } from './gateway.app.js';
import { gatewayTlsFromConfig } from './gateway.tls.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  const cfg = loadConfig();
  const seal = loadSeal(cfg);
  if (!seal) {
    new Logger('gateway').warn(
      'no seal configured (DOCAXIS_SEAL_KEY + DOCAXIS_SEAL_CERT, or DOCAXIS_SEAL_P12): answers carry no receipts',
    );
  }
  const app = await createGatewayApp(
    {
      databaseUrl: cfg.databaseUrl,
      natsUrl: cfg.natsUrl,
      maxPackageBytes: cfg.maxPackageBytes,
      authWindowSeconds: cfg.authWindowSeconds,
      axisOrganId: cfg.axisOrganId,
      seal,
      tls: gatewayTlsFromConfig(cfg),
      signatures: signatureOptionsFromConfig(cfg),
    },
    LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1),
  );
  await app.listen(cfg.gatewayPort, cfg.gatewayHost);
  const scheme = cfg.gatewayTlsCert ? 'https' : 'http';
  new Logger('gateway').log(
    `listening on ${scheme}://${cfg.gatewayHost}:${cfg.gatewayPort} (OpenAPI at /docs)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
