import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import {
  DxError,
  decodeTrace,
  encodeTrace,
  type TraceHop,
  HEADERS,
  deliveryEventSubject,
  encodeHeaderValue,
  packageAcceptedSubject,
  packageOutboundSubject,
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
  /** Hops so far (TraceHeaders), oldest first; carried beside the bytes so signatures stay intact. */
  trace?: TraceHop[];
  /** Set by the connector on packages received from the parent axis: they are never sent back up. */
  originAxis?: string;
  /**
   * A package above the object threshold: the name of its object in the packages bucket (Dx-Object); the message
   * then carries no bytes (see package-objects.ts).
   */
  object?: string;
}

/** The Dx-Trace header's hops; a malformed one is a permanent BAD_REQUEST (a retry cannot fix it). */
function readTrace(value: string | undefined): TraceHop[] {
  try {
    return decodeTrace(value);
  } catch (e) {
    throw new DxError(
      'BAD_REQUEST',
      `${HEADERS.trace} is not a list of TraceHeaders: ${(e as Error).message}`,
    );
  }
}

function packageHeaders(meta: AcceptedPackageMeta, to: string[]) {
  const h = natsHeaders();
  h.set(HEADERS.docId, meta.docId);
  h.set(HEADERS.messageType, meta.messageType);
  h.set(HEADERS.from, meta.from);
  if (to.length) h.set(HEADERS.to, to.join(','));
  h.set(HEADERS.sha256, meta.sha256);
  h.set(HEADERS.systemId, meta.systemId);
  h.set(HEADERS.serviceType, meta.serviceType);
  h.set(HEADERS.acceptedAt, meta.acceptedAt);
  h.set(HEADERS.documentId, encodeHeaderValue(meta.documentId));
  if (meta.trace?.length) h.set(HEADERS.trace, encodeTrace(meta.trace));
  if (meta.originAxis) h.set(HEADERS.originAxis, meta.originAxis);
  if (meta.object) h.set(HEADERS.object, meta.object);
  return h;
}

/**
 * Publishes accepted package bytes (or, with `meta.object`, an empty body naming the object that holds them);
 * the DocId is the de-duplication key so a retried publish is stored once.
 */
export async function publishAcceptedPackage(
  js: JetStreamClient,
  meta: AcceptedPackageMeta,
  bytes: Uint8Array,
): Promise<PubAck> {
  return js.publish(packageAcceptedSubject(meta.messageType), bytes, {
    msgID: meta.docId,
    headers: packageHeaders(meta, meta.to),
  });
}

/** Queues a package for the connector, addressed to the recipients that live on other axes. */
export async function publishOutboundPackage(
  js: JetStreamClient,
  meta: AcceptedPackageMeta,
  remoteRecipients: string[],
  bytes: Uint8Array,
): Promise<PubAck> {
  return js.publish(packageOutboundSubject(meta.messageType), bytes, {
    msgID: meta.docId,
    headers: packageHeaders(meta, remoteRecipients),
  });
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
    trace: readTrace(h[HEADERS.trace]),
    ...(h[HEADERS.originAxis] ? { originAxis: h[HEADERS.originAxis] } : {}),
    ...(h[HEADERS.object] ? { object: h[HEADERS.object] } : {}),
  };
}

const encoder = new TextEncoder();

/** Publishes a delivery life-cycle event; eventId de-duplicates retries. */
export async function publishDeliveryEvent(js: JetStreamClient, ev: DeliveryEvent): Promise<PubAck> {
  return js.publish(deliveryEventSubject(ev.event), encoder.encode(JSON.stringify(ev)), {
    msgID: ev.eventId,
  });
}
