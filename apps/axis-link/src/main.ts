import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createBusMicroservice } from '#bus';
import { loadConfig } from '#config';
import { AxisLinkAppModule, axisLinkAppOptions } from './axis-link-app.module.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

async function bootstrap(): Promise<void> {
  const cfg = loadConfig();
  const app = await createBusMicroservice(
    AxisLinkAppModule.forRoot(axisLinkAppOptions(cfg)),
    { natsUrl: cfg.natsUrl, name: 'axis-link' },
    { logger: LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1) },
  );
  await app.listen();
  new Logger('axis-link').log(
    `${cfg.axisOrganId} answers the provincial axes on dx.axis.*.* (${cfg.natsUrl})`,
  );
}

bootstrap().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
