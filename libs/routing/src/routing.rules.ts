// Pure routing rules: who a package is for, read from the package and its accepted-package headers only.
// The service combines these intents with what the database and the registry know.
import { edxmlTimestampToDate, type EdxmlDocument, type EdxmlStatus } from '#edxml';
import type { AcceptedPackageMeta } from '#bus';
import type { RoutingOptions } from './routing.options.js';

/** BussinessDocType values that act on earlier documents (0 or absent = a new document). */
export type BusinessAction = 'revoke' | 'update' | 'replace';

export type RoutingIntent =
  /** A new document (BussinessDocType 0 or no Bussiness): To ∪ `to` header. */
  | { kind: 'new'; recipients: string[] }
  /**
   * Revoke / update / replace: the recipients of the referred documents plus `recipients` (To ∪ `to` header,
   * plus added receivers for an update and the ReplacementInfo OrganIds for a replacement).
   */
  | { kind: 'business'; action: BusinessAction; referredDocumentIds: string[]; recipients: string[] }
  /** A status about `originalDocumentId`, reported by `reporter` (the authenticated sender). */
  | {
      kind: 'status';
      reporter: string;
      originalDocumentId: string;
      /** ResponseFor.OrganId: the other party, the best guess of the original's sender. */
      counterpart: string;
      statusCode: string;
      description: string;
      /** The status Timestamp as an instant; null when it cannot be read (then acceptedAt is used). */
      timestamp: Date | null;
    };

const ACTIONS: Record<string, BusinessAction> = { '1': 'revoke', '2': 'update', '3': 'replace' };

/** ReceiverType 1 = a receiver added by an update (0 = removed). */
const RECEIVER_ADDED = '1';

/** Trimmed, non-empty, first occurrence kept: recipient lists from several sources are merged with this. */
export function uniqueIds(...lists: (readonly (string | undefined | null)[])[]): string[] {
  const seen = new Set<string>();
  for (const list of lists) {
    for (const raw of list) {
      const id = raw?.trim();
      if (id) seen.add(id);
    }
  }
  return [...seen];
}

export function toOrganIds(doc: EdxmlDocument): string[] {
  return uniqueIds((doc.MessageHeader.To ?? []).map((o) => o.OrganId));
}

export function documentIntent(doc: EdxmlDocument, meta: AcceptedPackageMeta): RoutingIntent {
  const direct = uniqueIds(toOrganIds(doc), meta.to);
  const business = doc.TraceHeaderList?.business;
  const action = ACTIONS[business?.BussinessDocType?.trim() ?? ''];
  if (!business || !action) return { kind: 'new', recipients: direct };

  // The official revocation sample names no Bussiness.DocumentId: a package that names no referred document
  // acts on the document that carries its own MessageHeader.DocumentId.
  const self = doc.MessageHeader.DocumentId?.trim() ?? '';
  let referred = uniqueIds([business.DocumentId]);
  let extra: string[] = [];
  if (action === 'update') {
    extra = (business.BussinessDocumentInfo?.ReceiverList ?? [])
      .filter((r) => r.ReceiverType?.trim() === RECEIVER_ADDED)
      .map((r) => r.OrganId ?? '');
  } else if (action === 'replace') {
    const infos = business.ReplacementInfoList ?? [];
    referred = uniqueIds(
      infos.map((i) => i.DocumentId),
      referred,
    );
    // OrganIdList names who holds the replaced document: they must get the replacement too.
    extra = infos.flatMap((i) => i.OrganIdList ?? []);
  }
  return {
    kind: 'business',
    action,
    referredDocumentIds: referred.length ? referred : uniqueIds([self]),
    recipients: uniqueIds(direct, extra),
  };
}

export function statusIntent(status: EdxmlStatus, meta: AcceptedPackageMeta): RoutingIntent {
  const h = status.MessageHeader;
  return {
    kind: 'status',
    // The gateway checked From.OrganId against the authenticated `from`; the latter is what we trust.
    reporter: meta.from,
    originalDocumentId: h.ResponseFor?.DocumentId?.trim() || meta.documentId,
    counterpart: h.ResponseFor?.OrganId?.trim() ?? '',
    statusCode: h.StatusCode?.trim() ?? '',
    description: h.Description?.trim() ?? '',
    timestamp: h.Timestamp ? edxmlTimestampToDate(h.Timestamp) : null,
  };
}

/** Every OrganId a package that failed validation could be meant for (header `to` first, then the XML). */
export function bestEffortRecipients(
  pkg: EdxmlDocument | EdxmlStatus | null,
  meta: AcceptedPackageMeta,
): string[] {
  if (!pkg) return uniqueIds(meta.to);
  if (pkg.kind === 'edoc') return uniqueIds(meta.to, toOrganIds(pkg));
  return uniqueIds(meta.to, [pkg.MessageHeader.ResponseFor?.OrganId]);
}

/**
 * Where a registered recipient's copy goes: `local` (an inbox of this hub), `outbound` (up to the parent axis,
 * through the connector) or `skip`. Only a provincial axis sends up, and only for an agency the registry places
 * on another axis. A package that came down from the parent (`injected`) never goes back up: its recipients on
 * other axes are the parent's business, so they get no row here at all. Without a parent link there is no
 * way up: `unroutable`, a per-recipient failure the sender sees.
 */
export function placement(
  agencyAxis: string | undefined,
  axis: Pick<RoutingOptions, 'axisRole' | 'axisOrganId' | 'hasParent'>,
  injected: boolean,
): 'local' | 'outbound' | 'skip' | 'unroutable' {
  if (axis.axisRole !== 'provincial' || !agencyAxis || agencyAxis === axis.axisOrganId) return 'local';
  if (injected) return 'skip';
  return axis.hasParent === false ? 'unroutable' : 'outbound';
}

/** The failure reason of an `unroutable` recipient. */
export const noRouteReason = (recipient: string, agencyAxis: string | undefined): string =>
  `Recipient ${recipient} is served by axis ${agencyAxis}, and this axis has no link to a parent axis (DOCAXIS_PARENT_URL)`;
