import { Module } from '@nestjs/common';
import { RoutingService } from './routing.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { SubmissionRepository } from './submission.repository.js';
import { RecipientResolver } from './recipient.resolver.js';

/** The router's logic; needs StoreModule.forRoot (global) and BusModule.forRoot (global) in the application. */
@Module({
  providers: [RoutingService, DeliveryRepository, SubmissionRepository, RecipientResolver],
  exports: [RoutingService],
})
export class RoutingModule {}
