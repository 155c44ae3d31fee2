import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  createBusMicroservice,
  listDeadLetters,
  publishAcceptedPackage,
  replayDeadLetter,
  request,
  type BusMessage,
} from '#bus';
import { CONSUMERS, DxError, HEADERS, REQUESTS, STREAMS, type ResolveAgenciesRequest } from '#contracts';
import { cleanBus, natsUrl } from '../support/nats.js';

// What the test handler should do with the next message, keyed by DocId.
const behaviour = new Map<string, 'ok' | 'transient-twice' | 'permanent' | 'always-transient'>();
const calls = new Map<string, number[]>();

@Controller()
class ProbeController {
  @EventPattern('router')
  async onPackage(msg: BusMessage): Promise<void> {
    const docId = msg.headers[HEADERS.docId];
    calls.set(docId, [...(calls.get(docId) ?? []), msg.deliveryCount]);
    await new Promise((r) => setTimeout(r, 5));
    const b = behaviour.get(docId) ?? 'ok';
    if (b === 'transient-twice' && msg.deliveryCount <= 2) throw new Error('database briefly unavailable');
    if (b === 'permanent') throw new DxError('EDXML_MALFORMED', 'not XML');
    if (b === 'always-transient') throw new Error('still failing');
  }

  @MessagePattern(REQUESTS.registryResolve.subject)
  resolve(req: ResolveAgenciesRequest) {
    if (req.organIds.includes('boom'))
      throw new DxError('BAD_REQUEST', 'organIds[0] is not an agency identifier');
    return { agencies: [], unknown: req.organIds };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('DocaxisTransport over real JetStream', () => {
  let app: INestMicroservice;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let n = 0;
  const send = async (b: 'ok' | 'transient-twice' | 'permanent' | 'always-transient') => {
    const docId = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    behaviour.set(docId, b);
    const ack = await publishAcceptedPackage(
      jetstream(nc),
      {
        docId,
        messageType: 'edoc',
        from: '000.01.00.H41',
        to: ['000.02.00.H41'],
        sha256: 'ab'.repeat(32),
        systemId: 'probe',
        serviceType: 'eDoc',
        acceptedAt: new Date().toISOString(),
        documentId: '000.01.00.H41,2026/11/22,1/UBND-VP Đ',
      },
      new TextEncoder().encode('<edXML/>'),
    );
    return { docId, ack };
  };

  beforeAll(async () => {
    ({ nc, jsm } = await cleanBus('bus-test', ['router']));
    app = await createBusMicroservice(
      ProbeModule,
      { natsUrl: natsUrl(), name: 'bus-test', nakDelaysMs: [20] },
      { logger: false },
    );
    await app.listen();
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close();
  });

  it('acks a message once the handler has completed', async () => {
    const { docId } = await send('ok');
    await waitFor(() => (calls.get(docId)?.length ?? 0) === 1);
    await waitFor(async () => {
      const info = await jsm.consumers.info(STREAMS.packages.name, CONSUMERS.router.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    expect(calls.get(docId)).toEqual([1]);
  });

  it('de-duplicates a republished package by its DocId (Nats-Msg-Id)', async () => {
    const first = await send('ok');
    const again = await publishAcceptedPackage(
      jetstream(nc),
      {
        docId: first.docId,
        messageType: 'edoc',
        from: '000.01.00.H41',
        to: [],
        sha256: 'ab'.repeat(32),
        systemId: 'probe',
        serviceType: 'eDoc',
        acceptedAt: new Date().toISOString(),
        documentId: 'x',
      },
      new TextEncoder().encode('<edXML/>'),
    );
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.ack.seq);
  });

  it('naks with back-off on a transient failure and acks after the retry succeeds', async () => {
    const { docId } = await send('transient-twice');
    await waitFor(() => (calls.get(docId)?.length ?? 0) === 3);
    expect(calls.get(docId)).toEqual([1, 2, 3]);
  });

  it('dead-letters a permanent failure at once, with its error code, and can replay it', async () => {
    const { docId } = await send('permanent');
    await waitFor(async () => (await listDeadLetters(jsm)).some((d) => d.headers[HEADERS.docId] === docId));
    const dl = (await listDeadLetters(jsm)).find((d) => d.headers[HEADERS.docId] === docId)!;
    expect(calls.get(docId)).toEqual([1]);
    expect(dl.consumer).toBe(CONSUMERS.router.durable);
    expect(dl.subject).toBe('dx.pkg.accepted.edoc');
    expect(dl.error).toContain('EDXML_MALFORMED');
    expect(dl.headers[HEADERS.documentId]).toBe(encodeURIComponent('000.01.00.H41,2026/11/22,1/UBND-VP Đ'));

    behaviour.set(docId, 'ok');
    await replayDeadLetter(jetstream(nc), jsm, dl.seq);
    await waitFor(() => (calls.get(docId)?.length ?? 0) === 2);
    expect((await listDeadLetters(jsm)).some((d) => d.seq === dl.seq)).toBe(false);
  });

  it('dead-letters after the maximum deliveries of a transient failure', async () => {
    const { docId } = await send('always-transient');
    await waitFor(async () => (await listDeadLetters(jsm)).some((d) => d.headers[HEADERS.docId] === docId));
    const dl = (await listDeadLetters(jsm)).find((d) => d.headers[HEADERS.docId] === docId)!;
    expect(calls.get(docId)).toHaveLength(CONSUMERS.router.maxDeliver);
    expect(dl.deliveries).toBe(CONSUMERS.router.maxDeliver);
    expect(dl.error).toContain('still failing');
  });

  it('answers request/reply with the envelope, carrying DxError codes', async () => {
    await expect(
      request(nc, REQUESTS.registryResolve.subject, { organIds: ['000.00.00.H41'] }),
    ).resolves.toEqual({
      agencies: [],
      unknown: ['000.00.00.H41'],
    });
    await expect(request(nc, REQUESTS.registryResolve.subject, { organIds: ['boom'] })).rejects.toMatchObject(
      {
        code: 'BAD_REQUEST',
        message: 'organIds[0] is not an agency identifier',
      },
    );
  });
});
