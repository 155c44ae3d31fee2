import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('archived_package')
export class ArchivedPackageEntity {
  @PrimaryColumn({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ name: 'message_type', type: 'text' }) messageType: 'edoc' | 'status';
  @Column({ name: 'sender_organ_id', type: 'text' }) senderOrganId: string;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ name: 'size_bytes', type: 'bigint' }) sizeBytes: string;
  /** The original bytes exactly as received; never re-serialised. Null when kept in a blob (`blobSha256`). */
  @Column({ type: 'bytea', select: false, nullable: true }) content: Buffer | null;
  /** The archive_blob holding the original bytes of a large package (its sha256), or null when inline. */
  @Column({ name: 'blob_sha256', type: 'char', length: 64, nullable: true }) blobSha256: string | null;
  @Column({ name: 'document_id', type: 'text' }) documentId: string;
  @Column({ name: 'code_number', type: 'text', nullable: true }) codeNumber: string | null;
  @Column({ name: 'code_notation', type: 'text', nullable: true }) codeNotation: string | null;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ name: 'promulgation_date', type: 'text', nullable: true }) promulgationDate: string | null;
  @Column({ name: 'type_name', type: 'text', nullable: true }) typeName: string | null;
  @Column({ type: 'text', nullable: true }) priority: string | null;
  @Column({ name: 'business_doc_type', type: 'text', nullable: true }) businessDocType: string | null;
  @Column({ name: 'status_code', type: 'text', nullable: true }) statusCode: string | null;
  @Column({ type: 'jsonb' }) metadata: Record<string, unknown>;
  @Column({ name: 'accepted_at', type: 'timestamptz' }) acceptedAt: Date;
  @Column({ name: 'archived_at', type: 'timestamptz', insert: false, update: false }) archivedAt: Date;
  /** TraceHeaders (OrganId, Timestamp) of the hops so far, kept beside the unchanged original bytes. */
  @Column({ type: 'jsonb' }) trace: { OrganId: string; Timestamp: string }[];
}
