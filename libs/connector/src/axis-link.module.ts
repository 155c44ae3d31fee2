import { Module, type DynamicModule } from '@nestjs/common';
import { ExchangeModule, type ExchangeOptions } from '#exchange';
import { AxisLinkResponder } from './axis-link.responder.js';

/**
 * The national end of the NATS driver (AxisLinkResponder) over the gateway's exchange services. Needs
 * StoreModule.forRoot and BusModule.forRoot (both global) in the application.
 */
@Module({})
export class AxisLinkModule {
  static forRoot(options: ExchangeOptions): DynamicModule {
    return {
      module: AxisLinkModule,
      imports: [ExchangeModule.forRoot(options)],
      providers: [AxisLinkResponder],
    };
  }
}
