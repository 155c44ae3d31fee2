import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transport state of one recipient's copy: pending → processing → done | fail for local recipients;
 * outbound → forwarded for recipients on other axes (their business statuses still arrive here);
 * `failed` = never deliverable; `expired` = not delivered within the package lifetime.
 */
export type DeliveryState =
  'pending' | 'processing' | 'done' | 'fail' | 'failed' | 'outbound' | 'forwarded' | 'expired';

@Entity('delivery')
export class DeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ name: 'message_type', type: 'text' }) messageType: 'edoc' | 'status';
  @Column({ name: 'sender_organ_id', type: 'text' }) senderOrganId: string;
  @Column({ name: 'recipient_organ_id', type: 'text' }) recipientOrganId: string;
  @Column({ type: 'text' }) state: DeliveryState;
  @Column({ name: 'business_status', type: 'text', nullable: true }) businessStatus: string | null;
  @Column({ name: 'business_status_at', type: 'timestamptz', nullable: true }) businessStatusAt: Date | null;
  @Column({ name: 'business_description', type: 'text', nullable: true }) businessDescription: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode: string | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
