import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError, isDxError } from '#contracts';
import {
  JETSTREAM,
  deletePackageObject,
  publishAcceptedPackage,
  putPackageObject,
  travelsAsObject,
  type AcceptedPackageMeta,
} from '#bus';
import { EdxmlError, EdxmlStreamScanner, parseEdxml } from '#edxml';
import type { PackageSignature, TraceHop } from '#sdk-client';
import { PackageSignatureService, SIGNATURE_VERIFIED_UP_TO_BYTES, type SignaturePolicy } from '#trust';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import type { ForwardedInput, StreamedSubmitInput, SubmitInput, SubmitResult } from './exchange.types.js';
import { ReceiptService } from './receipt.service.js';
import {
  inspectForwarded,
  inspectHeaders,
  inspectStreamed,
  inspectSubmission,
  type InspectedSubmission,
} from './submission.inspector.js';
import { SubmissionRepository, type NewSubmission, type SubmissionRow } from './submission.repository.js';
import { checkTrace, parseTraceHeader, withHop } from './trace.js';

/** Reads and discards what is left of a body, for at most a minute. */
async function drain(body: AsyncIterator<Uint8Array>): Promise<void> {
  const until = Date.now() + 60_000;
  try {
    while (Date.now() < until) if ((await body.next()).done) return;
  } catch {
    // The client went away: nothing to answer.
  }
}

/** Who hands a package to the hub: a connected system, or the connector with what the parent axis delivered. */
interface Acceptance {
  systemId: string;
  inspected: InspectedSubmission;
  signature: PackageSignature;
  /** The bytes, or the name of the object holding them (a streamed package). */
  payload: { body: Buffer } | { object: string };
  trace: TraceHop[];
  originAxis: string | null;
  /** Set once a message naming this payload was published. */
  published?: boolean;
}

/**
 * sendEdoc, and the connector's injection of packages from the parent axis: both accept a package once, record
 * it, and put it on the bus for the router and the archive, through the same path.
 */
@Injectable()
export class SubmissionService {
  private readonly logger = new Logger(SubmissionService.name);

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
      payload: { body: input.body },
      trace: withHop(received, this.options.axisOrganId),
      originAxis: null,
    });
  }

  /**
   * A send whose body streams in (above the object threshold): it is hashed and scanned on its way into the
   * object store, chunk by chunk, and never held whole; the bus message then names the object. Every check of
   * submit() applies, with the same codes (EdxmlStreamScanner reads the package as parseEdxml does). The
   * signature is verified on a copy held while it streams, up to SIGNATURE_VERIFIED_UP_TO_BYTES; above that it
   * follows checkUnverifiedSignature. A package refused for any reason leaves nothing: no row, no message, and
   * its object is deleted. The body's rest is drained here, not by the exception filter: once its async iterator
   * has been read from, the request no longer ends on resume().
   */
  async submitStreamed(input: StreamedSubmitInput): Promise<SubmitResult> {
    const headers = inspectHeaders(input);
    const received = parseTraceHeader(input.headers.trace);
    const policy = input.signaturePolicy === 'axis' ? undefined : input.signaturePolicy;
    // `required` refuses every package it cannot verify: one declared too large, before a byte is read or stored.
    const declared = input.declaredBytes ?? Infinity;
    if (this.signatures.policyOf(policy) === 'required' && declared > SIGNATURE_VERIFIED_UP_TO_BYTES) {
      this.signatures.checkUnverified(true, { policy });
    }
    const max = this.options.maxPackageBytes;
    // Held while it streams as long as its signature can be verified (up to SIGNATURE_VERIFIED_UP_TO_BYTES).
    let held: Buffer[] | null = declared <= SIGNATURE_VERIFIED_UP_TO_BYTES ? [] : null;
    const hash = createHash('sha256');
    const scanner = new EdxmlStreamScanner();
    let size = 0;
    let bodyFailed = false;
    let bodyEnded = false;
    const body = input.body[Symbol.asyncIterator]();
    async function* checked(): AsyncGenerator<Uint8Array> {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await body.next();
        } catch {
          bodyFailed = true;
          throw new DxError('BAD_REQUEST', 'the body was not received completely');
        }
        if (next.done) {
          bodyEnded = true;
          return;
        }
        const chunk = next.value;
        size += chunk.length;
        if (size > max) {
          throw new DxError(
            'PAYLOAD_TOO_LARGE',
            `the package is over ${max} bytes, the most this hub accepts`,
          );
        }
        hash.update(chunk);
        scanner.write(chunk);
        if (held && size <= SIGNATURE_VERIFIED_UP_TO_BYTES) held.push(Buffer.from(chunk));
        else held = null;
        yield chunk;
      }
    }
    const a: Partial<Acceptance> & { payload: { object: string } } = {
      payload: { object: `${headers.from}.${randomUUID()}` },
    };
    try {
      try {
        await putPackageObject(this.js, a.payload.object, checked());
      } catch (e) {
        if (isDxError(e) || e instanceof EdxmlError || bodyFailed) throw e;
        throw new DxError(
          'UNAVAILABLE',
          `the package could not be stored (${(e as Error).message}); send it again`,
          503,
          true,
        );
      }
      const scanned = scanner.finish();
      const inspected = inspectStreamed(headers, scanned.pkg, hash.digest('hex'), size);
      Object.assign(a, {
        systemId: input.systemId,
        inspected,
        signature: held
          ? this.checkHeld(Buffer.concat(held), policy)
          : this.signatures.checkUnverified(scanned.hasSignature, { policy }),
        trace: withHop(received, this.options.axisOrganId),
        originAxis: null,
      });
      return await this.accept(a as Acceptance);
    } finally {
      // Refused on the way: read the rest of the body (discarded) so that the client, still sending, gets the
      // answer; HTTP/1.1 clients do not read an answer before they have sent their request.
      if (!bodyEnded && !bodyFailed) await drain(body);
      // Refused, a repeat of a package already on the bus, or not published: nobody will read this object.
      if (!a.published) {
        await deletePackageObject(this.js, a.payload.object).catch((e: unknown) =>
          this.logger.warn(`object ${a.payload.object} not deleted: ${(e as Error).message}`),
        );
      }
    }
  }

  /**
   * The signature of a streamed package that was held whole: checked against the package as parseEdxml reads it
   * (the stream scanner's skeleton leaves the attachments out, so the signed content would not compare equal).
   */
  private checkHeld(bytes: Buffer, policy: SignaturePolicy | undefined): PackageSignature {
    return this.signatures.check(bytes, parseEdxml(bytes), { policy, at: new Date() });
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
    const a: Acceptance = {
      systemId: `parent:${input.originAxis}`,
      inspected,
      signature,
      payload: { body: input.body },
      trace: withHop(input.trace, this.options.axisOrganId),
      originAxis: input.originAxis,
    };
    if (!travelsAsObject(input.body.length)) return this.accept(a);
    // Too large for one message on this axis's bus: the bytes at hand go to the object store.
    const object = `${inspected.from}.${randomUUID()}`;
    a.payload = { object };
    try {
      await putPackageObject(this.js, object, [input.body]);
      return await this.accept(a);
    } finally {
      if (!a.published) await deletePackageObject(this.js, object).catch(() => undefined);
    }
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
      await this.publish(row, s.serviceType, a.payload);
      a.published = true;
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

  private async publish(
    row: SubmissionRow,
    serviceType: string,
    payload: Acceptance['payload'],
  ): Promise<void> {
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
      ...('object' in payload ? { object: payload.object } : {}),
    };
    try {
      await publishAcceptedPackage(this.js, meta, 'body' in payload ? payload.body : new Uint8Array(0));
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
