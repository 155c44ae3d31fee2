// The gateway end to end over HTTP, on real NATS JetStream and Postgres, with the real registry app answering
// its auth and agency requests. Deliveries and archived packages are inserted as the router and the archive
// would write them. The registry's request subjects are served by a queue group shared by every process on
// the test NATS server, and other files publish on the same streams: run the integration project --runInBand.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { NonceStore } from '#auth';
import { decodeTrace, HEADERS, STREAMS, packageAcceptedSubject, signedHeaders } from '#contracts';
import { buildStatus, parseEdxml, type EdxmlDocument } from '#edxml';
import { DocaxisClient, SDK_PATHS, type SdkAnswer } from '#sdk-client';
import { OPENAPI_JSON_PATH } from '../../apps/gateway/src/gateway.app.js';
import { badBase64, deeplyNested, hugeSubject, invalidUtf8, manyRecipients } from '../support/hostile.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { failure } from '../support/failure.js';
import { importRegistry, listenGateway, startAuthHub, type AuthHub } from '../support/auth-hub.js';

// scripts/dx-curl.sh, the reference signer, needs curl and openssl (sha256sum is coreutils).
const HAVE_CURL_TOOLS = ['curl', 'openssl'].every((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

const SAMPLES = path.resolve(process.cwd(), '../shared/conformance/edxml/vpcp-sdk');
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

const EDOC = sample('edoc_new.edxml'); // From K19, To H19
const DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';
// Same DocumentId, other content: a changed document re-sent without a new DocumentId.
const EDOC_CHANGED = Buffer.from(
  EDOC.toString('utf8').replace(/<edXML:Subject>[^<]*</, '<edXML:Subject>Nội dung đã sửa<'),
  'utf8',
);
const STATUS = sample('status_acceptance_03.edxml'); // From H41 about G22's document
const MALFORMED = sample('edoc_2803_malformed.edxml');

const K19 = '000.00.00.K19';
const K19_2 = '000.00.01.K19';
const H19 = '000.00.50.H19';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
// Unique per run: the stream is shared by every file and run on the test NATS server.
const run = randomBytes(3).toString('hex');
const SYS_A = `gw-a-${run}`; // sends as K19
const SYS_B = `gw-b-${run}`; // receives as H19, sends statuses as H41
const SYS_C = `gw-c-${run}`; // unrelated
const SECRET = {
  A: `secret-a-${randomBytes(12).toString('hex')}`,
  B: `secret-b-${randomBytes(12).toString('hex')}`,
  C: `secret-c-${randomBytes(12).toString('hex')}`,
};
const MAX_PACKAGE_BYTES = 1024 * 1024;
const AXIS = '000.00.00.H41'; // this gateway's axis: the hop it appends to every trace

interface StreamMsg {
  seq: number;
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

describe('gateway (SDK HTTP API)', () => {
  let hub: AuthHub;
  let gateway: NestExpressApplication;
  let jsm: JetStreamManager;
  let ds: DataSource;
  let base: string;
  let a: DocaxisClient;
  let b: DocaxisClient;
  let c: DocaxisClient;
  let docId: string; // the accepted edoc

  const client = (
    systemId: string,
    secret: string,
    over: Partial<ConstructorParameters<typeof DocaxisClient>[0]> = {},
  ) => new DocaxisClient({ baseUrl: base, systemId, secret, ...over });

  /** Messages of this run's systems on a stream after `fromSeq` (other files' messages are skipped). */
  async function streamMessages(stream: string, fromSeq: number): Promise<StreamMsg[]> {
    const info = await jsm.streams.info(stream);
    const out: StreamMsg[] = [];
    for (let seq = Math.max(fromSeq + 1, info.state.first_seq); seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!m) continue;
      const headers: Record<string, string> = {};
      for (const k of m.header?.keys() ?? []) headers[k] = m.header.get(k);
      out.push({ seq, subject: m.subject, headers, data: m.data });
    }
    return out;
  }
  const lastSeq = async (stream: string): Promise<number> => (await jsm.streams.info(stream)).state.last_seq;
  const ourPackages = async (fromSeq = 0): Promise<StreamMsg[]> =>
    (await streamMessages(STREAMS.packages.name, fromSeq)).filter((m) =>
      [SYS_A, SYS_B, SYS_C].includes(m.headers[HEADERS.systemId]),
    );
  const submissionCount = async (): Promise<number> =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM submission`))[0].n);

  /** What the router and the archive write for a package: one delivery per recipient and the archived bytes. */
  async function deliverAndArchive(
    id: string,
    bytes: Buffer,
    from: string,
    recipients: string[],
  ): Promise<void> {
    for (const r of recipients) {
      await ds.query(
        `INSERT INTO delivery (doc_id, message_type, sender_organ_id, recipient_organ_id, state)
         VALUES ($1, 'edoc', $2, $3, 'pending')`,
        [id, from, r],
      );
    }
    await archive(id, bytes, from);
  }
  async function archive(id: string, bytes: Buffer, from: string): Promise<void> {
    await ds.query(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
         metadata, accepted_at)
       VALUES ($1, 'edoc', $2, $3, $4, $5, $6, '{}'::jsonb, now())`,
      [id, from, sha(bytes), bytes.length, bytes, DOCUMENT_ID],
    );
  }

  beforeAll(async () => {
    hub = await startAuthHub(
      'gateway',
      {
        systems: [
          { systemId: SYS_A, name: 'System A', secret: SECRET.A },
          { systemId: SYS_B, name: 'System B', secret: SECRET.B },
          { systemId: SYS_C, name: 'System C', secret: SECRET.C },
        ],
        agencies: [
          { organId: K19, name: 'Sender agency', systemId: SYS_A },
          { organId: K19_2, name: 'Second agency of A', systemId: SYS_A },
          { organId: H19, name: 'Receiving agency', systemId: SYS_B },
          { organId: H41, name: 'Status sender', systemId: SYS_B },
          { organId: H14, name: 'Unrelated agency', systemId: SYS_C },
        ],
      },
      AXIS,
    );
    ds = hub.ds;
    jsm = await jetstreamManager(hub.nc);
    // Its own gateway rather than hub.gateway(): some tests reach into the app (its NonceStore).
    ({ app: gateway, url: base } = await listenGateway({
      databaseUrl: hub.db.url,
      maxPackageBytes: MAX_PACKAGE_BYTES,
      axisOrganId: AXIS,
    }));
    a = client(SYS_A, SECRET.A);
    b = client(SYS_B, SECRET.B);
    c = client(SYS_C, SECRET.C);
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    await hub?.close();
  }, 30_000);

  describe('authentication', () => {
    it('refuses an unsigned call with 401 AUTH_MISSING', async () => {
      const res = await fetch(`${base}${SDK_PATHS.getReceivedEdocList}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ status: 'FAIL', ErrorCode: 'AUTH_MISSING' });
    });

    it('refuses a wrong secret with AUTH_BAD_SIGNATURE and an unknown system with AUTH_UNKNOWN_SYSTEM', async () => {
      const bad = await failure(client(SYS_A, SECRET.B).getReceivedEdocList());
      expect(bad).toMatchObject({ code: 'AUTH_BAD_SIGNATURE', httpStatus: 401 });
      const unknown = await failure(client(`nobody-${run}`, SECRET.A).getReceivedEdocList());
      expect(unknown).toMatchObject({ code: 'AUTH_UNKNOWN_SYSTEM', httpStatus: 401 });
    });

    it('covers the body: a body other than the signed one is AUTH_BAD_SIGNATURE', async () => {
      const signed = JSON.stringify({ messagetype: 'edoc' });
      const res = await fetch(`${base}${SDK_PATHS.getReceivedEdocList}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(SYS_B, SECRET.B, {
            method: 'POST',
            path: SDK_PATHS.getReceivedEdocList,
            body: signed,
          }),
        },
        body: JSON.stringify({ messagetype: 'status' }),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as SdkAnswer).ErrorCode).toBe('AUTH_BAD_SIGNATURE');
    });

    it('refuses a timestamp outside the window with AUTH_STALE_TIMESTAMP', async () => {
      const stale = client(SYS_A, SECRET.A, { now: () => Date.now() - 3600_000 });
      expect(await failure(stale.getReceivedEdocList())).toMatchObject({
        code: 'AUTH_STALE_TIMESTAMP',
        httpStatus: 401,
      });
    });

    /** A new package and the headers of one signed sendEdoc of it (one nonce). */
    const signedSend = () => {
      const body = documentBytes(K19, [H19], nextDocumentId(K19));
      const headers = {
        from: K19,
        servicetype: 'eDoc',
        messagetype: 'edoc',
        'hash-file': sha(body),
        ...signedHeaders(SYS_A, SECRET.A, { method: 'POST', path: SDK_PATHS.sendEdoc, body }),
      };
      return { body, headers };
    };

    it('refuses the same signed request sent twice with 401 AUTH_REPLAYED, and stores it once', async () => {
      const { body, headers } = signedSend();
      const send = () => fetch(`${base}${SDK_PATHS.sendEdoc}`, { method: 'POST', headers, body });
      const seq = await lastSeq(STREAMS.packages.name);
      const before = await submissionCount();
      const first = await send();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ status: 'OK' });
      const again = await send();
      expect(again.status).toBe(401);
      expect(await again.json()).toMatchObject({ status: 'FAIL', ErrorCode: 'AUTH_REPLAYED' });
      expect(await submissionCount()).toBe(before + 1);
      expect(await ourPackages(seq)).toHaveLength(1);
      const nonces = await ds.query(`SELECT system_id FROM auth_nonce WHERE nonce = $1`, [
        headers['x-dx-nonce'],
      ]);
      expect(nonces).toEqual([{ system_id: SYS_A }]);
    });

    it('accepts exactly one of several requests racing with the same nonce (one INSERT for all of them)', async () => {
      const { body, headers } = signedSend();
      const before = await submissionCount();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`${base}${SDK_PATHS.sendEdoc}`, { method: 'POST', headers, body }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
      for (const r of answers.filter((x) => x.status === 401)) {
        expect(await r.json()).toMatchObject({ ErrorCode: 'AUTH_REPLAYED' });
      }
      expect(await submissionCount()).toBe(before + 1);
    });

    it('keeps nonces per system, and a replay stays refused after a fresh request', async () => {
      const nonce = `shared-${randomBytes(12).toString('hex')}`;
      const signedCall = (systemId: string, secret: string) => {
        const body = JSON.stringify({ messagetype: 'edoc' });
        return fetch(`${base}${SDK_PATHS.getReceivedEdocList}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signedHeaders(systemId, secret, {
              method: 'POST',
              path: SDK_PATHS.getReceivedEdocList,
              body,
              nonce,
            }),
          },
          body,
        });
      };
      expect((await signedCall(SYS_B, SECRET.B)).status).toBe(200);
      expect((await signedCall(SYS_C, SECRET.C)).status).toBe(200); // same nonce, other system
      expect((await b.getReceivedEdocList()).items).toBeDefined(); // fresh nonce: accepted
      const replay = await signedCall(SYS_B, SECRET.B);
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as SdkAnswer).ErrorCode).toBe('AUTH_REPLAYED');
    });

    it('refuses a request without x-dx-nonce with AUTH_MISSING, and a malformed one', async () => {
      const body = JSON.stringify({ messagetype: 'edoc' });
      const signed = signedHeaders(SYS_B, SECRET.B, {
        method: 'POST',
        path: SDK_PATHS.getReceivedEdocList,
        body,
      });
      const { 'x-dx-nonce': _, ...noNonce } = signed;
      const post = (headers: Record<string, string>) =>
        fetch(`${base}${SDK_PATHS.getReceivedEdocList}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const missing = await post(noNonce);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ status: 'FAIL', ErrorCode: 'AUTH_MISSING' });
      expect(((await (await post(noNonce)).json()) as SdkAnswer).ErrorDesc).toMatch(/x-dx-nonce/);
      const malformed = await post({ ...signed, 'x-dx-nonce': 'short' });
      expect(malformed.status).toBe(401);
      expect(((await malformed.json()) as SdkAnswer).ErrorCode).toBe('AUTH_BAD_SIGNATURE');
      // The nonce is covered by the signature: another nonce under the same signature does not verify.
      const swapped = await post({ ...signed, 'x-dx-nonce': `other-${randomBytes(12).toString('hex')}` });
      expect(((await swapped.json()) as SdkAnswer).ErrorCode).toBe('AUTH_BAD_SIGNATURE');
    });

    it('purges nonces older than twice the window, and only those', async () => {
      const old = `old-${randomBytes(12).toString('hex')}`;
      const recent = `recent-${randomBytes(12).toString('hex')}`;
      await ds.query(
        `INSERT INTO auth_nonce (system_id, nonce, seen_at)
         VALUES ($1, $2, now() - interval '601 seconds'), ($1, $3, now() - interval '599 seconds')`,
        [SYS_C, old, recent],
      );
      expect(await gateway.get(NonceStore).purge()).toBeGreaterThanOrEqual(1);
      const left = await ds.query(`SELECT nonce FROM auth_nonce WHERE nonce IN ($1, $2)`, [old, recent]);
      expect(left).toEqual([{ nonce: recent }]);
    });

    (HAVE_CURL_TOOLS ? it : it.skip)('accepts what scripts/dx-curl.sh signs (with its nonce)', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'dx-curl-'));
      const q = path.join(dir, 'q.json');
      writeFileSync(q, JSON.stringify({ limit: 5 }));
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          'bash',
          ['scripts/dx-curl.sh', SDK_PATHS.getAgenciesList, q, '-H', 'content-type: application/json'],
          { env: { ...process.env, DX_URL: base, DX_SYSTEM: SYS_A, DX_SECRET: SECRET.A } },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      );
      expect(JSON.parse(out)).toMatchObject({ status: 'OK', ErrorCode: '0' });
    });

    it('serves /health without a signature', async () => {
      expect(await a.health()).toEqual({
        status: 'OK',
        ErrorCode: '0',
        ErrorDesc: '',
        data: { nats: 'up', database: 'up' },
      });
    });
  });

  describe('sendEdoc', () => {
    const sendHeaders = (over: Record<string, string> = {}) => ({
      from: K19,
      servicetype: 'eDoc',
      messagetype: 'edoc',
      'hash-file': sha(EDOC),
      ...over,
    });

    it('refuses a hash-file that does not match the body (HASH_MISMATCH) or a missing one (HASH_MISSING)', async () => {
      const mismatch = await a.call(SDK_PATHS.sendEdoc, {
        body: EDOC,
        headers: sendHeaders({ 'hash-file': sha('x') }),
      });
      expect(mismatch.httpStatus).toBe(400);
      expect(mismatch.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'HASH_MISMATCH' });
      const { 'hash-file': _, ...noHash } = sendHeaders();
      const missing = await a.call(SDK_PATHS.sendEdoc, { body: EDOC, headers: noHash });
      expect(missing.answer).toMatchObject({ ErrorCode: 'HASH_MISSING' });
    });

    it("refuses to send for another system's agency (FORBIDDEN_SENDER)", async () => {
      const e = await failure(b.sendEdoc(EDOC, { from: K19, messageType: 'edoc' }));
      expect(e).toMatchObject({ code: 'FORBIDDEN_SENDER', httpStatus: 403 });
    });

    it('refuses a body above the limit with 413 PAYLOAD_TOO_LARGE before reading it', async () => {
      const big = Buffer.alloc(MAX_PACKAGE_BYTES + 1, 0x20);
      const r = await a.call(SDK_PATHS.sendEdoc, {
        body: big,
        headers: sendHeaders({ 'hash-file': sha(big) }),
      });
      expect(r.httpStatus).toBe(413);
      expect(r.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'PAYLOAD_TOO_LARGE' });
    });

    it('refuses a malformed package with EDXML_MALFORMED and stores nothing', async () => {
      const seq = await lastSeq(STREAMS.packages.name);
      const before = await submissionCount();
      const e = await failure(a.sendEdoc(MALFORMED, { from: K19, messageType: 'edoc' }));
      expect(e).toMatchObject({ code: 'EDXML_MALFORMED', httpStatus: 400 });
      expect(e.message.length).toBeGreaterThan(10);
      expect(await submissionCount()).toBe(before);
      expect(await ourPackages(seq)).toEqual([]);
    });

    it('refuses hostile packages with their stable code, before anything is stored or published', async () => {
      const DOCTYPE = Buffer.from(
        EDOC.toString('utf8').replace('<edXML:edXML', '<!DOCTYPE x [<!ENTITY a "a">]><edXML:edXML'),
      );
      const cases: { name: string; body: Buffer; code: string; status: number; desc?: RegExp }[] = [
        { name: 'nesting deeper than 64', body: deeplyNested(70), code: 'EDXML_TOO_DEEP', status: 400 },
        { name: 'a Subject over 64 KiB', body: hugeSubject(), code: 'EDXML_FIELD_TOO_LARGE', status: 400 },
        {
          name: '1001 To recipients',
          body: manyRecipients(1001),
          code: 'EDXML_FIELD_TOO_LARGE',
          status: 400,
        },
        { name: 'invalid UTF-8', body: invalidUtf8(), code: 'EDXML_ENCODING', status: 400 },
        // The validator reports the attachment as an EDXML_BASE64 issue inside the EDXML_INVALID answer.
        {
          name: 'bad base64',
          body: badBase64(),
          code: 'EDXML_INVALID',
          status: 400,
          desc: /not valid base64/,
        },
        { name: 'a DOCTYPE', body: DOCTYPE, code: 'EDXML_DOCTYPE_FORBIDDEN', status: 400 },
        {
          name: 'a body over the limit',
          body: Buffer.alloc(MAX_PACKAGE_BYTES + 1, 0x20),
          code: 'PAYLOAD_TOO_LARGE',
          status: 413,
        },
      ];
      expect(DOCTYPE.toString('utf8')).toContain('<!DOCTYPE');
      const seq = await lastSeq(STREAMS.packages.name);
      const before = await submissionCount();
      for (const c of cases) {
        const r = await a.call(SDK_PATHS.sendEdoc, {
          body: c.body,
          headers: sendHeaders({ 'hash-file': sha(c.body) }),
        });
        expect({ name: c.name, status: r.httpStatus, code: r.answer.ErrorCode }).toEqual({
          name: c.name,
          status: c.status,
          code: c.code,
        });
        if (c.desc) expect(r.answer.ErrorDesc).toMatch(c.desc);
      }
      // A to header that names no agency, another system's sender, a wrong hash: refused the same way.
      const others = [
        await a.call(SDK_PATHS.sendEdoc, { body: EDOC, headers: sendHeaders({ to: 'not-an-organid' }) }),
        await b.call(SDK_PATHS.sendEdoc, { body: EDOC, headers: sendHeaders() }),
        await a.call(SDK_PATHS.sendEdoc, { body: EDOC, headers: sendHeaders({ 'hash-file': sha('x') }) }),
      ];
      expect(others.map((r) => r.answer.ErrorCode)).toEqual([
        'BAD_REQUEST',
        'FORBIDDEN_SENDER',
        'HASH_MISMATCH',
      ]);
      expect(await submissionCount()).toBe(before);
      expect(await ourPackages(seq)).toEqual([]);
    });

    it('refuses a package whose kind is not the messagetype, or whose sender is not from', async () => {
      expect(await failure(b.sendEdoc(STATUS, { from: H41, messageType: 'edoc' }))).toMatchObject({
        code: 'MESSAGE_TYPE_MISMATCH',
      });
      const r = await a.call(SDK_PATHS.sendEdoc, { body: EDOC, headers: sendHeaders({ from: K19_2 }) });
      expect(r.answer).toMatchObject({ ErrorCode: 'FROM_MISMATCH' });
    });

    it('accepts a valid package: one message on dx.pkg.accepted.edoc with its headers and exact bytes', async () => {
      const seq = await lastSeq(STREAMS.packages.name);
      const r = await a.sendEdoc(EDOC, { from: K19, messageType: 'edoc', to: [H19] });
      expect(r.duplicate).toBe(false);
      expect(r.docId).toMatch(/^[0-9a-f-]{36}$/);
      docId = r.docId;

      const msgs = await ourPackages(seq);
      expect(msgs).toHaveLength(1);
      const m = msgs[0];
      expect(m.subject).toBe(packageAcceptedSubject('edoc'));
      expect(Buffer.from(m.data).equals(EDOC)).toBe(true);
      expect(m.headers).toMatchObject({
        [HEADERS.msgId]: docId,
        [HEADERS.docId]: docId,
        [HEADERS.messageType]: 'edoc',
        [HEADERS.from]: K19,
        [HEADERS.to]: H19,
        [HEADERS.sha256]: sha(EDOC),
        [HEADERS.systemId]: SYS_A,
        [HEADERS.serviceType]: 'eDoc',
      });
      expect(decodeURIComponent(m.headers[HEADERS.documentId])).toBe(DOCUMENT_ID);
      expect(Number.isNaN(Date.parse(m.headers[HEADERS.acceptedAt]))).toBe(false);
      // This axis's hop, beside the bytes.
      const trace = decodeTrace(m.headers[HEADERS.trace]);
      expect(trace).toEqual([
        { OrganId: AXIS, Timestamp: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/) },
      ]);

      const [row] = await ds.query(
        `SELECT document_key, published_at, to_header, trace, origin_axis FROM submission WHERE doc_id = $1`,
        [docId],
      );
      expect(row.document_key).toBe(DOCUMENT_ID);
      expect(row.published_at).not.toBeNull();
      expect(row.to_header).toEqual([H19]);
      expect(row.trace).toEqual(trace);
      expect(row.origin_axis).toBeNull();
    });

    it('appends its hop to the hops a forwarding axis sends in x-dx-trace, and refuses a bad one', async () => {
      const status = buildStatus({
        from: { OrganId: H41 },
        responseFor: { OrganId: K19, DocumentId: DOCUMENT_ID },
        statusCode: '01',
        description: 'Đã đến',
        timestamp: new Date(),
      });
      const earlier = { OrganId: H14, Timestamp: '2026/11/23 09:00:00' };
      const seq = await lastSeq(STREAMS.packages.name);
      const r = await b.sendEdoc(status, { from: H41, messageType: 'status', trace: [earlier] });
      const [m] = (await ourPackages(seq)).filter((x) => x.headers[HEADERS.docId] === r.docId);
      expect(decodeTrace(m.headers[HEADERS.trace])).toEqual([
        earlier,
        { OrganId: AXIS, Timestamp: expect.any(String) },
      ]);

      const bad = await b.call(SDK_PATHS.sendEdoc, {
        body: status,
        headers: {
          from: H41,
          messagetype: 'status',
          'hash-file': sha(status),
          'x-dx-trace': encodeURIComponent('[{"OrganId":"not an id","Timestamp":"2026/11/23 09:00:00"}]'),
        },
      });
      expect(bad.httpStatus).toBe(400);
      expect(bad.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'BAD_REQUEST' });
      expect((bad.answer as { ErrorDesc: string }).ErrorDesc).toContain('x-dx-trace');
    });

    it('answers the same DocId for the same package again, without a second message', async () => {
      const seq = await lastSeq(STREAMS.packages.name);
      const before = await submissionCount();
      const r = await a.sendEdoc(EDOC, { from: K19, messageType: 'edoc', to: [H19] });
      expect(r).toMatchObject({ docId, duplicate: true });
      expect(await submissionCount()).toBe(before);
      expect(await ourPackages(seq)).toEqual([]);
      expect((await ourPackages()).filter((m) => m.headers[HEADERS.docId] === docId)).toHaveLength(1);
    });

    it('answers identical sends racing each other with one DocId and one message', async () => {
      const body = documentBytes(K19, [H19], nextDocumentId(K19));
      const seq = await lastSeq(STREAMS.packages.name);
      const before = await submissionCount();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => a.sendEdoc(body, { from: K19, messageType: 'edoc', to: [H19] })),
      );
      expect(new Set(answers.map((r) => r.docId)).size).toBe(1);
      expect(answers.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await submissionCount()).toBe(before + 1);
      const [{ published }] = await ds.query(
        `SELECT published_at IS NOT NULL AS published FROM submission WHERE doc_id = $1`,
        [answers[0].docId],
      );
      expect(published).toBe(true);
      expect(await ourPackages(seq)).toHaveLength(1);
    });

    it('refuses the same DocumentId with other content: 409 DUPLICATE_DOCUMENT_ID naming both ids', async () => {
      const e = await failure(a.sendEdoc(EDOC_CHANGED, { from: K19, messageType: 'edoc' }));
      expect(e).toMatchObject({ code: 'DUPLICATE_DOCUMENT_ID', httpStatus: 409 });
      expect(e.message).toContain(DOCUMENT_ID);
      expect(e.message).toContain(docId);
      const [row] = await ds.query(`SELECT sha256 FROM submission WHERE doc_id = $1`, [docId]);
      expect(row.sha256).toBe(sha(EDOC));
    });

    it('completes a send that was recorded but never published (a crash between insert and publish)', async () => {
      // The row a crashed gateway leaves behind: recorded, published_at null, nothing on the stream.
      const crashed = randomUUID();
      await ds.query(
        `INSERT INTO submission (doc_id, message_type, sender_organ_id, system_id, document_key, document_id, sha256,
           size_bytes, to_header)
         VALUES ($1, 'status', $2, $3, $4, $5, $6, $7, '{}')`,
        [
          crashed,
          H41,
          SYS_B,
          `${DOCUMENT_ID}|03|2015/09/20 11:08:36`,
          DOCUMENT_ID,
          sha(STATUS),
          STATUS.length,
        ],
      );
      const seq = await lastSeq(STREAMS.packages.name);
      const r = await b.sendEdoc(STATUS, { from: H41, messageType: 'status' });
      expect(r).toMatchObject({ docId: crashed, duplicate: true });
      const msgs = await ourPackages(seq);
      expect(msgs.map((m) => [m.subject, m.headers[HEADERS.docId]])).toEqual([
        [packageAcceptedSubject('status'), crashed],
      ]);
      expect(Buffer.from(msgs[0].data).equals(STATUS)).toBe(true);
      const [row] = await ds.query(`SELECT published_at FROM submission WHERE doc_id = $1`, [crashed]);
      expect(row.published_at).not.toBeNull();
    });
  });

  describe('receiving', () => {
    beforeAll(async () => {
      // Not yet archived: not listed (every listed DocId must be fetchable).
      await ds.query(
        `INSERT INTO delivery (doc_id, message_type, sender_organ_id, recipient_organ_id, state)
         VALUES ($1, 'edoc', $2, $3, 'pending')`,
        [docId, K19, H19],
      );
      expect((await b.getReceivedEdocList()).items).toEqual([]);
      await archive(docId, EDOC, K19);
    });

    it("lists the package in the recipient system's inbox only", async () => {
      const page = await b.getReceivedEdocList({ messageType: 'edoc' });
      expect(page.next).toBeUndefined();
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        id: docId,
        from: K19,
        to: H19,
        serviceType: 'eDoc',
        messageType: 'edoc',
        status: 'pending',
        contentSha256: sha(EDOC),
        contentLength: EDOC.length,
        documentId: DOCUMENT_ID,
      });
      expect(Number.isNaN(Date.parse(page.items[0].created_time))).toBe(false);
      expect((await b.getReceivedEdocList({ messageType: 'status' })).items).toEqual([]);
      expect((await a.getReceivedEdocList()).items).toEqual([]);
      expect(await failure(b.getReceivedEdocList({ agency: K19 }))).toMatchObject({
        code: 'FORBIDDEN_AGENCY',
      });
    });

    it('pages the inbox by delivery id', async () => {
      // A second package to both of B's agencies.
      const other = randomUUID();
      await ds.query(
        `INSERT INTO submission (doc_id, message_type, sender_organ_id, system_id, document_key, document_id, sha256,
           size_bytes, published_at)
         VALUES ($1, 'edoc', $2, $3, $4, $5, $6, $7, now())`,
        [other, K19_2, SYS_A, `paging-${other}`, DOCUMENT_ID, sha(EDOC), EDOC.length],
      );
      await deliverAndArchive(other, EDOC, K19_2, [H19, H41]);
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await b.getReceivedEdocList({ limit: 2, after });
        seen.push(...page.items.map((i) => `${i.id}>${i.to}`));
        after = page.next;
        pages++;
      } while (after && pages < 10);
      expect(pages).toBe(2);
      expect(seen).toEqual([`${docId}>${H19}`, `${other}>${H19}`, `${other}>${H41}`]);
    });

    it('serves the original bytes to the recipient and the sender, as base64 or raw', async () => {
      expect((await b.getEdoc(docId, { base64: true })).equals(EDOC)).toBe(true);
      expect((await b.getEdoc(docId)).equals(EDOC)).toBe(true);
      expect((await a.getEdoc(docId)).equals(EDOC)).toBe(true);
      const raw = await b.call<{ docId: string; content: string; sha256: string }>(SDK_PATHS.getEdoc, {
        body: { docId },
      });
      expect(raw.answer).toMatchObject({ status: 'OK', data: { docId, sha256: sha(EDOC) } });
    });

    it('serves the hops beside the bytes, and a traced copy that is not the original on request', async () => {
      const hops = [
        { OrganId: H14, Timestamp: '2026/11/23 09:00:00' },
        { OrganId: AXIS, Timestamp: '2026/11/23 09:00:01' },
      ];
      await ds.query(`UPDATE archived_package SET trace = $2::jsonb WHERE doc_id = $1`, [
        docId,
        JSON.stringify(hops),
      ]);
      const listed = (await b.getReceivedEdocList({ agency: H19 })).items.find((i) => i.id === docId);
      expect(listed?.trace).toEqual(hops);
      for (const base64 of [false, true]) {
        const original = await b.fetchEdoc(docId, { base64 });
        expect(original).toMatchObject({ docId, trace: hops, view: 'original', sha256: sha(EDOC) });
        expect(original.content.equals(EDOC)).toBe(true);
        const traced = await b.fetchEdoc(docId, { base64, view: 'traced' });
        expect(traced).toMatchObject({ trace: hops, view: 'traced' });
        expect(traced.content.equals(EDOC)).toBe(false);
        const inside = (parseEdxml(traced.content) as EdxmlDocument).TraceHeaderList!.traces.map((t) => ({
          ...t,
        }));
        expect(inside.slice(-2)).toEqual(hops);
      }
      const junk = await b.call(SDK_PATHS.getEdoc, { body: { docId, view: 'pretty' } });
      expect(junk.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'BAD_REQUEST' });
    });

    it('answers DOC_NOT_FOUND to another system, and for an unknown DocId', async () => {
      expect(await failure(c.getEdoc(docId))).toMatchObject({ code: 'DOC_NOT_FOUND', httpStatus: 404 });
      expect(await failure(b.getEdoc(randomUUID()))).toMatchObject({
        code: 'DOC_NOT_FOUND',
        httpStatus: 404,
      });
      expect(await failure(b.getEdoc('not-a-doc-id'))).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
      });
    });

    it('acknowledges: processing keeps it listed, done removes it and is final; each publishes an event', async () => {
      const seq = await lastSeq(STREAMS.events.name);
      const processing = await b.updateStatus(docId, 'processing', H19);
      expect(processing).toMatchObject([{ docId, agency: H19, status: 'processing' }]);
      const listed = (await b.getReceivedEdocList({ agency: H19 })).items.find((i) => i.id === docId);
      expect(listed?.status).toBe('processing');

      expect(await b.updateStatus(docId, 'done')).toMatchObject([{ docId, agency: H19, status: 'done' }]);
      expect((await b.getReceivedEdocList()).items.map((i) => i.id)).not.toContain(docId);
      // Repeating done is fine; going back is not.
      expect(await b.updateStatus(docId, 'done')).toMatchObject([{ status: 'done' }]);
      expect(await failure(b.updateStatus(docId, 'processing'))).toMatchObject({ code: 'BAD_REQUEST' });

      const events = (await streamMessages(STREAMS.events.name, seq)).filter((m) =>
        m.headers[HEADERS.msgId]?.startsWith(`${docId}:`),
      );
      expect(events.map((m) => [m.subject, m.headers[HEADERS.msgId]])).toEqual([
        ['dx.evt.delivery.processing', `${docId}:${H19}:processing`],
        ['dx.evt.delivery.done', `${docId}:${H19}:done`],
      ]);
      const ev = JSON.parse(Buffer.from(events[1].data).toString('utf8'));
      expect(ev).toMatchObject({ docId, recipient: H19, messageType: 'edoc', event: 'done' });
      const [row] = await ds.query(
        `SELECT state FROM delivery WHERE doc_id = $1 AND recipient_organ_id = $2`,
        [docId, H19],
      );
      expect(row.state).toBe('done');
    });

    it("refuses acknowledgements for what is not the caller's, and unknown statuses", async () => {
      expect(await failure(a.updateStatus(docId, 'done'))).toMatchObject({ code: 'DOC_NOT_FOUND' });
      expect(await failure(b.updateStatus(docId, 'done', K19))).toMatchObject({ code: 'FORBIDDEN_AGENCY' });
      const r = await b.call(SDK_PATHS.updateStatus, { body: { docId, status: 'read' } });
      expect(r.httpStatus).toBe(400);
      expect(r.answer).toMatchObject({
        ErrorCode: 'BAD_REQUEST',
        ErrorDesc: expect.stringContaining('status'),
      });
    });
  });

  describe('sent list, agencies, API description', () => {
    it("tells the sender each recipient's state and business status", async () => {
      await ds.query(
        `UPDATE delivery SET business_status = '03', business_status_at = now(), business_description = 'Đã vào sổ'
         WHERE doc_id = $1 AND recipient_organ_id = $2`,
        [docId, H19],
      );
      const sent = await a.findSent(docId);
      expect(sent).toMatchObject({
        id: docId,
        from: K19,
        messageType: 'edoc',
        documentId: DOCUMENT_ID,
        contentSha256: sha(EDOC),
        published: true,
        toHeader: [H19],
      });
      expect(sent?.recipients).toEqual([
        {
          to: H19,
          status: 'done',
          businessStatus: {
            code: '03',
            meaning: 'accepted and registered',
            description: 'Đã vào sổ',
            time: expect.any(String),
          },
          failure: null,
          updated_time: expect.any(String),
        },
      ]);
      expect(await b.findSent(docId)).toBeNull();
      const page = await a.getSentEdocList({ messageType: 'edoc', limit: 1 });
      expect(page.items).toHaveLength(1);
      expect(page.next).toBeDefined();
      const rest = await a.getSentEdocList({ messageType: 'edoc', after: page.next });
      expect([...page.items, ...rest.items].map((i) => i.id)).toContain(docId);
      expect(new Set([...page.items, ...rest.items].map((i) => i.id)).size).toBe(
        page.items.length + rest.items.length,
      );
    });

    it('lists the agency directory from the registry', async () => {
      const page = await a.getAgenciesList({ limit: 1000 });
      expect(page.version).toBeGreaterThan(0);
      const ours = page.items.filter((x) => [K19, K19_2, H19, H41, H14].includes(x.organId));
      expect(ours.map((x) => [x.organId, x.systemId])).toEqual(
        expect.arrayContaining([
          [K19, SYS_A],
          [H19, SYS_B],
          [H14, SYS_C],
        ]),
      );
      const first = await a.getAgenciesList({ limit: 1 });
      expect(first.items).toHaveLength(1);
      expect(first.next).toBe(first.items[0].organId);
    });

    it('serves getSynchronizeUnit: only what changed after a version, deletions included', async () => {
      const all = await a.getSynchronizeUnit({ limit: 1000 });
      expect(all.items.map((x) => x.organId)).toEqual(expect.arrayContaining([K19, H19, H14]));
      expect((await a.getSynchronizeUnit({ sinceVersion: all.version })).items).toEqual([]);

      await importRegistry(hub.nc, [
        { organId: H14, name: 'Unrelated agency', systemId: SYS_C, deleted: true },
      ]);
      const changed = await a.getSynchronizeUnit({ sinceVersion: all.version });
      expect(changed.items.map((x) => [x.organId, x.deleted])).toEqual([[H14, true]]);
      expect(changed.version).toBeGreaterThan(all.version);

      await importRegistry(hub.nc, [
        { organId: H14, name: 'Unrelated agency', systemId: SYS_C, deleted: false },
      ]);
    });

    it('refuses unknown JSON fields with BAD_REQUEST naming them', async () => {
      const r = await a.call(SDK_PATHS.getReceivedEdocList, { body: { messagetype: 'edoc', page: 2 } });
      expect(r.httpStatus).toBe(400);
      expect(r.answer).toMatchObject({
        ErrorCode: 'BAD_REQUEST',
        ErrorDesc: 'property page should not exist',
      });
    });

    it('serves the OpenAPI document listing the SDK calls, and its UI', async () => {
      const res = await fetch(`${base}${OPENAPI_JSON_PATH}`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
      for (const p of [
        'sendEdoc',
        'getReceivedEdocList',
        'getEdoc',
        'updateStatus',
        'getSentEdocList',
        'getAgenciesList',
        'getSynchronizeUnit',
      ]) {
        expect(doc.paths[`/${p}`]?.post).toBeDefined();
      }
      const ui = await fetch(`${base}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });
  });
});
