import { Module, type DynamicModule } from '@nestjs/common';
import { CHECKPOINT_OPTIONS, CheckpointService, type CheckpointOptions } from './checkpoint.service.js';
import { ExportService } from './export.service.js';

/** Archive integrity in a Nest app: checkpoints (the archive process) and exports (the gateway). */
@Module({})
export class ArchiveChainModule {
  /** The archive process: signs checkpoints of the chain it appends to. */
  static checkpoints(opts: CheckpointOptions): DynamicModule {
    return {
      module: ArchiveChainModule,
      providers: [{ provide: CHECKPOINT_OPTIONS, useValue: opts }, CheckpointService],
      exports: [CheckpointService],
    };
  }

  /** The gateway: proof-carrying exports for archivists. */
  static exports(): DynamicModule {
    return { module: ArchiveChainModule, providers: [ExportService], exports: [ExportService] };
  }
}
