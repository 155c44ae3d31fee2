// Jest globalTeardown for the integration project: stops what global-setup.ts started and removes its files.
import { rmSync } from 'node:fs';
import type { TestStack } from './global-setup.js';

export default async function globalTeardown(): Promise<void> {
  // Same key as TEST_STACK in global-setup.ts; not imported, since Node loads this file without TS hooks.
  const key = Symbol.for('docaxis.testStack');
  const handle = (globalThis as Record<symbol, TestStack | undefined>)[key];
  if (!handle) return;
  delete (globalThis as Record<symbol, unknown>)[key];
  await Promise.allSettled([handle.nats?.stop(), handle.postgres?.stop()]);
  for (const name of handle.env) delete process.env[name];
  rmSync(handle.dir, { recursive: true, force: true });
}
