import { DocaxisClient, type ReceivedItem, type SentItem } from '#sdk-client';
import { parseEdxml, type EdxmlStatusCode } from '#edxml';
import { sha256Hex, type TraceHop } from '#contracts';
import { buildDemoDocument, buildDemoStatus } from './demo-document.js';
import { eventually } from './demo-exchange.js';
import { findAgency, type TopologyState } from './topology.state.js';
import { DEMO_MINISTRY } from './topology.plan.js';

const CROSS_AXIS_TIMEOUT_MS = 60_000;

/** The hops an axis lists beside a received package (the `trace` of getReceivedEdocList items). */
export function hopsOf(item: ReceivedItem): TraceHop[] {
  return (item as ReceivedItem & { trace?: TraceHop[] }).trace ?? [];
}

export const formatHops = (hops: TraceHop[]): string =>
  hops.length ? hops.map((h) => h.OrganId).join(' → ') : '(no hops listed)';

/** A signed client for the demo system that owns `organId`, at the axis it is connected to. */
export function topologyClient(
  state: TopologyState,
  organId: string,
): { client: DocaxisClient; axis: string } {
  const found = findAgency(state, organId);
  if (!found) throw new Error(`no axis of the topology serves ${organId}`);
  const client = new DocaxisClient({
    baseUrl: found.axis.gatewayUrl,
    systemId: found.system.systemId,
    secret: found.system.secret,
  });
  return { client, axis: found.axis.key };
}

/**
 * The demo `docaxis up --topology national+N` runs: an agency of the first province sends a document to an
 * agency of the second province (or of the same one, with one province) and to the ministry on the national
 * axis; both fetch it byte-identical and answer 01 and 03; the statuses travel back across the axes.
 */
export async function runTopologyDemo(state: TopologyState, log: (line: string) => void): Promise<SentItem> {
  const provinces = state.axes.filter((a) => a.role === 'provincial');
  const a = provinces[0].systems[0].agencies[0];
  const b = (provinces[1] ?? provinces[0]).systems[provinces[1] ? 0 : 1].agencies[0];
  const m = DEMO_MINISTRY.agencies[0];
  const sender = topologyClient(state, a.organId);

  const now = new Date();
  const { bytes, documentId } = buildDemoDocument({
    from: a,
    to: [b, m],
    codeNumber: String(now.getTime() % 1_000_000),
    codeNotation: 'UBND-VP',
    subject: 'V/v thử nghiệm liên thông văn bản giữa các trục (demo docaxis)',
    date: now,
  });
  log(`\n1. ${a.organId} sends ${documentId} (${bytes.length} bytes) at axis ${sender.axis}`);
  log(`   to ${b.organId} (axis ${topologyClient(state, b.organId).axis}) and ${m.organId} (axis national)`);
  const sent = await sender.client.sendEdoc(bytes, { from: a.organId, messageType: 'edoc' });
  log(`   accepted: DocId ${sent.docId}`);

  for (const r of [b, m]) {
    const { client, axis } = topologyClient(state, r.organId);
    const item = await eventually(
      async () =>
        (await client.getReceivedEdocList({ messageType: 'edoc', agency: r.organId })).items.find(
          (i) => i.documentId === documentId,
        ),
      `${r.organId}'s inbox at ${axis}`,
      CROSS_AXIS_TIMEOUT_MS,
    );
    const got = await client.getEdoc(item.id);
    log(
      `2. ${r.organId} receives it at axis ${axis}: ${got.length} bytes, ${sha256Hex(got) === sha256Hex(bytes) ? 'byte-identical' : 'DIFFERENT!'}; hops ${formatHops(hopsOf(item))}`,
    );
    await client.updateStatus(item.id, 'done', r.organId);
  }

  const reply = async (from: string, code: EdxmlStatusCode, description: string, offsetSeconds: number) => {
    const status = buildDemoStatus({
      from,
      sender: a.organId,
      documentId,
      code,
      description,
      at: new Date(now.getTime() + offsetSeconds * 1000),
    });
    await topologyClient(state, from).client.sendEdoc(status, { from, messageType: 'status' });
    log(`3. ${from} answers ${code}: ${description}`);
  };
  for (const r of [b, m]) {
    await reply(r.organId, '01', 'Đã đến', 1);
    await reply(r.organId, '03', 'Đã tiếp nhận, vào sổ văn bản đến', 2);
  }

  const final = await eventually(
    async () => {
      const s = await sender.client.findSent(sent.docId);
      const codes = s?.recipients.map((x) => `${x.to}:${x.businessStatus?.code}`).sort();
      return codes?.join() === [`${b.organId}:03`, `${m.organId}:03`].sort().join() ? s : null;
    },
    'the statuses to come back across the axes',
    CROSS_AXIS_TIMEOUT_MS,
  );
  log(`4. ${a.organId} sees in getSentEdocList:`);
  for (const r of final.recipients) {
    log(
      `   ${r.to}  transport ${r.status.padEnd(9)} business ${r.businessStatus?.code} ${r.businessStatus?.meaning ?? ''} — ${r.businessStatus?.description ?? ''}`,
    );
  }
  const statuses = (await sender.client.getReceivedEdocList({ messageType: 'status', agency: a.organId }))
    .items;
  log(`5. ${a.organId}'s status inbox:`);
  for (const s of statuses.filter((x) => x.documentId === documentId)) {
    const pkg = parseEdxml(await sender.client.getEdoc(s.id));
    const code = pkg.kind === 'status' ? pkg.MessageHeader.StatusCode : '?';
    log(`   ${code} from ${s.from}, hops ${formatHops(hopsOf(s))}`);
  }
  return final;
}
