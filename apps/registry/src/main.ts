import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createBusMicroservice } from '#bus';
import { loadConfig } from '#config';
import { RegistryService, seedRegistryIfEmpty } from '#registry';
import { RegistryAppModule } from './registry-app.module.js';

const LEVELS: ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] = [
  'error',
  'warn',
  'log',
  'debug',
  'verbose',
];

async function main(): Promise<void> {
  const cfg = loadConfig(process.env, ['masterKey']);
  // createBusMicroservice = NestFactory.createMicroservice on DocaxisTransport, with DxErrors passed through
  // to the reply (Nest's default filter would turn them into "Internal server error") and shutdown hooks on.
  const app = await createBusMicroservice(
    RegistryAppModule.forRoot({ databaseUrl: cfg.databaseUrl, masterKey: cfg.masterKey }),
    { natsUrl: cfg.natsUrl, name: 'registry' },
    { logger: LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1) },
  );
  const log = new Logger('registry');
  if (cfg.registrySeedFile) {
    // Seed before serving so the first resolve already sees the agencies.
    const seeded = await seedRegistryIfEmpty(app.get(RegistryService), cfg.registrySeedFile);
    log.log(
      seeded
        ? `seeded from ${cfg.registrySeedFile}: ${seeded.created} agencies, version ${seeded.version}`
        : `registry not empty; seed ${cfg.registrySeedFile} not applied`,
    );
  }
  await app.listen();
  log.log('registry listening');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
