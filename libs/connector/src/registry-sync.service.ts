import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { REQUESTS } from '#contracts';
import { NATS_CONNECTION, request } from '#bus';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { ConnectorStateRepository } from './connector-state.repository.js';
import { PARENT_LINK, type ParentLink } from './parent-link.js';
import { agenciesToImport } from './registry-sync.js';

/** connector_state key of the parent registry version this axis has synced up to. */
export const REGISTRY_VERSION_KEY = 'registry.version';
const PAGE = 1000;
const IMPORT_TIMEOUT_MS = 30_000;

export interface RegistrySyncResult {
  /** Parent version now synced up to. */
  version: number;
  /** Agencies listed by the parent since the previous sync, and how many of them were imported here. */
  listed: number;
  imported: number;
}

/**
 * Registry federation: the parent registry knows which axis owns each agency; this axis copies the agencies of
 * other axes incrementally (getAgenciesList with sinceVersion, page by page) into its own registry, so its
 * router can tell a remote recipient from an unknown one. Resumable: the version is stored only once every
 * page is imported, and it is the version of the first page, so nothing that changed meanwhile is skipped.
 */
@Injectable()
export class RegistrySyncService {
  private readonly logger = new Logger(RegistrySyncService.name);

  constructor(
    @Inject(PARENT_LINK) private readonly link: ParentLink,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ConnectorStateRepository) private readonly state: ConnectorStateRepository,
    @Inject(CONNECTOR_OPTIONS) private readonly options: ConnectorOptions,
  ) {}

  async syncOnce(): Promise<RegistrySyncResult> {
    const since = Number((await this.state.get(REGISTRY_VERSION_KEY)) ?? 0);
    let after: string | undefined;
    let version: number | undefined;
    let listed = 0;
    let imported = 0;
    do {
      const page = await this.link.agencies({ sinceVersion: since, after, limit: PAGE });
      version ??= page.version;
      listed += page.items.length;
      const agencies = agenciesToImport(page.items, this.options.axisOrganId, this.options.parentOrganId);
      if (agencies.length) {
        await request(
          this.nc,
          REQUESTS.registryImport.subject,
          { format: 'json', content: JSON.stringify({ agencies }) },
          IMPORT_TIMEOUT_MS,
        );
        imported += agencies.length;
      }
      after = page.next;
    } while (after);
    if (version !== undefined && version !== since) {
      await this.state.set(REGISTRY_VERSION_KEY, String(version));
    }
    if (listed) {
      this.logger.log(
        `registry synced from ${this.options.parentOrganId} up to version ${version}: ${listed} changed, ` +
          `${imported} of other axes imported`,
      );
    }
    return { version: version ?? since, listed, imported };
  }
}
