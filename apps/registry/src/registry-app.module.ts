import { Module, type DynamicModule } from '@nestjs/common';
import { RegistryModule } from '#registry';
import { StoreModule } from '#store';
import { RegistryController } from './registry.controller.js';

export interface RegistryAppOptions {
  databaseUrl: string;
  masterKey: string;
}

@Module({})
export class RegistryAppModule {
  static forRoot(options: RegistryAppOptions): DynamicModule {
    return {
      module: RegistryAppModule,
      imports: [
        StoreModule.forRoot(options.databaseUrl),
        RegistryModule.forRoot({ masterKey: options.masterKey }),
      ],
      controllers: [RegistryController],
    };
  }
}
