import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('delivery_history')
export class DeliveryHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ name: 'recipient_organ_id', type: 'text' }) recipientOrganId: string;
  @Column({ name: 'message_type', type: 'text' }) messageType: string;
  @Column({ type: 'text' }) event: string;
  @Column({ name: 'status_code', type: 'text', nullable: true }) statusCode: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ name: 'recorded_at', type: 'timestamptz', insert: false, update: false }) recordedAt: Date;
}
