import { DocaxisClient, type SentItem } from '#sdk-client';
import type { EdxmlStatusCode } from '#edxml';
import { sha256Hex } from '#contracts';
import type { HubState } from './hub.state.js';
import { buildDemoDocument, buildDemoStatus } from './demo-document.js';

/** Polls `probe` until it returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The demo `docaxis up` runs: A sends a document to B and C; both fetch it byte-identical and acknowledge it;
 * B answers 01 then 03, C answers 02 with a reason; A sees every status. Prints each step.
 */
export async function runDemoExchange(state: HubState, log: (line: string) => void): Promise<SentItem> {
  const [sysA, sysBC] = state.systems;
  const a = sysA.agencies[0];
  const [b, c] = sysBC.agencies;
  const clientA = new DocaxisClient({
    baseUrl: state.gatewayUrl,
    systemId: sysA.systemId,
    secret: sysA.secret,
  });
  const clientBC = new DocaxisClient({
    baseUrl: state.gatewayUrl,
    systemId: sysBC.systemId,
    secret: sysBC.secret,
  });

  const now = new Date();
  const { bytes, documentId } = buildDemoDocument({
    from: a,
    to: [b, c],
    codeNumber: String(now.getTime() % 1_000_000),
    codeNotation: 'UBND-VP',
    subject: 'V/v thử nghiệm liên thông văn bản điện tử (demo docaxis)',
    date: now,
  });
  log(`\n1. ${a.organId} sends ${documentId} (${bytes.length} bytes) to ${b.organId} and ${c.organId}`);
  const sent = await clientA.sendEdoc(bytes, { from: a.organId, messageType: 'edoc' });
  log(`   accepted: DocId ${sent.docId}`);

  for (const r of [b, c]) {
    const item = await eventually(
      async () =>
        (await clientBC.getReceivedEdocList({ messageType: 'edoc', agency: r.organId })).items.find(
          (i) => i.id === sent.docId,
        ),
      `${r.organId}'s inbox`,
    );
    const got = await clientBC.getEdoc(item.id);
    log(
      `2. ${r.organId} lists and fetches it: ${got.length} bytes, ${sha256Hex(got) === sha256Hex(bytes) ? 'byte-identical' : 'DIFFERENT!'}`,
    );
    await clientBC.updateStatus(item.id, 'done', r.organId);
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
    await clientBC.sendEdoc(status, { from, messageType: 'status' });
    log(`3. ${from} answers ${code}: ${description}`);
  };
  await reply(b.organId, '01', 'Đã đến', 1);
  await reply(b.organId, '03', 'Đã tiếp nhận, vào sổ văn bản đến', 2);
  await reply(c.organId, '02', 'Từ chối: văn bản không thuộc thẩm quyền xử lý', 1);

  const final = await eventually(async () => {
    const s = await clientA.findSent(sent.docId);
    const codes = s?.recipients.map((r) => `${r.to}:${r.businessStatus?.code}`).sort();
    return codes?.join() === [`${b.organId}:03`, `${c.organId}:02`].sort().join() ? s : null;
  }, 'the statuses to reach the sender');
  log(`4. ${a.organId} sees in getSentEdocList:`);
  for (const r of final.recipients) {
    log(
      `   ${r.to}  transport ${r.status.padEnd(8)} business ${r.businessStatus?.code} ${r.businessStatus?.meaning ?? ''} — ${r.businessStatus?.description ?? ''}`,
    );
  }
  const statusInbox = await clientA.getReceivedEdocList({ messageType: 'status', agency: a.organId });
  log(`5. ${a.organId}'s status inbox holds ${statusInbox.items.length} status package(s)`);
  return final;
}
