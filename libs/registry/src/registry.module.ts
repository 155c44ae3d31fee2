import { Module, type DynamicModule } from '@nestjs/common';
import { RegistryRepository } from './registry.repository.js';
import { RegistryService } from './registry.service.js';
import { SecretBox } from './secret-box.js';

export interface RegistryModuleOptions {
  /** 64 hex characters (config masterKey): seals system secrets at rest. */
  masterKey: string;
}

/** The registry service for apps/registry; needs StoreModule.forRoot (global) for its tables. */
@Module({})
export class RegistryModule {
  static forRoot(options: RegistryModuleOptions): DynamicModule {
    return {
      module: RegistryModule,
      providers: [
        { provide: SecretBox, useFactory: () => new SecretBox(options.masterKey) },
        RegistryRepository,
        RegistryService,
      ],
      exports: [RegistryService],
    };
  }
}
