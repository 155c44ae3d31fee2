import { Module, type DynamicModule } from '@nestjs/common';
import { StoreModule } from '#store';
import { BusModule } from '#bus';
import { ArchiveChainModule, ArchiveModule, BlobOptionsModule, type CheckpointOptions } from '#archive';
import { ArchiveController } from './archive.controller.js';

export interface ArchiveAppOptions {
  databaseUrl: string;
  /** NATS for reading large packages from the object store (without it only packages in messages archive). */
  natsUrl?: string;
  /** Packages above this size are stored apart in the blob store (default 1 MiB). */
  blobThresholdBytes?: number;
  /** Signed checkpoints of the archive hash chain (no seal: none). */
  checkpoints?: CheckpointOptions;
}

/** The archive process: keeps every accepted package and every delivery event. */
@Module({})
export class ArchiveAppModule {
  static forRoot(opts: ArchiveAppOptions): DynamicModule {
    return {
      module: ArchiveAppModule,
      imports: [
        StoreModule.forRoot(opts.databaseUrl),
        ...(opts.natsUrl ? [BusModule.forRoot(opts.natsUrl, 'archive')] : []),
        BlobOptionsModule.forRoot(
          opts.blobThresholdBytes === undefined ? {} : { thresholdBytes: opts.blobThresholdBytes },
        ),
        ArchiveModule,
        ...(opts.checkpoints ? [ArchiveChainModule.checkpoints(opts.checkpoints)] : []),
      ],
      controllers: [ArchiveController],
    };
  }
}
