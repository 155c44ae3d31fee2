import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES, MIGRATIONS } from './data-source.js';

/** Nest wiring for the hub database; the schema comes from migrations (run by `docaxis migrate` / `up`). */
@Module({})
export class StoreModule {
  static forRoot(databaseUrl: string, poolSize = 10): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          migrationsTableName: 'docaxis_migrations',
          synchronize: false,
          migrationsRun: false,
          extra: { max: poolSize },
          retryAttempts: 30,
          retryDelay: 1000,
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      exports: [TypeOrmModule],
    };
  }
}
