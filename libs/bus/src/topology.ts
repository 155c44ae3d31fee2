import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Objm } from '@nats-io/obj';
import { CONSUMERS, OBJECT_STORES, STREAMS, type ConsumerKey } from '#contracts';

/** Creates or updates every stream and durable consumer declared in proto/ (idempotent; run at start-up). */
export async function ensureTopology(jsm: JetStreamManager): Promise<void> {
  for (const s of Object.values(STREAMS)) {
    const config = {
      name: s.name,
      subjects: [...s.subjects],
      description: s.description,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(s.maxAgeSeconds * 1000),
      duplicate_window: nanos(s.duplicateWindowSeconds * 1000),
    };
    try {
      await jsm.streams.info(s.name);
      await jsm.streams.update(s.name, config);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await jsm.streams.add(config);
    }
  }
  for (const key of Object.keys(CONSUMERS) as ConsumerKey[]) {
    await ensureConsumer(jsm, key);
  }
  for (const o of Object.values(OBJECT_STORES)) {
    // create() keeps an existing bucket as it is (file storage, the TTL below when first made).
    await new Objm(jsm.jetstream()).create(o.bucket, {
      description: o.description,
      storage: StorageType.File,
      ttl: nanos(o.maxAgeSeconds * 1000),
    });
  }
}

export async function ensureConsumer(jsm: JetStreamManager, key: ConsumerKey): Promise<void> {
  const c = CONSUMERS[key];
  const stream = STREAMS[c.stream].name;
  const config = {
    durable_name: c.durable,
    filter_subject: c.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(c.ackWaitSeconds * 1000),
    max_deliver: c.maxDeliver,
    // No server-side `backoff`: it would replace ack_wait with its first step and redeliver messages whose
    // handler is still working (a large package). Failures nak with the backoffSeconds schedule instead.
    backoff: [],
  };
  try {
    await jsm.consumers.info(stream, c.durable);
    await jsm.consumers.update(stream, c.durable, config);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(stream, config);
  }
}

function isNotFound(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /not found/i.test(msg);
}
