import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemoExchange, startHubDetached, stopHub, superviseHub, readHubState, isAlive } from '#local-hub';

const stateDirOf = (cmd: Command): string => resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir);

export function registerHubCommands(program: Command): void {
  program
    .command('up')
    .description(
      'start the local hub (NATS, Postgres, every service) in the background and run a demo exchange',
    )
    .option('--no-demo', 'skip the demo exchange')
    .action(async (opts: { demo: boolean }, cmd: Command) => {
      const stateDir = stateDirOf(cmd);
      const state = await startHubDetached(stateDir);
      console.log(`hub ready: gateway ${state.gatewayUrl}, NATS ${state.natsUrl}`);
      for (const [name, s] of Object.entries(state.services))
        console.log(`  ${name.padEnd(9)} pid ${s.pid}  log ${s.log}`);
      if (opts.demo) await runDemoExchange(state, (line) => console.log(line));
      console.log(
        `\nThe hub keeps running. Try: node bin/docaxis.js inbox 000.00.02.H41   ·   stop it with: node bin/docaxis.js down`,
      );
      console.log(
        `Demo system credentials are in ${stateDir}/hub.json; API docs at ${state.gatewayUrl}/docs`,
      );
    });

  program
    .command('down')
    .description('stop the local hub')
    .action(async (_opts: unknown, cmd: Command) => {
      console.log((await stopHub(stateDirOf(cmd))) ? 'hub stopped' : 'no hub running');
    });

  program
    .command('ps')
    .description('show the local hub and its services')
    .action((_opts: unknown, cmd: Command) => {
      const s = readHubState(stateDirOf(cmd));
      if (!s || !isAlive(s.supervisorPid)) {
        console.log('no hub running');
        process.exitCode = 1;
        return;
      }
      console.log(`hub ${s.status} since ${s.startedAt}: gateway ${s.gatewayUrl}`);
      for (const [name, v] of Object.entries(s.services)) {
        console.log(
          `  ${name.padEnd(9)} pid ${v.pid} ${isAlive(v.pid) ? 'up' : 'DOWN'} restarts ${v.restarts}`,
        );
      }
    });

  program
    .command('hub-daemon', { hidden: true })
    .description('run the hub supervisor in the foreground (used by `up`)')
    .action(async (_opts: unknown, cmd: Command) => {
      await superviseHub({ stateDir: stateDirOf(cmd) });
    });
}
