import { Module, type DynamicModule } from '@nestjs/common';
import { RoutingService } from './routing.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { SubmissionRepository } from './submission.repository.js';
import { RecipientResolver } from './recipient.resolver.js';
import { DeliveryExpiryService } from './delivery-expiry.service.js';
import { ROUTING_OPTIONS, type RoutingOptions } from './routing.options.js';

/**
 * The router's logic and the lifetime sweep; needs StoreModule.forRoot (global) and BusModule.forRoot (global)
 * in the application.
 */
@Module({})
export class RoutingModule {
  static forRoot(options: RoutingOptions): DynamicModule {
    return {
      module: RoutingModule,
      providers: [
        { provide: ROUTING_OPTIONS, useValue: options },
        RoutingService,
        DeliveryRepository,
        SubmissionRepository,
        RecipientResolver,
        DeliveryExpiryService,
      ],
      exports: [RoutingService, DeliveryExpiryService],
    };
  }
}
