import { Module } from '@nestjs/common';
import { ArchiveService } from './archive.service.js';
import { ArchiveRepository } from './archive.repository.js';
import { BlobStore } from './blobs/blob.store.js';

/** The archive's logic; needs StoreModule.forRoot (global). Import it to read originals and history too. */
@Module({
  providers: [ArchiveService, ArchiveRepository, BlobStore],
  exports: [ArchiveService, BlobStore],
})
export class ArchiveModule {}
