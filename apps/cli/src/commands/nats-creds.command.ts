import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { findAxis, issueAgencyNatsCredentials, readHubState, runningIn } from '#local-hub';

/** `docaxis nats-creds`: NATS credentials for an agency system of the local hub (or of one topology axis). */
export function registerNatsCredsCommands(program: Command): void {
  program
    .command('nats-creds')
    .description(
      "issue an agency system's NATS user: it may call dx.agency.<agency>.* only as the system's agencies " +
        'and read only its own inbox (_INBOX_<system>); the server is reloaded with it',
    )
    .requiredOption('--system <id>', 'connected system id (its agencies come from the registry)')
    .option('-o, --output <file>', 'write the credentials (JSON, mode 600) here instead of printing them')
    .action(async (opts: { system: string; output?: string }, cmd: Command) => {
      const { stateDir, axis } = cmd.optsWithGlobals<{ stateDir: string; axis?: string }>();
      const dir = resolve(stateDir);
      const { topology, hub } = runningIn(dir);
      let target: { stateDir: string; natsUrl: string };
      if (topology) {
        const found = axis ? findAxis(topology, axis) : undefined;
        if (!found) {
          throw new Error(`name the axis with --axis (${topology.axes.map((a) => a.key).join(', ')})`);
        }
        target = { stateDir: found.stateDir, natsUrl: found.natsUrl };
      } else {
        const state = hub ?? readHubState(dir);
        if (!state?.natsUrl) throw new Error('no local hub is running here: start it with docaxis up');
        target = { stateDir: dir, natsUrl: state.natsUrl };
      }
      const creds = await issueAgencyNatsCredentials(target.stateDir, target.natsUrl, opts.system);
      const text = JSON.stringify(creds, null, 2) + '\n';
      if (opts.output) {
        writeFileSync(opts.output, text, { mode: 0o600 });
        chmodSync(opts.output, 0o600);
        console.log(
          `wrote ${opts.output}: user ${creds.user} may call as ${creds.agencies.join(', ')} on ${creds.natsUrl}`,
        );
      } else {
        process.stdout.write(text);
      }
    });
}
