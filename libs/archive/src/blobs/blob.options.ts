/** Where the archive keeps a package's original bytes: inline in its row, or apart in the blob store. */
export interface BlobOptions {
  /** Packages larger than this many bytes are stored apart (DOCAXIS_ARCHIVE_BLOB_THRESHOLD_BYTES). */
  thresholdBytes: number;
  /** Size of one stored piece; also the most a streaming read holds in memory at a time. */
  chunkBytes: number;
}

export const MIB = 1024 * 1024;

export const DEFAULT_BLOB_OPTIONS: BlobOptions = { thresholdBytes: MIB, chunkBytes: MIB };

export const BLOB_OPTIONS = Symbol('ARCHIVE_BLOB_OPTIONS');
