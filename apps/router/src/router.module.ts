import { Module, type DynamicModule } from '@nestjs/common';
import { StoreModule } from '#store';
import { BusModule } from '#bus';
import { RoutingModule } from '#routing';
import { RouterController } from './router.controller.js';

export interface RouterAppOptions {
  natsUrl: string;
  databaseUrl: string;
}

/** The router process: consumes accepted packages and writes the per-recipient deliveries. */
@Module({})
export class RouterAppModule {
  static forRoot(opts: RouterAppOptions): DynamicModule {
    return {
      module: RouterAppModule,
      imports: [
        StoreModule.forRoot(opts.databaseUrl),
        BusModule.forRoot(opts.natsUrl, 'router'),
        RoutingModule,
      ],
      controllers: [RouterController],
    };
  }
}
