import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DxError } from '#contracts';
import { signReceipt, type AckStatus, type ReceiptPayload } from '#trust';
import type { ReceiptItem } from '#sdk-client';
import { agenciesInScope } from './caller-scope.js';
import { EXCHANGE_OPTIONS, type ExchangeOptions } from './exchange.options.js';
import type { Caller } from './exchange.types.js';
import { requireDocId } from './pagination.js';
import { ReceiptRepository, type Queryable, type ReceiptRow } from './receipt.repository.js';
import {
  SubmissionRepository,
  type NewSubmission,
  type PresignedReceipt,
  type SubmissionRow,
} from './submission.repository.js';

/** What an acknowledgement receipt attests besides the package. */
export interface Acknowledgement {
  /** The acknowledging recipient agency. */
  agency: string;
  status: AckStatus;
  /** When the hub recorded the recipient's state. */
  at: Date;
  /** The acknowledging system. */
  systemId: string;
}

const iso = (d: Date | string): string => new Date(d).toISOString();

function toReceiptItem(r: ReceiptRow): ReceiptItem {
  return {
    receiptId: r.receiptId,
    kind: r.kind,
    ...(r.agency ? { agency: r.agency } : {}),
    ...(r.ackStatus ? { ackStatus: r.ackStatus as AckStatus } : {}),
    created_time: iso(r.createdAt),
    receipt: r.jws,
  };
}

/**
 * Receipts signed with the hub's seal: issued inside the caller's transaction (so a receipt exists exactly when
 * what it attests was recorded), once per key; a repeated call answers the first receipt. Without a seal
 * nothing is issued (the gateway warns at start-up).
 */
@Injectable()
export class ReceiptService {
  constructor(
    private readonly receipts: ReceiptRepository,
    private readonly submissions: SubmissionRepository,
    @Inject(EXCHANGE_OPTIONS) private readonly options: ExchangeOptions,
  ) {}

  /** The submission receipt of an accepted package: the one recorded, or a new one. */
  async forSubmission(q: Queryable, s: SubmissionRow): Promise<string | undefined> {
    return this.issue(q, { docId: s.docId, kind: 'submission', agency: null, ackStatus: null }, s, () =>
      submissionClaims(s.systemId, s.acceptedAt, s.toHeader),
    );
  }

  /**
   * The receipt of a submission about to be recorded at `acceptedAt` (SubmissionRepository.insertNew writes
   * both in one statement); undefined without a seal.
   */
  presignSubmission(s: NewSubmission, acceptedAt: Date): PresignedReceipt | undefined {
    const signed = this.sign('submission', s, submissionClaims(s.systemId, acceptedAt, s.toHeader));
    return signed && { receiptId: signed.payload.receiptId, createdAt: signed.payload.at, jws: signed.jws };
  }

  /** Receipts of recipients' acknowledgements of a package, by agency; the first one per (agency, status). */
  async forAcknowledgements(
    q: Queryable,
    docId: string,
    acks: Acknowledgement[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!this.options.seal || !acks.length) return out;
    const s = await this.submissions.byDocId(q, docId);
    // Every delivery comes from a submission on this axis (a send or the connector's injection).
    if (!s) throw new Error(`no submission for delivered DocId ${docId}`);
    for (const ack of acks) {
      const key = { docId, kind: 'acknowledgement' as const, agency: ack.agency, ackStatus: ack.status };
      const jws = await this.issue(q, key, s, () => ({
        systemId: ack.systemId,
        agency: ack.agency,
        ackStatus: ack.status,
        at: iso(ack.at),
      }));
      if (jws) out.set(ack.agency, jws);
    }
    return out;
  }

  /** The receipts of a DocId the caller sent (all) or received (the submission's and its own acknowledgements). */
  async receiptsFor(input: Caller & { docId: string; agency?: string }): Promise<ReceiptItem[]> {
    const docId = requireDocId(input.docId);
    const { visible, receipts } = await this.receipts.visibleTo(docId, agenciesInScope(input, input.agency));
    if (!visible) throw new DxError('DOC_NOT_FOUND', `DocId ${docId} not found for system ${input.systemId}`);
    return receipts.map(toReceiptItem);
  }

  private async issue(
    q: Queryable,
    key: Parameters<ReceiptRepository['find']>[1],
    s: SubmissionRow,
    specific: () => Partial<ReceiptPayload>,
  ): Promise<string | undefined> {
    if (!this.options.seal) return undefined;
    const existing = await this.receipts.find(q, key);
    if (existing) return existing.jws;
    const { payload, jws } = this.sign(key.kind, s, specific())!;
    const row = await this.receipts.insertOrFind(q, {
      ...key,
      receiptId: payload.receiptId,
      createdAt: payload.at,
      jws,
    });
    return row.jws;
  }

  private sign(
    kind: ReceiptPayload['kind'],
    s: NewSubmission,
    specific: Partial<ReceiptPayload>,
  ): { payload: ReceiptPayload; jws: string } | undefined {
    const seal = this.options.seal;
    if (!seal) return undefined;
    const payload: ReceiptPayload = {
      v: 1,
      kind,
      axis: this.options.axisOrganId,
      docId: s.docId,
      documentId: s.documentId,
      sha256: s.sha256.trim(),
      sizeBytes: Number(s.sizeBytes),
      from: s.senderOrganId,
      systemId: s.systemId,
      at: '',
      receiptId: randomUUID(),
      ...specific,
    };
    return { payload, jws: signReceipt(seal, payload) };
  }
}

const submissionClaims = (systemId: string, acceptedAt: Date, to: string[]): Partial<ReceiptPayload> => ({
  systemId,
  at: iso(acceptedAt),
  ...(to.length ? { to } : {}),
});
