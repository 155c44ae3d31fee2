import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError } from '#contracts';
import { JETSTREAM, publishAcceptedPackage, type AcceptedPackageMeta } from '#bus';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import type { SubmitInput, SubmitResult } from './exchange.types.js';
import { inspectSubmission } from './submission.inspector.js';
import { SubmissionRepository, type SubmissionRow } from './submission.repository.js';

/** sendEdoc: accept a package once, record it, and put it on the bus for the router and the archive. */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly submissions: SubmissionRepository,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(EXCHANGE_OPTIONS) private readonly options: ExchangeOptions,
  ) {}

  /**
   * Order matters for crash safety: the row is written before the publish and marked after it, so a crash or
   * a failed publish leaves a row with published_at null that the client's retry completes (the DocId is the
   * JetStream de-duplication key, so a publish that did happen is not stored twice).
   */
  async submit(input: SubmitInput): Promise<SubmitResult> {
    const s = inspectSubmission(input, this.options.maxPackageBytes);
    const { row, inserted } = await this.submissions.insertOrFind({
      docId: randomUUID(),
      messageType: s.messageType,
      senderOrganId: s.from,
      systemId: input.systemId,
      documentKey: s.documentKey,
      documentId: s.documentId,
      sha256: s.sha256,
      sizeBytes: s.sizeBytes,
      toHeader: s.to,
    });
    if (!inserted && row.sha256 !== s.sha256) {
      throw new DxError(
        'DUPLICATE_DOCUMENT_ID',
        `DocumentId ${s.documentId} was already sent by ${s.from} with different content as DocId ${row.docId}; ` +
          'a changed document needs a new DocumentId (or an update/replace package)',
      );
    }
    if (row.publishedAt === null) {
      await this.publish(row, s.serviceType, input.body);
      await this.submissions.markPublished(row.docId);
    }
    return { docId: row.docId, duplicate: !inserted };
  }

  private async publish(row: SubmissionRow, serviceType: string, body: Buffer): Promise<void> {
    const meta: AcceptedPackageMeta = {
      docId: row.docId,
      messageType: row.messageType,
      from: row.senderOrganId,
      to: row.toHeader,
      sha256: row.sha256,
      systemId: row.systemId,
      serviceType,
      acceptedAt: new Date(row.acceptedAt).toISOString(),
      documentId: row.documentId,
    };
    try {
      await publishAcceptedPackage(this.js, meta, body);
    } catch (e) {
      throw new DxError(
        'UNAVAILABLE',
        `the package was recorded as DocId ${row.docId} but could not be queued (${(e as Error).message}); ` +
          'send it again',
        503,
        true,
      );
    }
  }
}
