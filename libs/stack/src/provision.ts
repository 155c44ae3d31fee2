import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findNatsServer } from './nats-server.js';

export interface EnsureNatsServerOptions {
  log?: (line: string) => void;
}

/**
 * Returns the nats-server binary, installing Debian's package when it is missing and we may (root with
 * apt-get). Otherwise throws saying how to install it or how to use an existing server instead.
 */
export function ensureNatsServerInstalled(opts: EnsureNatsServerOptions = {}): string {
  const log = opts.log ?? ((line: string) => console.error(line));
  const found = findNatsServer();
  if (found) return found;

  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    throw new Error(
      'nats-server is not installed. Install it (Debian/Ubuntu: "sudo apt-get install -y nats-server"; ' +
        'elsewhere see https://docs.nats.io/running-a-nats-service/installation), or point NATS_SERVER_BIN ' +
        'at the binary, or set NATS_URL to a running NATS server with JetStream enabled.',
    );
  }
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'nats-server']]) {
    log(`docaxis: nats-server not found, running: apt-get ${args.join(' ')}`);
    const result = spawnSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) {
      throw new Error(
        `apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
      );
    }
  }
  const installed = findNatsServer();
  if (!installed) throw new Error('apt-get installed nats-server but no binary was found afterwards');
  log(`docaxis: installed ${installed}`);
  return installed;
}
