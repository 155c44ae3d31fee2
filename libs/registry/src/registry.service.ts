import { Inject, Injectable } from '@nestjs/common';
import {
  DxError,
  type AuthVerifyReply,
  type ImportRegistryReply,
  type ListAgenciesReply,
  type ResolveAgenciesReply,
  type UpsertSystemReply,
} from '#contracts';
import { DEFAULT_LIST_LIMIT } from './dto/requests.dto.js';
import { parseImport } from './registry.import.js';
import { RegistryRepository } from './registry.repository.js';
import type { ListQuery, SystemRecord } from './registry.types.js';
import type { RegistrySystemEntity } from '#store';
import { verifySignature } from '#contracts';
import { generateSecret, SecretBox } from './secret-box.js';

/**
 * The agency and system registry: who exists (both identifier forms), under which connected system, and the
 * systems' credentials. Inputs are expected to be validated already (the controller does it with the DTOs),
 * except import content, which this service parses and validates row by row.
 */
@Injectable()
export class RegistryService {
  /**
   * Systems and their agencies as every authenticated call needs them (two queries per gateway request
   * otherwise). Dropped on any write through this process; another registry process's write is seen within
   * AUTH_CACHE_MS.
   */
  private readonly authCache = new Map<string, { system: RegistrySystemEntity | null; at: number }>();
  private readonly principalCache = new Map<string, { reply: AuthVerifyReply; at: number }>();

  constructor(
    private readonly repo: RegistryRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  /**
   * Looks up recipients in one query (the routing hot path: a circular can name thousands). Unregistered,
   * malformed and deleted OrganIds come back in `unknown`, each once, in request order.
   */
  async resolve(organIds: string[]): Promise<ResolveAgenciesReply> {
    const wanted = [...new Set(organIds)];
    const agencies = await this.repo.findLive(wanted);
    const found = new Set(agencies.map((a) => a.organId));
    return { agencies, unknown: wanted.filter((id) => !found.has(id)) };
  }

  /** A page of agencies ordered by OrganId, deleted ones included, with the registry's current version. */
  list(q: Partial<ListQuery> = {}): Promise<ListAgenciesReply> {
    return this.repo.list({ ...q, limit: q.limit ?? DEFAULT_LIST_LIMIT });
  }

  /**
   * Checks a request signature made with the system's secret (the gateway checks the timestamp window).
   * Answers the OrganIds the system may send for.
   */
  async verify(req: { systemId: string; stringToSign: string; signature: string }): Promise<AuthVerifyReply> {
    const system = await this.findSystem(req.systemId);
    if (!system) throw new DxError('AUTH_UNKNOWN_SYSTEM', `unknown system ${req.systemId}`);
    let secret: string;
    try {
      secret = this.box.open(system.secretEnc, system.systemId);
    } catch {
      // Usually a changed DOCAXIS_MASTER_KEY: say so instead of failing every request as a bad signature.
      throw new DxError(
        'INTERNAL',
        `the stored secret of ${system.systemId} does not open with the master key`,
      );
    }
    if (!verifySignature(secret, req.stringToSign, req.signature)) {
      throw new DxError('AUTH_BAD_SIGNATURE');
    }
    return this.principalOf(system);
  }

  /**
   * The system a TLS client certificate names (the gateway has verified the certificate): its agencies,
   * role and auth mode. AUTH_UNKNOWN_SYSTEM when it is not registered.
   */
  async principal(systemId: string): Promise<AuthVerifyReply> {
    const system = await this.findSystem(systemId);
    if (!system) throw new DxError('AUTH_UNKNOWN_SYSTEM', `unknown system ${systemId}`);
    return this.principalOf(system);
  }

  private async findSystem(systemId: string): Promise<RegistrySystemEntity | null> {
    const hit = fresh(this.authCache.get(systemId));
    if (hit) return hit.system;
    const system = await this.repo.findSystem(systemId);
    remember(this.authCache, systemId, { system, at: Date.now() });
    return system;
  }

  private async principalOf(system: RegistrySystemEntity): Promise<AuthVerifyReply> {
    const hit = fresh(this.principalCache.get(system.systemId));
    if (hit) return hit.reply;
    // An archivist acts for no agency, whatever rows may still name it.
    const agencies = system.role === 'archivist' ? [] : await this.repo.systemAgencyIds(system.systemId);
    const reply: AuthVerifyReply = {
      systemId: system.systemId,
      agencies,
      role: system.role,
      auth: system.auth,
      signaturePolicy: system.signaturePolicy,
    };
    remember(this.principalCache, system.systemId, { reply, at: Date.now() });
    return reply;
  }

  /** A registry write: what the caches hold may change, also for reads that overlapped the write. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    this.forgetAuth();
    try {
      return await write();
    } finally {
      this.forgetAuth();
    }
  }

  private forgetAuth(): void {
    this.authCache.clear();
    this.principalCache.clear();
  }

  /**
   * Creates a system or renames it and replaces its secret (rotation). The clear secret is returned here,
   * once, and stored only sealed.
   */
  async upsertSystem(
    req: { systemId: string; name: string; secret?: string } & Pick<
      SystemRecord,
      'role' | 'auth' | 'signaturePolicy'
    >,
  ): Promise<UpsertSystemReply> {
    const secret = req.secret ?? generateSecret();
    await this.writing(() =>
      this.repo.upsertSystem(req.systemId, req.name, this.box.seal(secret, req.systemId), {
        role: req.role,
        auth: req.auth,
        signaturePolicy: req.signaturePolicy,
      }),
    );
    return { systemId: req.systemId, secret };
  }

  /** Imports CSV or JSON (see registry.import.ts) in one transaction: all rows or none. */
  async import(format: 'csv' | 'json', content: string): Promise<ImportRegistryReply> {
    const parsed = parseImport(format, content);
    return this.writing(() =>
      this.repo.importAll({
        systems: parsed.systems.map((s) => ({
          systemId: s.systemId,
          name: s.name,
          where: s.where,
          secretEnc: s.secret === null ? null : this.box.seal(s.secret, s.systemId),
          role: s.role,
          auth: s.auth,
          signaturePolicy: s.signaturePolicy,
        })),
        agencies: parsed.agencies,
      }),
    );
  }

  async isEmpty(): Promise<boolean> {
    return (await this.repo.countAgencies()) === 0;
  }

  currentVersion(): Promise<number> {
    return this.repo.currentVersion();
  }
}

/** How long a system's credentials and agencies are reused from memory (see RegistryService.authCache). */
export const AUTH_CACHE_MS = 2000;
/** Bounds the caches: past this many systems, they start over. */
const AUTH_CACHE_ENTRIES = 10_000;

const fresh = <T extends { at: number }>(e: T | undefined): T | undefined =>
  e && Date.now() - e.at < AUTH_CACHE_MS ? e : undefined;

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= AUTH_CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}
