/** URL of the NATS server for this test run (set by global-setup.ts, or by the user as NATS_URL). */
export function natsUrl(): string {
  const url = process.env.NATS_URL;
  if (!url) {
    throw new Error(
      'NATS_URL is not set: run integration tests through the jest "integration" project (its globalSetup ' +
        'starts a nats-server), or export NATS_URL to use an existing server with JetStream.',
    );
  }
  return url;
}
