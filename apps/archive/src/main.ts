import 'reflect-metadata';
import { loadConfig } from '#config';
import { loadSeal } from '#trust';
import { createBusMicroservice } from '#bus';
import { ArchiveAppModule } from './archive.module.js';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

async function bootstrap(): Promise<void> {
  const cfg = loadConfig();
  const app = await createBusMicroservice(
    ArchiveAppModule.forRoot({
      databaseUrl: cfg.databaseUrl,
      natsUrl: cfg.natsUrl,
      blobThresholdBytes: cfg.archiveBlobThresholdBytes,
      checkpoints: {
        seal: loadSeal(cfg),
        axisOrganId: cfg.axisOrganId,
        every: cfg.archiveCheckpointEvery,
        seconds: cfg.archiveCheckpointSeconds,
      },
    }),
    // Many in flight so that the archive's group commit gathers large batches (ArchiveService).
    { natsUrl: cfg.natsUrl, name: 'archive', concurrency: 128 },
    { logger: LEVELS.slice(0, LEVELS.indexOf(cfg.logLevel) + 1) },
  );
  await app.listen();
}

bootstrap().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
