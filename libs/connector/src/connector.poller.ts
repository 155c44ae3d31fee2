import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { InboundService } from './inbound.service.js';
import { RegistrySyncService } from './registry-sync.service.js';

const DEFAULT_SYNC_EVERY = 10;

/**
 * The connector's pull side: every pollMs, the parent's inbox for this axis (and, at start and every few polls,
 * the parent registry). One pass at a time; a failure is logged when the link changes state, not on every poll.
 */
@Injectable()
export class ConnectorPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectorPoller.name);
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastProblem: string | null = null;

  constructor(
    @Inject(InboundService) private readonly inbound: InboundService,
    @Inject(RegistrySyncService) private readonly registry: RegistrySyncService,
    @Inject(CONNECTOR_OPTIONS) private readonly options: ConnectorOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const syncEvery = this.options.registrySyncEvery ?? DEFAULT_SYNC_EVERY;
    let syncDue = true;
    for (let n = 0; !this.stopping; n++) {
      const problems: string[] = [];
      if (n % syncEvery === 0) syncDue = true;
      // A failed sync is retried at the next poll; it never holds the packages up.
      if (syncDue) {
        try {
          await this.registry.syncOnce();
          syncDue = false;
        } catch (e) {
          problems.push(`registry sync: ${(e as Error)?.message ?? String(e)}`);
        }
      }
      try {
        await this.inbound.pollOnce();
      } catch (e) {
        problems.push(`inbox: ${(e as Error)?.message ?? String(e)}`);
      }
      this.problem(problems.length ? problems.join('; ') : null);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private problem(text: string | null): void {
    if (text === this.lastProblem) return;
    if (text) this.logger.warn(`parent axis ${this.options.parentOrganId}: ${text}; retrying`);
    else if (this.lastProblem) this.logger.log(`parent axis ${this.options.parentOrganId} reachable again`);
    this.lastProblem = text;
  }
}
