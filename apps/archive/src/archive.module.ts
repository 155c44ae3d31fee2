import { Module, type DynamicModule } from '@nestjs/common';
import { StoreModule } from '#store';
import { ArchiveModule } from '#archive';
import { ArchiveController } from './archive.controller.js';

export interface ArchiveAppOptions {
  databaseUrl: string;
}

/** The archive process: keeps every accepted package and every delivery event. */
@Module({})
export class ArchiveAppModule {
  static forRoot(opts: ArchiveAppOptions): DynamicModule {
    return {
      module: ArchiveAppModule,
      imports: [StoreModule.forRoot(opts.databaseUrl), ArchiveModule],
      controllers: [ArchiveController],
    };
  }
}
