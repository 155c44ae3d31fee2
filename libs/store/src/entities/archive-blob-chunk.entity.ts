import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One piece of a blob's bytes, in order of `seq` (0-based). */
@Entity('archive_blob_chunk')
export class ArchiveBlobChunkEntity {
  @PrimaryColumn({ type: 'char', length: 64 }) sha256: string;
  @PrimaryColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'bytea', select: false }) data: Buffer;
}
