import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BLOB_OPTIONS, type BlobOptions } from './blob.options.js';

/**
 * Sets the blob store's options for the whole application (the archive process imports it with the
 * configured threshold); without it BlobStore uses DEFAULT_BLOB_OPTIONS. Readers need no options.
 */
@Global()
@Module({})
export class BlobOptionsModule {
  static forRoot(options: Partial<BlobOptions>): DynamicModule {
    return {
      module: BlobOptionsModule,
      providers: [{ provide: BLOB_OPTIONS, useValue: options }],
      exports: [BLOB_OPTIONS],
    };
  }
}
