import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BlobStore } from '../blobs/blob.store.js';
import { buildExport, type ExportBundle } from './export-bundle.js';

/** Builds proof-carrying exports of archived packages for the gateway's archivist routes. */
@Injectable()
export class ExportService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  export(docId: string): Promise<ExportBundle> {
    return buildExport(this.ds, docId, new BlobStore(this.ds));
  }
}
