import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One distinct content kept apart from its metadata rows (content-addressed: the key is its SHA-256). */
@Entity('archive_blob')
export class ArchiveBlobEntity {
  @PrimaryColumn({ type: 'char', length: 64 }) sha256: string;
  @Column({ name: 'size_bytes', type: 'bigint' }) sizeBytes: string;
  @Column({ name: 'chunk_bytes', type: 'integer' }) chunkBytes: number;
  @Column({ name: 'chunk_count', type: 'integer' }) chunkCount: number;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
}
