import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError } from '#contracts';
import { JETSTREAM, publishAcceptedPackage, type AcceptedPackageMeta } from '#bus';
import type { PackageSignature, TraceHop } from '#sdk-client';
import { PackageSignatureService } from '#trust';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import type { ForwardedInput, SubmitInput, SubmitResult } from './exchange.types.js';
import { ReceiptService } from './receipt.service.js';
import { inspectForwarded, inspectSubmission, type InspectedSubmission } from './submission.inspector.js';
import { SubmissionRepository, type NewSubmission, type SubmissionRow } from './submission.repository.js';
import { checkTrace, parseTraceHeader, withHop } from './trace.js';

/** Who hands a package to the hub: a connected system, or the connector with what the parent axis delivered. */
interface Acceptance {
  systemId: string;
  inspected: InspectedSubmission;
  signature: PackageSignature;
  body: Buffer;
  trace: TraceHop[];
  originAxis: string | null;
}

/**
 * sendEdoc, and the connector's injection of packages from the parent axis: both accept a package once, record
 * it, and put it on the bus for the router and the archive, through the same path.
 */
@Injectable()
export class SubmissionService {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly receipts: ReceiptService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(EXCHANGE_OPTIONS) private readonly options: ExchangeOptions,
    private readonly signatures: PackageSignatureService,
  ) {}

  /** A connected system's send (authenticated by the gateway); an x-dx-trace header brings earlier hops. */
  async submit(input: SubmitInput): Promise<SubmitResult> {
    const inspected = inspectSubmission(input, this.options.maxPackageBytes);
    const received = parseTraceHeader(input.headers.trace);
    // Before anything is stored: a policy that demands a valid signature refuses the package here.
    const signature = this.signatures.check(input.body, inspected.pkg, {
      policy: input.signaturePolicy === 'axis' ? undefined : input.signaturePolicy,
      at: new Date(),
    });
    return this.accept({
      systemId: input.systemId,
      inspected,
      signature,
      body: input.body,
      trace: withHop(received, this.options.axisOrganId),
      originAxis: null,
    });
  }

  /**
   * A package the parent axis delivered here. Idempotent like a send: the same package again answers the same
   * DocId and is not routed twice, so the connector may repeat an injection it is unsure about.
   */
  async inject(input: ForwardedInput): Promise<SubmitResult> {
    checkTrace(input.trace, `trace of the package from ${input.originAxis}`);
    const inspected = inspectForwarded(input.body, input.messageType, input.to, this.options.maxPackageBytes);
    // Checked again on entering this axis, under this axis's policy: trust is not inherited from the parent.
    const signature = this.signatures.check(input.body, inspected.pkg, { at: new Date() });
    return this.accept({
      systemId: `parent:${input.originAxis}`,
      inspected,
      signature,
      body: input.body,
      trace: withHop(input.trace, this.options.axisOrganId),
      originAxis: input.originAxis,
    });
  }

  /**
   * Order matters for crash safety: the row is written before the publish and marked after it, so a crash or
   * a failed publish leaves a row with published_at null that the client's retry completes (the DocId is the
   * JetStream de-duplication key, so a publish that did happen is not stored twice). The receipt is written in
   * the submission's transaction; a repeated send answers the receipt of the first.
   */
  private async accept(a: Acceptance): Promise<SubmitResult> {
    const s = a.inspected;
    const fresh: NewSubmission = {
      docId: randomUUID(),
      messageType: s.messageType,
      senderOrganId: s.from,
      systemId: a.systemId,
      documentKey: s.documentKey,
      documentId: s.documentId,
      sha256: s.sha256,
      sizeBytes: s.sizeBytes,
      toHeader: s.to,
      trace: a.trace,
      originAxis: a.originAxis,
      signature: a.signature,
    };
    // The common case, a new package, is one statement (row and receipt); a repeat finds the first acceptance.
    const acceptedAt = new Date();
    const presigned = this.receipts.presignSubmission(fresh, acceptedAt);
    const inserted = await this.submissions.insertNew(fresh, acceptedAt, presigned);
    const { row, receipt, duplicate } = inserted
      ? { row: inserted, receipt: presigned?.jws, duplicate: false }
      : await this.findAccepted(fresh);
    if (row.publishedAt === null) {
      await this.publish(row, s.serviceType, a.body);
      await this.submissions.markPublished(row.docId);
    }
    return {
      docId: row.docId,
      duplicate,
      ...(receipt ? { receipt } : {}),
      signature: row.signature,
    };
  }

  /** The acceptance a repeated send refers to, with its receipt; a changed package under the same key is refused. */
  private async findAccepted(
    fresh: NewSubmission,
  ): Promise<{ row: SubmissionRow; receipt?: string; duplicate: boolean }> {
    return this.submissions.transaction('recording the submission', async (em) => {
      const found = await this.submissions.insertOrFind(fresh, em);
      if (!found.inserted && found.row.sha256 !== fresh.sha256) {
        throw new DxError(
          'DUPLICATE_DOCUMENT_ID',
          `DocumentId ${fresh.documentId} was already sent by ${fresh.senderOrganId} with different content as ` +
            `DocId ${found.row.docId}; a changed document needs a new DocumentId (or an update/replace package)`,
        );
      }
      const receipt = await this.receipts.forSubmission(em, found.row);
      return { row: found.row, receipt, duplicate: !found.inserted };
    });
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
      // The stored trace, so a completing retry publishes the hops of the first acceptance.
      trace: row.trace,
      ...(row.originAxis ? { originAxis: row.originAxis } : {}),
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
