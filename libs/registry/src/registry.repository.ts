import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { DxError, type Agency } from '#contracts';
import { RegistrySystemEntity } from '#store';
import type { AgencyRecord, ListQuery, SystemRecord } from './registry.types.js';

/** Rows per UPDATE/INSERT statement of an import (columns go as arrays through unnest, 9 parameters). */
export const IMPORT_BATCH = 5000;

const AGENCY_COLUMNS = `organ_id AS "organId", code_2020 AS "code2020", name, parent_organ_id AS "parentOrganId",
  axis_organ_id AS "axisOrganId", system_id AS "systemId", email, deleted, version::text AS version`;

interface AgencyRow {
  organId: string;
  code2020: string | null;
  name: string;
  parentOrganId: string | null;
  axisOrganId: string | null;
  systemId: string | null;
  email: string | null;
  deleted: boolean;
  version: string;
}

/** The wire shape: optional fields are left out rather than sent as null. */
export function toAgency(r: AgencyRow): Agency {
  const a: Agency = { organId: r.organId, name: r.name, deleted: r.deleted, version: Number(r.version) };
  if (r.code2020 !== null) a.code2020 = r.code2020;
  if (r.parentOrganId !== null) a.parentOrganId = r.parentOrganId;
  if (r.axisOrganId !== null) a.axisOrganId = r.axisOrganId;
  if (r.systemId !== null) a.systemId = r.systemId;
  if (r.email !== null) a.email = r.email;
  return a;
}

export interface ImportWrite {
  /** Systems to upsert; `secretEnc` null keeps the stored secret (refused for a new system). */
  systems: (Omit<SystemRecord, 'secret'> & { secretEnc: string | null })[];
  agencies: AgencyRecord[];
}

/**
 * Registry tables. Every write transaction takes the registry lock and then one `nextval` of
 * registry_version_seq as the version of every row it changes: writes therefore commit in version order, so
 * a reader that saw version V and later asks for `sinceVersion = V` misses nothing committed after it.
 */
@Injectable()
export class RegistryRepository {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(RegistrySystemEntity) private readonly systems: Repository<RegistrySystemEntity>,
  ) {}

  /** Live (not deleted) agencies among `organIds`, in one indexed query. */
  async findLive(organIds: string[]): Promise<Agency[]> {
    if (!organIds.length) return [];
    const rows: AgencyRow[] = await this.ds.query(
      `SELECT ${AGENCY_COLUMNS} FROM registry_agency WHERE organ_id = ANY($1::text[]) AND NOT deleted`,
      [organIds],
    );
    return rows.map(toAgency);
  }

  /**
   * One page by OrganId (keyset) plus the registry version, read in the same statement (one snapshot).
   * Deleted rows are listed too: an incremental sync must learn about deletions.
   */
  async list(q: ListQuery): Promise<{ agencies: Agency[]; next?: string; version: number }> {
    const rows: (Partial<AgencyRow> & { current: string })[] = await this.ds.query(
      `SELECT v.current, p.* FROM
         (SELECT coalesce(max(version), 0)::text AS current FROM registry_agency) v
         LEFT JOIN LATERAL (
           SELECT ${AGENCY_COLUMNS} FROM registry_agency
           WHERE ($1::text IS NULL OR system_id = $1)
             AND ($2::bigint IS NULL OR version > $2)
             AND ($3::text IS NULL OR organ_id > $3)
           ORDER BY organ_id
           LIMIT $4
         ) p ON true`,
      [q.systemId ?? null, q.sinceVersion ?? null, q.after ?? null, q.limit + 1],
    );
    const version = Number(rows[0]?.current ?? 0);
    const page = rows.filter((r) => r.organId != null) as (AgencyRow & { current: string })[];
    const more = page.length > q.limit;
    const agencies = page.slice(0, q.limit).map(toAgency);
    return more ? { agencies, next: agencies[agencies.length - 1].organId, version } : { agencies, version };
  }

  async currentVersion(): Promise<number> {
    const [r] = await this.ds.query(`SELECT coalesce(max(version), 0)::text AS v FROM registry_agency`);
    return Number(r.v);
  }

  async countAgencies(): Promise<number> {
    const [r] = await this.ds.query(`SELECT count(*)::int AS n FROM registry_agency`);
    return r.n;
  }

  findSystem(systemId: string): Promise<RegistrySystemEntity | null> {
    return this.systems.findOneBy({ systemId });
  }

  /** OrganIds of the live agencies registered under a system. */
  async systemAgencyIds(systemId: string): Promise<string[]> {
    const rows: { organId: string }[] = await this.ds.query(
      `SELECT organ_id AS "organId" FROM registry_agency WHERE system_id = $1 AND NOT deleted ORDER BY organ_id`,
      [systemId],
    );
    return rows.map((r) => r.organId);
  }

  /** role/auth/signaturePolicy undefined keep the stored values (a new system: system, any, axis). */
  async upsertSystem(
    systemId: string,
    name: string,
    secretEnc: string,
    access: Pick<SystemRecord, 'role' | 'auth' | 'signaturePolicy'> = {},
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO registry_system AS s (system_id, name, secret_enc, role, auth, signature_policy)
       VALUES ($1, $2, $3, coalesce($4::text, 'system'), coalesce($5::text, 'any'), coalesce($6::text, 'axis'))
       ON CONFLICT (system_id) DO UPDATE SET name = EXCLUDED.name, secret_enc = EXCLUDED.secret_enc,
         role = coalesce($4::text, s.role), auth = coalesce($5::text, s.auth),
         signature_policy = coalesce($6::text, s.signature_policy), updated_at = now()`,
      [systemId, name, secretEnc, access.role ?? null, access.auth ?? null, access.signaturePolicy ?? null],
    );
  }

  /** All-or-nothing import: consistency checks, systems, then agencies in batches, in one transaction. */
  async importAll(input: ImportWrite): Promise<{ created: number; updated: number; version: number }> {
    try {
      return await this.ds.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(hashtext('docaxis.registry'))`);
        await this.writeSystems(em, input.systems);
        await this.checkAgencies(em, input);
        const [{ v }] = await em.query(`SELECT nextval('registry_version_seq')::text AS v`);
        let created = 0;
        let updated = 0;
        for (let i = 0; i < input.agencies.length; i += IMPORT_BATCH) {
          const r = await this.upsertAgencies(em, input.agencies.slice(i, i + IMPORT_BATCH), v);
          created += r.created;
          updated += r.updated;
        }
        const [cur] = await em.query(`SELECT coalesce(max(version), 0)::text AS v FROM registry_agency`);
        return { created, updated, version: Number(cur.v) };
      });
    } catch (e) {
      // A uniqueness race the checks could not see (e.g. two rows swapping code2020) is still the caller's data.
      if ((e as { code?: string }).code === '23505') {
        throw new DxError('BAD_REQUEST', `import conflicts with the registry: ${(e as Error).message}`);
      }
      throw e;
    }
  }

  private async writeSystems(em: EntityManager, systems: ImportWrite['systems']): Promise<void> {
    if (!systems.length) return;
    const known = await existingSystems(
      em,
      systems.map((s) => s.systemId),
    );
    const missingSecret = systems.find((s) => s.secretEnc === null && !known.has(s.systemId));
    if (missingSecret) {
      throw new DxError('BAD_REQUEST', `${missingSecret.where}: secret is required for a new system`);
    }
    // role/auth/signature_policy: NULL in the arrays keeps the stored value; a new system gets the default.
    await em.query(
      `INSERT INTO registry_system AS s (system_id, name, secret_enc, role, auth, signature_policy)
       SELECT u.system_id, u.name, coalesce(u.secret_enc, ''), coalesce(u.role, 'system'), coalesce(u.auth, 'any'),
         coalesce(u.signature_policy, 'axis')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS u(system_id, name, secret_enc, role, auth, signature_policy)
       ON CONFLICT (system_id) DO UPDATE SET name = EXCLUDED.name,
         secret_enc = CASE WHEN EXCLUDED.secret_enc = '' THEN s.secret_enc ELSE EXCLUDED.secret_enc END,
         role = coalesce((SELECT x.role FROM unnest($1::text[], $4::text[]) AS x(id, role) WHERE x.id = s.system_id),
           s.role),
         auth = coalesce((SELECT x.auth FROM unnest($1::text[], $5::text[]) AS x(id, auth) WHERE x.id = s.system_id),
           s.auth),
         signature_policy = coalesce((SELECT x.p FROM unnest($1::text[], $6::text[]) AS x(id, p)
           WHERE x.id = s.system_id), s.signature_policy),
         updated_at = now()`,
      [
        systems.map((s) => s.systemId),
        systems.map((s) => s.name),
        systems.map((s) => s.secretEnc),
        systems.map((s) => s.role ?? null),
        systems.map((s) => s.auth ?? null),
        systems.map((s) => s.signaturePolicy ?? null),
      ],
    );
  }

  private async checkAgencies(em: EntityManager, { agencies }: ImportWrite): Promise<void> {
    const isSet = (v: string | null | undefined): v is string => typeof v === 'string';
    const systemIds = [...new Set(agencies.map((a) => a.systemId).filter(isSet))];
    if (systemIds.length) {
      const known = await existingSystems(em, systemIds);
      const orphan = agencies.find((a) => isSet(a.systemId) && !known.has(a.systemId));
      if (orphan) {
        throw new DxError(
          'BAD_REQUEST',
          `${orphan.where}: systemId ${orphan.systemId} is not a registered system`,
        );
      }
      // An archivist reads; it never acts for an agency, so none may be registered under it.
      const underArchivist = agencies.find((a) => isSet(a.systemId) && known.get(a.systemId) === 'archivist');
      if (underArchivist) {
        throw new DxError(
          'BAD_REQUEST',
          `${underArchivist.where}: systemId ${underArchivist.systemId} is an archivist and has no agencies`,
        );
      }
    }
    const byCode = new Map(agencies.filter((a) => isSet(a.code2020)).map((a) => [a.code2020!, a]));
    if (byCode.size) {
      const importing = new Set(agencies.map((a) => a.organId));
      const holders: { organId: string; code2020: string }[] = await em.query(
        `SELECT organ_id AS "organId", code_2020 AS "code2020" FROM registry_agency WHERE code_2020 = ANY($1::text[])`,
        [[...byCode.keys()]],
      );
      for (const h of holders) {
        const claimant = byCode.get(h.code2020)!;
        if (h.organId !== claimant.organId && !importing.has(h.organId)) {
          throw new DxError(
            'BAD_REQUEST',
            `${claimant.where}: code2020 ${h.code2020} already belongs to ${h.organId}`,
          );
        }
      }
    }
  }

  /**
   * Updates the batch's existing rows, then inserts the new ones (both under the registry lock, so no other
   * writer can slip between). Unchanged rows are left alone and keep their version, so re-importing a file
   * syncs nothing new. Per optional field: NULL in the arrays keeps the stored value, '' clears it.
   */
  private async upsertAgencies(
    em: EntityManager,
    rows: AgencyRecord[],
    version: string,
  ): Promise<{ created: number; updated: number }> {
    const opt = (k: 'code2020' | 'parentOrganId' | 'axisOrganId' | 'systemId' | 'email') =>
      rows.map((r) => (r[k] === undefined ? null : (r[k] ?? '')));
    const params = [
      rows.map((r) => r.organId),
      opt('code2020'),
      rows.map((r) => r.name),
      opt('parentOrganId'),
      opt('axisOrganId'),
      opt('systemId'),
      opt('email'),
      rows.map((r) => r.deleted ?? null),
      version,
    ];
    const input = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::boolean[]) AS u(organ_id, code_2020, name, parent_organ_id, axis_organ_id, system_id, email, deleted)`;
    const pick = (c: string) => `CASE WHEN u.${c} IS NULL THEN a.${c} ELSE NULLIF(u.${c}, '') END AS ${c}`;
    const [upd] = await em.query(
      `WITH n AS (
         SELECT a.organ_id, ${pick('code_2020')}, u.name, ${pick('parent_organ_id')}, ${pick('axis_organ_id')},
           ${pick('system_id')}, ${pick('email')}, coalesce(u.deleted, a.deleted) AS deleted
         FROM ${input} JOIN registry_agency a ON a.organ_id = u.organ_id),
       up AS (
         UPDATE registry_agency a SET code_2020 = n.code_2020, name = n.name, parent_organ_id = n.parent_organ_id,
           axis_organ_id = n.axis_organ_id, system_id = n.system_id, email = n.email, deleted = n.deleted,
           version = $9::bigint, updated_at = now()
         FROM n
         WHERE a.organ_id = n.organ_id
           AND (a.code_2020, a.name, a.parent_organ_id, a.axis_organ_id, a.system_id, a.email, a.deleted)
             IS DISTINCT FROM (n.code_2020, n.name, n.parent_organ_id, n.axis_organ_id, n.system_id, n.email,
               n.deleted)
         RETURNING 1)
       SELECT count(*)::int AS n FROM up`,
      params,
    );
    const [ins] = await em.query(
      `WITH ins AS (
         INSERT INTO registry_agency
           (organ_id, code_2020, name, parent_organ_id, axis_organ_id, system_id, email, deleted, version)
         SELECT u.organ_id, NULLIF(u.code_2020, ''), u.name, NULLIF(u.parent_organ_id, ''),
           NULLIF(u.axis_organ_id, ''), NULLIF(u.system_id, ''), NULLIF(u.email, ''), coalesce(u.deleted, false),
           $9::bigint
         FROM ${input}
         ON CONFLICT (organ_id) DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      params,
    );
    return { created: ins.n, updated: upd.n };
  }
}

/** The registered systems among `ids`, with their role. */
async function existingSystems(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
  const rows: { id: string; role: string }[] = await em.query(
    `SELECT system_id AS id, role FROM registry_system WHERE system_id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.role]));
}
