import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '#stack';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database (disconnecting whoever still uses it). */
  drop(): Promise<void>;
}

/** URL of the Postgres server for this test run (set by global-setup.ts, or by the user as DATABASE_URL). */
export function adminDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run integration tests through the jest "integration" project (its globalSetup ' +
        'starts Postgres), or export DATABASE_URL to use an existing server.',
    );
  }
  return url;
}

/**
 * Creates a database of its own for one test file on the server of DATABASE_URL, so files running in
 * parallel never see each other's rows or migrations.
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl();
  const safePrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .slice(0, 40) || 'test';
  const name = `${safePrefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  return { name, url, drop: () => dropDatabase(adminUrl, name) };
}
