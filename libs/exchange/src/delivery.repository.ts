import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { BlobStore } from '#archive';
import type { DeliveryState } from '#store';
import type { PackageSignature, TraceHop } from '#sdk-client';
import { withDatabase } from './db-errors.js';
import type { MessageType } from './exchange.types.js';

export interface InboxRow {
  id: string;
  docId: string;
  senderOrganId: string;
  recipientOrganId: string;
  messageType: MessageType;
  state: DeliveryState;
  createdAt: Date;
  updatedAt: Date;
  sha256: string;
  sizeBytes: number;
  documentId: string;
  trace: TraceHop[];
  /** The signature verdict recorded when this axis accepted the package. */
  signature: PackageSignature['verdict'];
}

export interface DeliveryStateRow {
  id: string;
  recipientOrganId: string;
  messageType: MessageType;
  state: DeliveryState;
  updatedAt: Date;
}

export interface SentDeliveryRow {
  docId: string;
  recipientOrganId: string;
  state: DeliveryState;
  businessStatus: string | null;
  businessStatusAt: Date | null;
  businessDescription: string | null;
  failureCode: string | null;
  failureReason: string | null;
  updatedAt: Date;
}

export interface PackageContentRow {
  docId: string;
  sha256: string;
  content: Buffer;
  trace: TraceHop[];
}

/** A package's bytes as a stream: a large (blob-stored) package is read a chunk at a time. */
export interface PackageStreamRow extends Omit<PackageContentRow, 'content'> {
  sizeBytes: number;
  stream: Readable;
}

interface LocatedPackage {
  docId: string;
  sha256: string;
  sizeBytes: number;
  content: Buffer | null;
  blobSha256: string | null;
  trace: TraceHop[];
}

/** Delivery rows (one per package and recipient, written by the router) as seen by the systems. */
@Injectable()
export class DeliveryRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  /**
   * Open deliveries (pending or processing) to the given agencies, oldest first, after a delivery id.
   * Only archived packages are listed, so every listed DocId can be fetched.
   */
  async inbox(
    recipients: string[],
    messageTypes: MessageType[],
    afterId: string,
    limit: number,
  ): Promise<InboxRow[]> {
    return withDatabase('listing the inbox', () =>
      this.ds.query(
        `SELECT d.id::text AS id, d.doc_id AS "docId", d.sender_organ_id AS "senderOrganId",
           d.recipient_organ_id AS "recipientOrganId", d.message_type AS "messageType", d.state,
           d.created_at AS "createdAt", d.updated_at AS "updatedAt",
           a.sha256, a.size_bytes::float8 AS "sizeBytes", a.document_id AS "documentId", a.trace,
           coalesce(s.signature_verdict, 'not-checked') AS signature
         FROM delivery d
         JOIN archived_package a ON a.doc_id = d.doc_id
         LEFT JOIN submission s ON s.doc_id = d.doc_id
         WHERE d.recipient_organ_id = ANY($1) AND d.message_type = ANY($2)
           AND d.state IN ('pending', 'processing') AND d.id > $3::bigint
         ORDER BY d.id
         LIMIT $4`,
        [recipients, messageTypes, afterId, limit],
      ),
    );
  }

  /** The archived bytes of a DocId if one of `agencies` sent it or is one of its recipients. */
  async contentFor(docId: string, agencies: string[]): Promise<PackageContentRow | null> {
    const row = await this.locate(docId, agencies);
    if (!row) return null;
    const { blobSha256, sizeBytes: _size, ...rest } = row;
    const content = blobSha256
      ? await withDatabase('reading the package', () => this.blobs.read(blobSha256))
      : row.content;
    return content ? { ...rest, content } : null;
  }

  /** Like contentFor, streamed: what an octet-stream answer sends without holding a large package in memory. */
  async streamFor(docId: string, agencies: string[]): Promise<PackageStreamRow | null> {
    const row = await this.locate(docId, agencies);
    if (!row) return null;
    const { blobSha256, content, ...rest } = row;
    if (!blobSha256) return content ? { ...rest, stream: Readable.from([content]) } : null;
    const blob = await withDatabase('reading the package', () => this.blobs.open(blobSha256));
    return blob ? { ...rest, stream: blob.stream } : null;
  }

  private async locate(docId: string, agencies: string[]): Promise<LocatedPackage | null> {
    const rows: LocatedPackage[] = await withDatabase('reading the package', () =>
      this.ds.query(
        `SELECT a.doc_id AS "docId", a.sha256, a.size_bytes::float8 AS "sizeBytes", a.content,
           a.blob_sha256 AS "blobSha256", a.trace
         FROM archived_package a
         WHERE a.doc_id = $1
           AND (a.sender_organ_id = ANY($2)
             OR EXISTS (SELECT 1 FROM delivery d WHERE d.doc_id = a.doc_id AND d.recipient_organ_id = ANY($2)))`,
        [docId, agencies],
      ),
    );
    return rows[0] ?? null;
  }

  /** Runs `fn` in a transaction (the row locks of lockForUpdate last until it ends). */
  async transaction<T>(what: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return withDatabase(what, () => this.ds.transaction(fn));
  }

  async lockForUpdate(em: EntityManager, docId: string, recipients: string[]): Promise<DeliveryStateRow[]> {
    return em.query(
      `SELECT id::text AS id, recipient_organ_id AS "recipientOrganId", message_type AS "messageType", state,
         updated_at AS "updatedAt"
       FROM delivery WHERE doc_id = $1 AND recipient_organ_id = ANY($2)
       ORDER BY id FOR UPDATE`,
      [docId, recipients],
    );
  }

  async setState(em: EntityManager, ids: string[], state: DeliveryState): Promise<DeliveryStateRow[]> {
    if (!ids.length) return [];
    // UPDATE answers [rows, count] through TypeORM's postgres driver.
    const [rows] = (await em.query(
      `UPDATE delivery SET state = $2, updated_at = now() WHERE id = ANY($1::bigint[])
       RETURNING id::text AS id, recipient_organ_id AS "recipientOrganId", message_type AS "messageType", state,
         updated_at AS "updatedAt"`,
      [ids, state],
    )) as [DeliveryStateRow[], number];
    return rows;
  }

  /** Deliveries of the given DocIds (for the sender's view). */
  async ofDocs(docIds: string[]): Promise<SentDeliveryRow[]> {
    if (!docIds.length) return [];
    return withDatabase('reading deliveries', () =>
      this.ds.query(
        `SELECT doc_id AS "docId", recipient_organ_id AS "recipientOrganId", state,
           business_status AS "businessStatus", business_status_at AS "businessStatusAt",
           business_description AS "businessDescription", failure_code AS "failureCode",
           failure_reason AS "failureReason", updated_at AS "updatedAt"
         FROM delivery WHERE doc_id = ANY($1::uuid[])
         ORDER BY doc_id, recipient_organ_id`,
        [docIds],
      ),
    );
  }
}
