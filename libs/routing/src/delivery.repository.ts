import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DeliveryState } from '#store';
import type { MessageType } from '#contracts';

/** One recipient's row as the router plans it. */
export interface PlannedDelivery {
  recipient: string;
  state: Extract<DeliveryState, 'pending' | 'failed' | 'outbound'>;
  failureCode?: string;
  failureReason?: string;
}

/** A delivery row as stored (the columns the router needs back). */
export interface StoredDelivery {
  recipient: string;
  messageType: MessageType;
  state: DeliveryState;
  failureCode: string | null;
  failureReason: string | null;
  createdAt: Date;
}

export interface BusinessStatusUpdate {
  docId: string;
  recipient: string;
  statusCode: string;
  at: Date;
  description: string;
}

/** A delivery the expiry sweep ended. */
export interface ExpiredDelivery {
  docId: string;
  recipient: string;
  messageType: MessageType;
  updatedAt: Date;
}

/** `applied`: stored; `stale`: a newer status was already stored; `missing`: no such edoc delivery. */
export type BusinessStatusResult = 'applied' | 'stale' | 'missing';

/** SQL over `delivery` for the router. Every method takes the caller's EntityManager (transaction). */
/**
 * Undelivered copies, unqualified so it reads the same in the CTE and in the UPDATE of `delivery d`; it is the
 * predicate of the partial index delivery_open_idx (migration 1732500000000), so the sweep scans only that index.
 */
const OPEN_DELIVERY = `(state IN ('pending', 'outbound')
  OR (state = 'forwarded' AND message_type = 'edoc' AND business_status IS NULL))`;

type Queryable = Pick<EntityManager, 'query'>;

const DELIVERY_COLUMNS = `recipient_organ_id AS recipient, message_type, state, failure_code, failure_reason,
  created_at`;

interface DeliverySqlRow {
  recipient: string;
  message_type: MessageType;
  state: DeliveryState;
  failure_code: string | null;
  failure_reason: string | null;
  created_at: Date;
}

const toStored = (r: DeliverySqlRow): StoredDelivery => ({
  recipient: r.recipient,
  messageType: r.message_type,
  state: r.state,
  failureCode: r.failure_code,
  failureReason: r.failure_reason,
  createdAt: r.created_at,
});

/** One row per planned recipient in a single statement; `delivery_once` makes a repeat a no-op. */
const INSERT_PLANNED = `INSERT INTO delivery (doc_id, message_type, sender_organ_id, recipient_organ_id, state,
    failure_code, failure_reason)
  SELECT $1, $2, $3, t.recipient, t.state, t.failure_code, t.failure_reason
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS t(recipient, state, failure_code, failure_reason)
  ON CONFLICT ON CONSTRAINT delivery_once DO NOTHING`;

const plannedParams = (
  docId: string,
  messageType: MessageType,
  senderOrganId: string,
  rows: readonly PlannedDelivery[],
): unknown[] => [
  docId,
  messageType,
  senderOrganId,
  rows.map((r) => r.recipient),
  rows.map((r) => r.state),
  rows.map((r) => r.failureCode ?? null),
  rows.map((r) => r.failureReason ?? null),
];

@Injectable()
export class DeliveryRepository {
  /**
   * Inserts one row per recipient in a single statement (a circular can fan out to thousands);
   * `delivery_once` makes a redelivered package a no-op. Returns how many rows were new.
   */
  async insertMany(
    em: EntityManager,
    docId: string,
    messageType: MessageType,
    senderOrganId: string,
    rows: readonly PlannedDelivery[],
  ): Promise<number> {
    if (!rows.length) return 0;
    const inserted: unknown[] = await em.query(
      `${INSERT_PLANNED} RETURNING id`,
      plannedParams(docId, messageType, senderOrganId, rows),
    );
    return inserted.length;
  }

  /**
   * insertMany and listForDoc in one statement (one round trip, committed on its own): the rows of the package
   * after the insert, and how many of them it added.
   */
  async insertAndList(
    q: Queryable,
    docId: string,
    messageType: MessageType,
    senderOrganId: string,
    rows: readonly PlannedDelivery[],
  ): Promise<{ inserted: number; stored: StoredDelivery[] }> {
    // The outer SELECT reads the snapshot from before the statement: the rows already there, plus RETURNING's.
    const found: (DeliverySqlRow & { added: boolean })[] = await q.query(
      `WITH added AS (
         ${INSERT_PLANNED}
         RETURNING id, ${DELIVERY_COLUMNS})
       SELECT * FROM (
         SELECT id, recipient, message_type, state, failure_code, failure_reason, created_at, true AS added
           FROM added
         UNION ALL
         SELECT id, ${DELIVERY_COLUMNS}, false AS added FROM delivery WHERE doc_id = $1) r
       ORDER BY id`,
      plannedParams(docId, messageType, senderOrganId, rows),
    );
    return { inserted: found.filter((r) => r.added).length, stored: found.map(toStored) };
  }

  async listForDoc(em: Queryable, docId: string): Promise<StoredDelivery[]> {
    const rows: DeliverySqlRow[] = await em.query(
      `SELECT ${DELIVERY_COLUMNS} FROM delivery WHERE doc_id = $1 ORDER BY id`,
      [docId],
    );
    return rows.map(toStored);
  }

  /**
   * Sets the business status of one recipient's copy of a document, unless the stored one is newer:
   * at-least-once delivery may bring a 03 after the 05 that followed it.
   */
  async applyBusinessStatus(em: EntityManager, u: BusinessStatusUpdate): Promise<BusinessStatusResult> {
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE delivery
          SET business_status = $3, business_status_at = $4, business_description = $5, updated_at = now()
        WHERE doc_id = $1 AND recipient_organ_id = $2 AND message_type = 'edoc'
          AND (business_status_at IS NULL OR business_status_at <= $4)
       RETURNING id`,
      [u.docId, u.recipient, u.statusCode, u.at, u.description || null],
    );
    if (rows.length) return 'applied';
    const exists: unknown[] = await em.query(
      `SELECT 1 FROM delivery WHERE doc_id = $1 AND recipient_organ_id = $2 AND message_type = 'edoc'`,
      [u.docId, u.recipient],
    );
    return exists.length ? 'stale' : 'missing';
  }

  /**
   * Ends deliveries recorded before `cutoff` that are still undelivered: pending, outbound, or a document copy
   * forwarded to the parent axis whose recipient never sent a receipt (no business status). Oldest first, at
   * most `limit` per call. SKIP LOCKED lets several routers sweep at once; a row another transaction is moving
   * on (acknowledged, given a status) is left to it.
   */
  async expireOverdue(
    em: EntityManager,
    cutoff: Date,
    limit: number,
    reasons: { undelivered: string; noReceipt: string },
  ): Promise<ExpiredDelivery[]> {
    const [rows] = (await em.query(
      `WITH due AS (
         SELECT id FROM delivery
          WHERE ${OPEN_DELIVERY} AND created_at < $1
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE delivery d
          SET state = 'expired', failure_code = 'EXPIRED', updated_at = now(),
              failure_reason = CASE WHEN d.state = 'forwarded' THEN $4 ELSE $3 END
         FROM due
        WHERE d.id = due.id AND ${OPEN_DELIVERY}
       RETURNING d.doc_id AS "docId", d.recipient_organ_id AS recipient, d.message_type AS "messageType",
         d.updated_at AS "updatedAt"`,
      [cutoff, limit, reasons.undelivered, reasons.noReceipt],
    )) as [ExpiredDelivery[], number];
    return rows;
  }
}
