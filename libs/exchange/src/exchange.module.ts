import { Module, type DynamicModule } from '@nestjs/common';
import { BlobStore } from '#archive';
import { AgenciesService } from './agencies.service.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DEFAULT_SIGNATURE_POLICY, PackageSignatureService, SIGNATURE_OPTIONS } from '#trust';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import { InboxService } from './inbox.service.js';
import { ReceiptRepository } from './receipt.repository.js';
import { ReceiptService } from './receipt.service.js';
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
    const services = [SubmissionService, InboxService, SentService, AgenciesService, ReceiptService];
    return {
      module: ExchangeModule,
      providers: [
        { provide: EXCHANGE_OPTIONS, useValue: options },
        {
          provide: SIGNATURE_OPTIONS,
          useValue: options.signatures ?? {
            policy: DEFAULT_SIGNATURE_POLICY,
            trustFiles: [],
            allowSha1: false,
            requireCrl: false,
          },
        },
        PackageSignatureService,
        SubmissionRepository,
        DeliveryRepository,
        // Reads the originals of large packages, kept apart from their rows by the archive.
        BlobStore,
        ReceiptRepository,
        ...services,
      ],
      exports: services,
    };
  }
}
