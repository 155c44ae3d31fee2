import { Inject, Injectable, Logger } from '@nestjs/common';
import { DxError, MESSAGE_TYPES, type MessageType } from '#contracts';
import { EdxmlError } from '#edxml';
import { SubmissionService } from '#exchange';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { PARENT_LINK, ParentLinkError, type ParentInboxItem, type ParentLink } from './parent-link.js';

/** Most packages taken from the parent per poll (the rest come with the next one). */
const MAX_PER_POLL = 5000;

export interface InboundResult {
  injected: number;
  /** Refused here (invalid, conflicting DocumentId, ...) and acknowledged `fail` at the parent. */
  refused: number;
}

/** The parent lists a package once per agency of this axis it is for: one entry per package, all its agencies. */
export function groupInbox(items: readonly ParentInboxItem[]): { id: string; to: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const i of items) {
    const to = byId.get(i.id) ?? [];
    if (!to.includes(i.to)) to.push(i.to);
    byId.set(i.id, to);
  }
  return [...byId].map(([id, to]) => ({ id, to }));
}

/**
 * What the parent delivers for this axis's agencies comes in: listed, fetched with its hops, injected here as an
 * accepted package (the router then delivers it locally), and only then acknowledged `done` at the parent. A
 * crash in between leaves it in the parent's inbox; the next poll injects it again, which the idempotent
 * submission turns into the same DocId and no second delivery.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    @Inject(PARENT_LINK) private readonly link: ParentLink,
    @Inject(SubmissionService) private readonly submissions: SubmissionService,
    @Inject(CONNECTOR_OPTIONS) private readonly options: ConnectorOptions,
  ) {}

  /**
   * One pass over the parent's inbox, documents first (a status about a document in the same pass then finds
   * it). Throws on the first transient failure (parent unreachable, local bus or database down): what is not
   * acknowledged stays at the parent for the next poll.
   */
  async pollOnce(): Promise<InboundResult> {
    const result: InboundResult = { injected: 0, refused: 0 };
    for (const messageType of MESSAGE_TYPES) {
      const items = await this.link.inbox(messageType, MAX_PER_POLL);
      for (const { id, to } of groupInbox(items)) {
        const ok = await this.takeOne(id, messageType, to);
        if (ok) result.injected++;
        else result.refused++;
      }
    }
    return result;
  }

  private async takeOne(id: string, messageType: MessageType, to: string[]): Promise<boolean> {
    const pkg = await this.link.fetch(id);
    try {
      const accepted = await this.submissions.inject({
        body: pkg.content,
        messageType,
        originAxis: this.options.parentOrganId,
        trace: pkg.trace,
        to,
      });
      await this.link.acknowledge(id, 'done');
      this.logger.log(
        `${id} from ${this.options.parentOrganId} accepted as ${accepted.docId}` +
          `${accepted.duplicate ? ' (already here)' : ''} for ${to.join(', ')}`,
      );
      return true;
    } catch (e) {
      if (e instanceof ParentLinkError || (e instanceof DxError && e.transient)) throw e;
      if (!(e instanceof DxError) && !(e instanceof EdxmlError)) throw e;
      // This axis will never take it: say so to the parent rather than let it sit in the inbox forever.
      this.logger.error(`${id} from ${this.options.parentOrganId} refused here: ${e.code}: ${e.message}`);
      await this.link.acknowledge(id, 'fail');
      return false;
    }
  }
}
