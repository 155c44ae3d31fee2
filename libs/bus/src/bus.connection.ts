import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf } from './nats-permissions.js';

/** NATS credentials of a process: its own least-privilege user (see proto/ principals). */
export interface NatsAuth {
  user: string;
  pass: string;
}

export const NATS_USER_ENV = 'DOCAXIS_NATS_USER';
export const NATS_PASSWORD_ENV = 'DOCAXIS_NATS_PASSWORD';

/** DOCAXIS_NATS_USER / DOCAXIS_NATS_PASSWORD, which the local stack sets per service; undefined when unset. */
export function natsAuthFromEnv(env: NodeJS.ProcessEnv = process.env): NatsAuth | undefined {
  const user = env[NATS_USER_ENV];
  if (!user) return undefined;
  return { user, pass: env[NATS_PASSWORD_ENV] ?? '' };
}

/**
 * Whether this process may declare streams and consumers: only the admin user (or a server without users);
 * a service user has no rights to and relies on `docaxis up`/the tests' setup having done it.
 */
export function mayDeclareTopology(auth: NatsAuth | undefined = natsAuthFromEnv()): boolean {
  return !auth || auth.user === 'admin';
}

/**
 * Connects a process to NATS; reconnects forever so a NATS restart is survived rather than fatal. With a
 * user, replies come to its own inbox prefix (the only inbox its permissions let it read).
 */
export async function connectBus(
  url: string,
  name: string,
  auth: NatsAuth | undefined = natsAuthFromEnv(),
): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Otherwise every request and JetStream publish captures a stack trace up front, in case it times out (a
    // measurable share of CPU under load); our errors name the subject instead.
    noAsyncTraces: true,
    ...(auth ? { user: auth.user, pass: auth.pass, inboxPrefix: inboxPrefixOf(auth.user) } : {}),
  });
}
