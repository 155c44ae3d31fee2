import type { MessageType } from '#contracts';
import type { DocaxisClient } from '#sdk-client';
import { toParentLinkError } from './link-errors.js';
import type {
  ParentAgencyPage,
  ParentInboxItem,
  ParentLink,
  ParentPackage,
  ParentSendInput,
} from './parent-link.js';

/** Page size of the list calls (the gateway's maximum). */
const PAGE = 1000;

/**
 * The SDK-HTTP driver: this axis is one connected system of the parent axis and uses the national SDK's calls
 * (sendEdoc, getReceivedEdocList, getEdoc, updateStatus, getAgenciesList), so the parent can be a docaxis in
 * the national role or the real national axis.
 */
export class SdkHttpParentLink implements ParentLink {
  constructor(private readonly client: DocaxisClient) {}

  async send(bytes: Uint8Array, input: ParentSendInput) {
    try {
      return await this.client.sendEdoc(bytes, input);
    } catch (e) {
      throw toParentLinkError(e, 'sendEdoc');
    }
  }

  async inbox(messageType: MessageType, maxItems: number): Promise<ParentInboxItem[]> {
    const out: ParentInboxItem[] = [];
    let after: string | undefined;
    try {
      do {
        const page = await this.client.getReceivedEdocList({ messageType, limit: PAGE, after });
        for (const i of page.items) out.push({ id: i.id, to: i.to, messageType: i.messageType });
        after = page.next;
      } while (after && out.length < maxItems);
    } catch (e) {
      throw toParentLinkError(e, 'getReceivedEdocList');
    }
    return out;
  }

  async fetch(id: string): Promise<ParentPackage> {
    try {
      const got = await this.client.fetchEdoc(id);
      return { content: got.content, trace: got.trace };
    } catch (e) {
      throw toParentLinkError(e, `getEdoc ${id}`);
    }
  }

  async acknowledge(id: string, status: 'done' | 'fail'): Promise<void> {
    try {
      await this.client.updateStatus(id, status);
    } catch (e) {
      throw toParentLinkError(e, `updateStatus ${id} ${status}`);
    }
  }

  async agencies(query: { sinceVersion: number; after?: string; limit: number }): Promise<ParentAgencyPage> {
    try {
      return await this.client.getAgenciesList(query);
    } catch (e) {
      throw toParentLinkError(e, 'getAgenciesList');
    }
  }
}
