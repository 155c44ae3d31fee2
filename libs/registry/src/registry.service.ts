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
    const system = await this.repo.findSystem(req.systemId);
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
    const system = await this.repo.findSystem(systemId);
    if (!system) throw new DxError('AUTH_UNKNOWN_SYSTEM', `unknown system ${systemId}`);
    return this.principalOf(system);
  }

  private async principalOf(system: RegistrySystemEntity): Promise<AuthVerifyReply> {
    // An archivist acts for no agency, whatever rows may still name it.
    const agencies = system.role === 'archivist' ? [] : await this.repo.systemAgencyIds(system.systemId);
    return {
      systemId: system.systemId,
      agencies,
      role: system.role,
      auth: system.auth,
      signaturePolicy: system.signaturePolicy,
    };
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
    await this.repo.upsertSystem(req.systemId, req.name, this.box.seal(secret, req.systemId), {
      role: req.role,
      auth: req.auth,
      signaturePolicy: req.signaturePolicy,
    });
    return { systemId: req.systemId, secret };
  }

  /** Imports CSV or JSON (see registry.import.ts) in one transaction: all rows or none. */
  async import(format: 'csv' | 'json', content: string): Promise<ImportRegistryReply> {
    const parsed = parseImport(format, content);
    return this.repo.importAll({
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
    });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.repo.countAgencies()) === 0;
  }

  currentVersion(): Promise<number> {
    return this.repo.currentVersion();
  }
}
