import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MessageType } from '#contracts';
import { dbCall, type DeliveryState } from '#store';

/** A delivery to an agency of another axis, as the connector sees it. */
export interface RemoteDelivery {
  recipient: string;
  messageType: MessageType;
  state: DeliveryState;
  failureCode: string | null;
  failureReason: string | null;
  updatedAt: Date;
}

/** Where the connector can take an outbound delivery. */
export type SettledState = Extract<DeliveryState, 'forwarded' | 'expired' | 'failed'>;

const COLUMNS = `recipient_organ_id AS recipient, message_type AS "messageType", state, failure_code AS "failureCode",
  failure_reason AS "failureReason", updated_at AS "updatedAt"`;

/** The connector's view of `delivery`: the outbound rows of a package, and moving them on. */
@Injectable()
export class OutboundRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async ofDoc(docId: string, recipients: string[]): Promise<RemoteDelivery[]> {
    return dbCall('read outbound deliveries', () =>
      this.ds.query(
        `SELECT ${COLUMNS} FROM delivery WHERE doc_id = $1 AND recipient_organ_id = ANY($2) ORDER BY id`,
        [docId, recipients],
      ),
    );
  }

  /**
   * Moves the rows that are still outbound (only those: the lifetime sweep may have expired one meanwhile) and
   * answers the rows it moved.
   */
  async settle(
    docId: string,
    recipients: string[],
    state: SettledState,
    failure?: { code: string; reason: string },
  ): Promise<RemoteDelivery[]> {
    return dbCall('settle outbound deliveries', async () => {
      const [rows] = (await this.ds.query(
        `UPDATE delivery SET state = $3, failure_code = coalesce($4, failure_code),
           failure_reason = coalesce($5, failure_reason), updated_at = now()
         WHERE doc_id = $1 AND recipient_organ_id = ANY($2) AND state = 'outbound'
         RETURNING ${COLUMNS}`,
        [docId, recipients, state, failure?.code ?? null, failure?.reason ?? null],
      )) as [RemoteDelivery[], number];
      return rows;
    });
  }
}
