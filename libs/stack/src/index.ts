// Provisioning of the hub's backing services (NATS with JetStream, Postgres) for `docaxis up` and tests.
export { freePort } from './ports.js';
export {
  NATS_MAX_PAYLOAD,
  NATS_MAX_PENDING,
  findNatsServer,
  reloadNatsServer,
  renderNatsConfig,
  startNatsServer,
  type NatsConfigOptions,
  type RunningNatsServer,
  type StartNatsServerOptions,
} from './nats-server.js';
export {
  databaseUrl,
  dropDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
  waitForPostgres,
  type RunningPostgres,
  type StartEmbeddedPostgresOptions,
} from './postgres.js';
export { pgClient, type PgClient } from './pg-client.js';
export { ensureNatsServerInstalled, type EnsureNatsServerOptions } from './provision.js';
