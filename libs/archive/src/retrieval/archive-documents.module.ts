import { Module, type DynamicModule } from '@nestjs/common';
import { ArchiveModule } from '../archive.module.js';
import { EVIDENCE_OPTIONS, EvidenceService, type EvidenceOptions } from '../evidence/evidence.service.js';
import { ArchiveDocumentRepository } from './archive-document.repository.js';
import { DocumentRetrievalService } from './document-retrieval.service.js';

/** Retrieval and evidence for archivists (read-only); needs StoreModule.forRoot (global). */
@Module({})
export class ArchiveDocumentsModule {
  static forRoot(evidence: EvidenceOptions): DynamicModule {
    return {
      module: ArchiveDocumentsModule,
      imports: [ArchiveModule],
      providers: [
        ArchiveDocumentRepository,
        DocumentRetrievalService,
        EvidenceService,
        { provide: EVIDENCE_OPTIONS, useValue: evidence },
      ],
      exports: [DocumentRetrievalService, EvidenceService],
    };
  }
}
