import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import {
  DxError,
  HEADERS,
  deliveryEventSubject,
  encodeHeaderValue,
  packageAcceptedSubject,
  type DeliveryEvent,
  type MessageType,
} from '#contracts';

export interface AcceptedPackageMeta {
  docId: string;
  messageType: MessageType;
  from: string;
  to: string[];
  sha256: string;
  systemId: string;
  serviceType: string;
  acceptedAt: string;
  documentId: string;
}

/** Publishes accepted package bytes; the DocId is the de-duplication key so a retried publish is stored once. */
export async function publishAcceptedPackage(
  js: JetStreamClient,
  meta: AcceptedPackageMeta,
  bytes: Uint8Array,
): Promise<PubAck> {
  const h = natsHeaders();
  h.set(HEADERS.docId, meta.docId);
  h.set(HEADERS.messageType, meta.messageType);
  h.set(HEADERS.from, meta.from);
  if (meta.to.length) h.set(HEADERS.to, meta.to.join(','));
  h.set(HEADERS.sha256, meta.sha256);
  h.set(HEADERS.systemId, meta.systemId);
  h.set(HEADERS.serviceType, meta.serviceType);
  h.set(HEADERS.acceptedAt, meta.acceptedAt);
  h.set(HEADERS.documentId, encodeHeaderValue(meta.documentId));
  return js.publish(packageAcceptedSubject(meta.messageType), bytes, { msgID: meta.docId, headers: h });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads what the gateway put in the headers; bad headers are a permanent BAD_REQUEST (a retry cannot fix them). */
export function readAcceptedPackageMeta(h: Record<string, string>): AcceptedPackageMeta {
  const need = (name: string): string => {
    const v = h[name];
    if (!v) throw new DxError('BAD_REQUEST', `missing header ${name}`);
    return v;
  };
  const messageType = need(HEADERS.messageType);
  if (messageType !== 'edoc' && messageType !== 'status') {
    throw new DxError('BAD_REQUEST', `${HEADERS.messageType} must be edoc or status`);
  }
  const docId = need(HEADERS.docId);
  if (!UUID.test(docId)) throw new DxError('BAD_REQUEST', `${HEADERS.docId} is not a UUID: ${docId}`);
  return {
    docId,
    messageType,
    from: need(HEADERS.from),
    to: h[HEADERS.to] ? h[HEADERS.to].split(',').filter(Boolean) : [],
    sha256: need(HEADERS.sha256),
    systemId: need(HEADERS.systemId),
    serviceType: h[HEADERS.serviceType] ?? '',
    acceptedAt: need(HEADERS.acceptedAt),
    documentId: decodeURIComponent(h[HEADERS.documentId] ?? ''),
  };
}

const encoder = new TextEncoder();

/** Publishes a delivery life-cycle event; eventId de-duplicates retries. */
export async function publishDeliveryEvent(js: JetStreamClient, ev: DeliveryEvent): Promise<PubAck> {
  return js.publish(deliveryEventSubject(ev.event), encoder.encode(JSON.stringify(ev)), {
    msgID: ev.eventId,
  });
}
