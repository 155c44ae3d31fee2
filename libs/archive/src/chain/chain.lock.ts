import type { EntityManager } from 'typeorm';

/** Advisory lock keys that serialise appends, one per chain, so each record links to the committed head. */
export const CHAIN_LOCKS = { archive: 0x64786101, audit: 0x64786102 } as const;

/** Takes the chain's append lock until the transaction ends, then answers the head digest (genesis if empty). */
export async function lockChainHead(
  m: EntityManager,
  chain: keyof typeof CHAIN_LOCKS,
  genesis: string,
): Promise<string> {
  await m.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCKS[chain]]);
  const table = chain === 'archive' ? 'archive_chain' : 'audit_log';
  const rows: { digest: string }[] = await m.query(`SELECT digest FROM ${table} ORDER BY seq DESC LIMIT 1`);
  return rows[0]?.digest ?? genesis;
}
