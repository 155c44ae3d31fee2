import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { jetstream, jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Msg } from '@nats-io/transport-node';
import { isObservable, lastValueFrom } from 'rxjs';
import { CONSUMERS, REQUESTS, STREAMS, DxError, type ConsumerKey } from '#contracts';
import { connectBus, mayDeclareTopology } from './bus.connection.js';
import { ensureTopology } from './topology.js';
import { headersToRecord, type BusMessage } from './bus.message.js';
import { publishDeadLetter } from './dead-letters.js';
import { okReply, serveRequests, type RequestReply } from './request.responder.js';

export interface DocaxisTransportOptions {
  natsUrl: string;
  /** Connection name, shown by the NATS server. */
  name: string;
  /** Messages processed in parallel per durable consumer. */
  concurrency?: number;
  /** Overrides the nak delays of proto/ (tests use short ones to reach max deliveries quickly). */
  nakDelaysMs?: number[];
}

export class BusContext extends BaseRpcContext<[BusMessage]> {
  get message(): BusMessage {
    return this.args[0];
  }
}

const consumerKeys = new Set(Object.keys(CONSUMERS));
const requestSubjects = new Set<string>(Object.values(REQUESTS).map((r) => r.subject));

/**
 * Nest transport over NATS for docaxis services.
 * - `@EventPattern(<consumer key from proto>)`: a durable JetStream pull consumer. A message is acked only after
 *   the handler's result has completed; a failure naks it with back-off, and after the consumer's maximum
 *   deliveries (or at once for a non-transient DxError) it goes to the dead-letter stream and is terminated.
 * - `@MessagePattern(<request subject from proto>)`: a core NATS queue subscription answering a ReplyEnvelope.
 */
export class DocaxisTransport extends Server implements CustomTransportStrategy {
  // Nest must hand handler failures to us instead of logging them, or we could not nak.
  override readonly propagatesEventHandlerErrors = true;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private stopping = false;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: DocaxisTransportOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => void): Promise<void> {
    try {
      this.nc = await connectBus(this.options.natsUrl, this.options.name);
      this.js = jetstream(this.nc);
      // A service user may not declare streams and consumers: the admin bootstrap did (see proto/ principals).
      if (mayDeclareTopology()) await ensureTopology(await jetstreamManager(this.nc));
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.isEventHandler && consumerKeys.has(pattern)) {
          this.loops.push(this.consumeLoop(pattern as ConsumerKey));
        } else if (!handler.isEventHandler && requestSubjects.has(pattern)) {
          this.serveRequests(pattern);
        } else {
          throw new Error(`pattern ${pattern} is not a consumer or request subject declared in proto/`);
        }
      }
      // Subscriptions are registered with the server once flushed: only then is the service really answering.
      await this.nc.flush();
      callback();
    } catch (e) {
      callback(e);
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.nc?.drain().catch(() => undefined);
    await Promise.allSettled(this.loops);
  }

  on(): void {
    throw new Error('DocaxisTransport does not emit events');
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('not connected');
    return this.nc as T;
  }

  private async consumeLoop(key: ConsumerKey): Promise<void> {
    const spec = CONSUMERS[key];
    const concurrency = this.options.concurrency ?? 16;
    while (!this.stopping) {
      try {
        const consumer = await this.js!.consumers.get(STREAMS[spec.stream].name, spec.durable);
        const messages = await consumer.consume({ max_messages: concurrency });
        const inFlight = new Set<Promise<void>>();
        for await (const m of messages) {
          const p = this.handleJsMsg(key, m).finally(() => inFlight.delete(p));
          inFlight.add(p);
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
          if (this.stopping) break;
        }
        await Promise.allSettled(inFlight);
      } catch (e) {
        if (this.stopping) return;
        this.logger.error(`consumer ${spec.durable} stopped: ${(e as Error).message}; restarting`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async handleJsMsg(key: ConsumerKey, m: JsMsg): Promise<void> {
    const spec = CONSUMERS[key];
    const msg: BusMessage = {
      subject: m.subject,
      headers: headersToRecord(m.headers),
      data: m.data,
      deliveryCount: m.info.deliveryCount,
      streamSequence: m.seq,
    };
    try {
      const handler = this.getHandlerByPattern(key)!;
      const result = await handler(msg, new BusContext([msg]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      m.ack();
    } catch (e) {
      const permanent = e instanceof DxError && !e.transient;
      // maxDeliver <= 0 means unlimited (the outbound link): only a permanent error dead-letters it.
      const exhausted = spec.maxDeliver > 0 && msg.deliveryCount >= spec.maxDeliver;
      if (permanent || exhausted) {
        try {
          await publishDeadLetter(this.js!, spec.durable, msg, e);
          m.term(errorText(e));
          this.logger.error(`${spec.durable}: seq ${msg.streamSequence} dead-lettered: ${errorText(e)}`);
        } catch (dlqErr) {
          // Could not record the dead letter: leave it to redelivery rather than lose it.
          m.nak(5000);
          this.logger.error(`${spec.durable}: dead-letter publish failed: ${(dlqErr as Error).message}`);
        }
        return;
      }
      const delays = this.options.nakDelaysMs ?? spec.backoffSeconds.map((sec) => sec * 1000);
      const delay = delays[Math.min(msg.deliveryCount - 1, delays.length - 1)];
      m.nak(delay);
      this.logger.warn(
        `${spec.durable}: seq ${msg.streamSequence} attempt ${msg.deliveryCount} failed: ${errorText(e)}`,
      );
    }
  }

  private serveRequests(subject: string): void {
    serveRequests(this.nc!, subject, `docaxis.${subject}`, (m) => this.answer(subject, m), this.logger);
  }

  private async answer(subject: string, m: Msg): Promise<RequestReply> {
    const payload: unknown = m.data.length ? m.json() : {};
    const msg: BusMessage = {
      subject,
      headers: headersToRecord(m.headers),
      data: m.data,
      deliveryCount: 1,
      streamSequence: 0,
    };
    const handler = this.getHandlerByPattern(subject)!;
    const result = await handler(payload, new BusContext([msg]));
    return okReply(isObservable(result) ? await lastValueFrom(result, { defaultValue: null }) : result);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof DxError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
