import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('submission')
export class SubmissionEntity {
  @PrimaryColumn({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ name: 'message_type', type: 'text' }) messageType: 'edoc' | 'status';
  @Column({ name: 'sender_organ_id', type: 'text' }) senderOrganId: string;
  @Column({ name: 'system_id', type: 'text' }) systemId: string;
  /** DocumentId for documents; DocumentId|StatusCode|Timestamp for status packages. */
  @Column({ name: 'document_key', type: 'text' }) documentKey: string;
  @Column({ name: 'document_id', type: 'text' }) documentId: string;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ name: 'size_bytes', type: 'bigint' }) sizeBytes: string;
  @Column({ name: 'to_header', type: 'text', array: true }) toHeader: string[];
  @Column({ name: 'accepted_at', type: 'timestamptz' }) acceptedAt: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  /** TraceHeaders (OrganId, Timestamp) of the hops so far, kept beside the unchanged original bytes. */
  @Column({ type: 'jsonb' }) trace: { OrganId: string; Timestamp: string }[];
  @Column({ name: 'origin_axis', type: 'text', nullable: true }) originAxis: string | null;
  /** Package signature verdict at acceptance: verified | unsigned | invalid | not-checked. */
  @Column({ name: 'signature_verdict', type: 'text' }) signatureVerdict: string;
  /** Why it is not verified (SIG_*, CERT_* code and message), and who signed when it is. */
  @Column({ name: 'signature_code', type: 'text', nullable: true }) signatureCode: string | null;
  @Column({ name: 'signature_message', type: 'text', nullable: true }) signatureMessage: string | null;
  @Column({ type: 'jsonb', nullable: true }) signer: Record<string, unknown> | null;
}
