// @types/pg is not among the project's dependencies, so the few pg calls this lib makes are typed here.
export interface PgClient {
  connect(): Promise<void>;
  query(
    sql: string,
    params?: unknown[],
  ): Promise<{ rowCount: number | null; rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
  escapeIdentifier(name: string): string;
}

interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}

// A non-literal specifier keeps TypeScript from looking for pg's (absent) declarations.
const PG_MODULE: string = 'pg';
let loaded: Promise<PgModule> | undefined;

/** A pg Client for `url` whose background errors are swallowed (callers see failures via their promises). */
export async function pgClient(url: string, connectionTimeoutMillis = 5_000): Promise<PgClient> {
  loaded ??= import(PG_MODULE).then((mod: { default: PgModule }) => mod.default);
  const client = new (await loaded).Client({ connectionString: url, connectionTimeoutMillis });
  client.on('error', () => undefined);
  return client;
}
