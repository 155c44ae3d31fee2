import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectBus, listDeadLetters, natsAuthFromEnv, replayDeadLetter, request, type NatsAuth } from '#bus';
import { REQUESTS } from '#contracts';
import { loadConfig } from '#config';
import { runMigrations } from '#store';
import { findAxis, localNatsAdmin, readHubState, runningIn } from '#local-hub';

/**
 * NATS and Postgres of the local hub, or of one axis (`--axis`) of the local topology, unless NATS_URL /
 * DATABASE_URL say otherwise.
 */
export function endpoints(cmd: Command): { natsUrl: string; databaseUrl: string; natsAuth?: NatsAuth } {
  const { stateDir, axis } = cmd.optsWithGlobals<{ stateDir: string; axis?: string }>();
  const dir = resolve(stateDir);
  const cfg = loadConfig();
  const { topology } = runningIn(dir);
  const local = readHubState(dir);
  if (topology) {
    if (!axis) {
      throw new Error(
        `a topology is running: name the axis with --axis (${topology.axes.map((a) => a.key).join(', ')})`,
      );
    }
    const found = findAxis(topology, axis);
    if (!found)
      throw new Error(`--axis ${axis}: the topology has ${topology.axes.map((a) => a.key).join(', ')}`);
    // The axis's own database, even when DATABASE_URL names the server the topology put it on.
    return {
      natsUrl: found.natsUrl,
      databaseUrl: found.databaseUrl,
      natsAuth: localNatsAdmin(found.stateDir),
    };
  }
  return {
    natsUrl: process.env.NATS_URL ?? local?.natsUrl ?? cfg.natsUrl,
    // The local hub's nats-server has users only: the CLI acts as its admin (DOCAXIS_NATS_USER with NATS_URL).
    natsAuth: process.env.NATS_URL ? natsAuthFromEnv() : (localNatsAdmin(dir) ?? natsAuthFromEnv()),
    databaseUrl: process.env.DATABASE_URL ?? local?.databaseUrl ?? cfg.databaseUrl,
  };
}

export function registerOpsCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async (_o: unknown, cmd: Command) => {
      const applied = await runMigrations(endpoints(cmd).databaseUrl);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
    });

  const dlq = program.command('dlq').description('dead letters: messages a service gave up on');
  dlq
    .command('list')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (opts: { limit: string }, cmd: Command) => {
      const ep = endpoints(cmd);
      const nc = await connectBus(ep.natsUrl, 'docaxis-cli', ep.natsAuth);
      try {
        const items = await listDeadLetters(await jetstreamManager(nc), Number(opts.limit));
        if (!items.length) console.log('no dead letters');
        for (const d of items) {
          console.log(
            `#${d.seq} ${d.time} ${d.consumer} ${d.subject} after ${d.deliveries} tries: ${d.error}`,
          );
        }
      } finally {
        await nc.close();
      }
    });
  dlq
    .command('replay')
    .argument('<seq>', 'dead-letter sequence number (from `dlq list`)')
    .action(async (seq: string, _o: unknown, cmd: Command) => {
      const ep = endpoints(cmd);
      const nc = await connectBus(ep.natsUrl, 'docaxis-cli', ep.natsAuth);
      try {
        const subject = await replayDeadLetter(jetstream(nc), await jetstreamManager(nc), Number(seq));
        console.log(`replayed #${seq} on ${subject}`);
      } finally {
        await nc.close();
      }
    });

  program
    .command('registry-import')
    .argument(
      '<file>',
      '.csv of agencies (organId,name,...) or of systems (systemId,name,secret,role,auth), or .json {systems, agencies}',
    )
    .description(
      'import agencies and systems (role system|archivist, auth hmac|mtls|any) into the registry (all or nothing)',
    )
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const ep = endpoints(cmd);
      const nc = await connectBus(ep.natsUrl, 'docaxis-cli', ep.natsAuth);
      try {
        const format = extname(file).toLowerCase() === '.csv' ? 'csv' : 'json';
        const r = await request(
          nc,
          REQUESTS.registryImport.subject,
          { format, content: readFileSync(file, 'utf8') },
          120_000,
        );
        console.log(`created ${r.created}, updated ${r.updated}; registry version ${r.version}`);
      } finally {
        await nc.close();
      }
    });
}
