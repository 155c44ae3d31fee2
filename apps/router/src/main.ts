import 'reflect-metadata';
import { loadConfig } from '#config';
import { createBusMicroservice } from '#bus';
import { RouterAppModule, routerAppOptions } from './router.module.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

async function bootstrap(): Promise<void> {
  const cfg = loadConfig();
  const app = await createBusMicroservice(
    RouterAppModule.forRoot(routerAppOptions(cfg)),
    { natsUrl: cfg.natsUrl, name: 'router' },
    { logger: LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1) },
  );
  await app.listen();
}

bootstrap().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
