import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HubSecrets {
  masterKey: string;
  systemSecrets: Record<string, string>;
}

/** Local-hub secrets live in <stateDir>/secrets.json (mode 600) so a restarted hub can still decrypt its registry. */
export function loadOrCreateSecrets(stateDir: string, systemIds: string[]): HubSecrets {
  const f = join(stateDir, 'secrets.json');
  mkdirSync(stateDir, { recursive: true });
  const s: HubSecrets = existsSync(f)
    ? (JSON.parse(readFileSync(f, 'utf8')) as HubSecrets)
    : { masterKey: randomBytes(32).toString('hex'), systemSecrets: {} };
  for (const id of systemIds) s.systemSecrets[id] ??= randomBytes(32).toString('base64url');
  writeFileSync(f, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}
