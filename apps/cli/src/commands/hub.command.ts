import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  findAxis,
  isAlive,
  parseTopology,
  requestControl,
  runDemoExchange,
  runTopologyDemo,
  runningIn,
  startHubDetached,
  startTopologyDetached,
  stopHub,
  stopTopology,
  superviseHub,
  superviseTopology,
  type ServiceEntry,
  type TopologyState,
} from '#local-hub';

const stateDirOf = (cmd: Command): string => resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir);

const serviceLine = (name: string, s: ServiceEntry): string =>
  `  ${name.padEnd(9)} pid ${s.pid} ${isAlive(s.pid) ? 'up' : 'DOWN'} restarts ${s.restarts}  log ${s.log}`;

function printTopology(t: TopologyState): void {
  for (const a of t.axes) {
    console.log(`\n${a.key.padEnd(9)} ${a.role.padEnd(10)} ${a.organId}  ${a.name}`);
    console.log(`  gateway ${a.gatewayUrl}   NATS ${a.natsUrl}`);
    if (a.parent) {
      console.log(
        `  link to national ${a.parent.link.toUpperCase()} (connector → ${a.parent.linkUrl} → ${a.parent.gatewayUrl}, as system ${a.parent.systemId})`,
      );
    }
    for (const s of a.systems) {
      console.log(`  system ${s.systemId}: ${s.agencies.map((x) => x.organId).join(', ')}`);
    }
    for (const [name, s] of Object.entries(a.services)) console.log(serviceLine(name, s));
  }
  for (const w of t.warnings) console.log(`\nWARNING: ${w}`);
}

export function registerHubCommands(program: Command): void {
  program
    .command('up')
    .description(
      'start the local hub (NATS, Postgres, every service) in the background and run a demo exchange; ' +
        'with --topology national+N, a national axis and N provincial axes',
    )
    .option('--no-demo', 'skip the demo exchange')
    .option(
      '--topology <spec>',
      '"single" (one provincial hub) or "national+N" (a national axis and N provincial axes)',
      'single',
    )
    .action(async (opts: { demo: boolean; topology: string }, cmd: Command) => {
      const stateDir = stateDirOf(cmd);
      const topology = parseTopology(opts.topology);
      if (topology.kind === 'national') {
        const t = await startTopologyDetached(stateDir, topology.spec);
        console.log(`topology ${t.topology} ready (state ${stateDir}/topology.json):`);
        printTopology(t);
        if (opts.demo) await runTopologyDemo(t, (line) => console.log(line));
        console.log(
          `\nThe axes keep running. Try: node bin/docaxis.js inbox 000.00.01.H14   ·   ` +
            `node bin/docaxis.js link cut h41   ·   stop them with: node bin/docaxis.js down`,
        );
        return;
      }
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
    .description('stop the local hub, or every axis of the local topology')
    .action(async (_opts: unknown, cmd: Command) => {
      const stateDir = stateDirOf(cmd);
      const topology = await stopTopology(stateDir);
      const hub = await stopHub(stateDir);
      console.log(
        topology && hub
          ? 'topology and hub stopped'
          : topology
            ? 'topology stopped'
            : hub
              ? 'hub stopped'
              : 'no hub running',
      );
    });

  program
    .command('ps')
    .description('show the local hub (or every axis of the local topology) and its services')
    .action((_opts: unknown, cmd: Command) => {
      const { hub: s, topology: t } = runningIn(stateDirOf(cmd));
      if (t) {
        console.log(
          `topology ${t.topology} ${t.status} since ${t.startedAt} (supervisor pid ${t.supervisorPid})`,
        );
        printTopology(t);
      }
      if (s) {
        console.log(`hub ${s.status} since ${s.startedAt}: gateway ${s.gatewayUrl}`);
        for (const [name, v] of Object.entries(s.services)) {
          console.log(
            `  ${name.padEnd(9)} pid ${v.pid} ${isAlive(v.pid) ? 'up' : 'DOWN'} restarts ${v.restarts}`,
          );
        }
      }
      if (!s && !t) {
        console.log('no hub running');
        process.exitCode = 1;
      }
    });

  program
    .command('link')
    .argument('[action]', 'cut or restore (omit to list the links)')
    .argument('[axis]', 'the provincial axis (h41, H41 or 000.00.00.H41)')
    .description("cut or restore a provincial axis's link to the national axis in the local topology")
    .action(async (action: string | undefined, axis: string | undefined, _opts: unknown, cmd: Command) => {
      const stateDir = stateDirOf(cmd);
      let t = runningIn(stateDir).topology;
      if (!t) throw new Error('no topology running: start one with docaxis up --topology national+2');
      if (action) {
        if (action !== 'cut' && action !== 'restore') throw new Error(`link ${action}: say cut or restore`);
        if (!axis) throw new Error(`link ${action}: name the provincial axis, e.g. h41`);
        t = await requestControl(stateDir, { action, axis });
      }
      const only = axis ? findAxis(t, axis) : undefined;
      for (const a of t.axes.filter((x) => x.parent && (!only || x === only))) {
        console.log(`${a.key.padEnd(9)} ⇄ national  ${a.parent!.link}`);
      }
    });

  program
    .command('hub-daemon', { hidden: true })
    .description('run the hub supervisor in the foreground (used by `up`)')
    .action(async (_opts: unknown, cmd: Command) => {
      await superviseHub({ stateDir: stateDirOf(cmd) });
    });

  program
    .command('topology-daemon', { hidden: true })
    .argument('<spec>', 'national+N')
    .description('run the topology supervisor in the foreground (used by `up --topology`)')
    .action(async (spec: string, _opts: unknown, cmd: Command) => {
      const topology = parseTopology(spec);
      if (topology.kind !== 'national') throw new Error('topology-daemon runs national+N topologies');
      await superviseTopology({
        stateDir: stateDirOf(cmd),
        spec: topology.spec,
        provinces: topology.provinces,
      });
    });
}
