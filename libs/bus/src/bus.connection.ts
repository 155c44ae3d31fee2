import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Connects a process to NATS; reconnects forever so a NATS restart is survived rather than fatal. */
export async function connectBus(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
}
