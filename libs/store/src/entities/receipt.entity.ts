import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A receipt the hub signed with its seal (JWS), kept so a repeated call answers the same one. */
@Entity('receipt')
export class ReceiptEntity {
  @PrimaryColumn({ name: 'receipt_id', type: 'uuid' }) receiptId: string;
  @Column({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ type: 'text' }) kind: 'submission' | 'acknowledgement';
  /** The acknowledging recipient; null for a submission receipt. */
  @Column({ type: 'text', nullable: true }) agency: string | null;
  @Column({ name: 'ack_status', type: 'text', nullable: true }) ackStatus: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'text' }) jws: string;
}
