import { Module, type DynamicModule } from '@nestjs/common';
import { AgenciesService } from './agencies.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import { InboxService } from './inbox.service.js';
import { SentService } from './sent.service.js';
import { SubmissionRepository } from './submission.repository.js';
import { SubmissionService } from './submission.service.js';

/**
 * The SDK call semantics over the store and the bus. Needs StoreModule.forRoot and BusModule.forRoot
 * (both global) in the application.
 */
@Module({})
export class ExchangeModule {
  static forRoot(options: ExchangeOptions): DynamicModule {
    const services = [SubmissionService, InboxService, SentService, AgenciesService];
    return {
      module: ExchangeModule,
      providers: [
        { provide: EXCHANGE_OPTIONS, useValue: options },
        SubmissionRepository,
        DeliveryRepository,
        ...services,
      ],
      exports: services,
    };
  }
}
