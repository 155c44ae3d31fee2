import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ImportRegistryReply } from '#contracts';
import type { RegistryService } from './registry.service.js';

/**
 * Loads a seed file (`.csv`, otherwise JSON) into an empty registry. A registry that already holds agencies
 * is left alone, so restarts never overwrite what operators changed since. Returns null when skipped.
 */
export async function seedRegistryIfEmpty(
  registry: RegistryService,
  file: string,
): Promise<ImportRegistryReply | null> {
  if (!(await registry.isEmpty())) return null;
  const content = await readFile(file, 'utf8');
  return registry.import(extname(file).toLowerCase() === '.csv' ? 'csv' : 'json', content);
}
