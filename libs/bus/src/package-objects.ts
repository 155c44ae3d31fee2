import type { JetStreamClient } from '@nats-io/jetstream';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { DxError, OBJECT_STORES } from '#contracts';

/** The bucket of packages too large for one JetStream message (proto/ objectStores.packages). */
export const PACKAGE_OBJECTS = OBJECT_STORES.packages;
const STREAM = `OBJ_${PACKAGE_OBJECTS.bucket}`;

/** Whether a package of this size travels in the object store (its message then carries Dx-Object). */
export function travelsAsObject(sizeBytes: number): boolean {
  return sizeBytes > PACKAGE_OBJECTS.thresholdBytes;
}

/** The bucket, opened without a round trip (it is declared at start-up with the streams, see topology.ts). */
export function packageObjects(js: JetStreamClient): Promise<ObjectStore> {
  return new Objm(js).open(PACKAGE_OBJECTS.bucket, false);
}

/**
 * Streams `source` into the object `name`. The object store client publishes one chunk at a time and waits for
 * its ack before reading on, so memory holds a chunk, never the package. An error thrown by `source` (a check
 * that failed on the way) aborts the upload; the chunks already stored are purged and the error is rethrown.
 */
export async function putPackageObject(
  js: JetStreamClient,
  name: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<ObjectInfo> {
  const os = await packageObjects(js);
  return os.put(
    { name, options: { max_chunk_size: PACKAGE_OBJECTS.chunkBytes } },
    ReadableStream.from(source) as ReadableStream<Uint8Array>,
  );
}

/**
 * The object's bytes, one chunk per request (a direct get of the next chunk by subject): the reader decides the
 * pace, so a slow consumer (a Postgres write) never makes the client buffer the object. The object store's own
 * get() is a push consumer whose chunks arrive as fast as the server sends them. Throws PACKAGE_OBJECT_MISSING
 * (permanent) when the object is not there (deleted once archived and routed, or expired), and
 * PACKAGE_OBJECT_INCOMPLETE when chunks are missing.
 */
export async function* readPackageObject(js: JetStreamClient, name: string): AsyncGenerator<Uint8Array> {
  const os = await packageObjects(js);
  const info = await os.info(name);
  if (!info || info.deleted) {
    throw new DxError('PACKAGE_OBJECT_MISSING', `package object ${name} is not in ${PACKAGE_OBJECTS.bucket}`);
  }
  const jsm = await js.jetstreamManager();
  const subject = `$O.${PACKAGE_OBJECTS.bucket}.C.${info.nuid}`;
  let seq = 0;
  let size = 0;
  for (let i = 0; i < info.chunks; i++) {
    const m = await jsm.direct.getMessage(STREAM, { next_by_subj: subject, seq: seq + 1 });
    if (!m) break;
    seq = m.seq;
    size += m.data.length;
    yield m.data;
  }
  if (size !== info.size) {
    throw new DxError(
      'PACKAGE_OBJECT_INCOMPLETE',
      `package object ${name}: ${size} bytes read, ${info.size} stored`,
      500,
      true,
    );
  }
}

/** Whether the object is (still) stored. */
export async function hasPackageObject(js: JetStreamClient, name: string): Promise<boolean> {
  const info = await (await packageObjects(js)).info(name);
  return Boolean(info && !info.deleted);
}

/** Deletes the object; one that is already gone is fine (answers false). */
export async function deletePackageObject(js: JetStreamClient, name: string): Promise<boolean> {
  const os = await packageObjects(js);
  const info = await os.info(name);
  if (!info || info.deleted) return false;
  await os.delete(name);
  return true;
}

/**
 * Deletes a package's object once nobody needs it any more: it is archived, it is routed, and no copy waits for
 * the connector (an outbound delivery). Router and archive both call this after their own commit, so whichever
 * finishes second sees the other's rows and deletes it (read committed: at least one of them does). `query` runs
 * SQL on the hub's database. Answers whether it deleted the object.
 */
export async function releasePackageObjectWhenDone(
  js: JetStreamClient,
  query: (sql: string, params: unknown[]) => Promise<{ done: boolean }[]>,
  docId: string,
  object: string,
): Promise<boolean> {
  const [row] = await query(
    `SELECT EXISTS (SELECT 1 FROM archived_package WHERE doc_id = $1)
        AND EXISTS (SELECT 1 FROM delivery WHERE doc_id = $1)
        AND NOT EXISTS (SELECT 1 FROM delivery WHERE doc_id = $1 AND state = 'outbound') AS done`,
    [docId],
  );
  if (!row?.done) return false;
  return deletePackageObject(js, object);
}

/**
 * releasePackageObjectWhenDone as a consumer calls it after its own commit: a failure only leaves the object to
 * the bucket's TTL, so it is logged and never fails the message that was handled.
 */
export async function releasePackageObjectQuietly(
  js: JetStreamClient,
  query: (sql: string, params: unknown[]) => Promise<{ done: boolean }[]>,
  pkg: { docId: string; object: string },
  logger: { warn(message: string): unknown },
): Promise<void> {
  await releasePackageObjectWhenDone(js, query, pkg.docId, pkg.object).catch((e: unknown) =>
    logger.warn(`object ${pkg.object} not released: ${(e as Error).message}`),
  );
}
