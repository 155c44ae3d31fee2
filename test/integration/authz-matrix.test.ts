// The authorization matrix: every HTTP route of the gateway × every kind of caller → allowed, or refused with
// its exact error code and no state change. The table must be exhaustive: a route the gateway documents in its
// OpenAPI document without a row here fails the test. The gateway serves HTTPS with optional mTLS, so a system
// authenticated by its client certificate alone is one of the callers.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { ErrorCodes, STREAMS } from '#contracts';
import { adoptLegacyRows, CheckpointService, verifyExport, type ExportBundle } from '#archive';
import { ensureDevSeal, loadSeal } from '#trust';
import { DocaxisClient, SDK_PATHS, SEND_HEADERS, tlsFetch, type SdkAnswer } from '#sdk-client';
import { DOCS_PATH, OPENAPI_JSON_PATH } from '../../apps/gateway/src/gateway.app.js';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { createTestCa, type TestCa } from '../support/test-pki.js';

const run = randomBytes(3).toString('hex');
const SYS_A = `mx-a-${run}`;
const SYS_B = `mx-b-${run}`;
const SYS_S = `mx-s-${run}`; // sends the document A receives; no caller of the table
const ARCHIVIST = `mx-archive-${run}`;
const SECRET = {
  A: `secret-a-${randomBytes(12).toString('hex')}`,
  B: `secret-b-${randomBytes(12).toString('hex')}`,
  S: `secret-s-${randomBytes(12).toString('hex')}`,
  ARCHIVIST: `secret-r-${randomBytes(12).toString('hex')}`,
};
const A1 = '000.00.00.K19'; // system A's agency
const B1 = '000.00.50.H19'; // system B's agency
const S1 = '000.00.00.G22'; // system S's agency
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

type Caller = 'own' | 'otherAgency' | 'otherSystem' | 'archivist' | 'anonymous' | 'mtls';
const CALLERS: Record<Caller, string> = {
  own: 'system A for its own agency',
  otherAgency: "system A naming B's agency",
  otherSystem: "system B on A's documents",
  archivist: 'an archivist',
  anonymous: 'an anonymous caller',
  mtls: 'system A by client certificate only',
};

interface Ctx {
  /** A client per caller (A for own and otherAgency). */
  client: Record<Caller, DocaxisClient>;
  /** A document S sent to A1 (delivered, pending), one A sent to B1, and one B sent to S1. */
  docIn: string;
  docInBytes: Buffer;
  docOut: string;
  docOutOfB: string;
  hub: AuthHub;
}
type Answer = { httpStatus: number; answer: SdkAnswer<unknown> };
type Call = (c: DocaxisClient, ctx: Ctx) => Promise<Answer>;
/** Allowed (with what the answer must show), or refused with this ErrorCode and nothing changed. */
type Expect = { allow: (a: Answer, ctx: Ctx) => void | Promise<void> } | { deny: string };

interface Row {
  route: string;
  /** How each caller makes the call (defaults to `call`). */
  call: Call;
  as?: Partial<Record<Caller, Call>>;
  expect: Record<Caller, Expect>;
}

const post =
  (path: string, body: (ctx: Ctx) => object): Call =>
  (c, ctx) =>
    c.call(path, { body: body(ctx) });

/** sendEdoc of a fresh document from `from` to B1, naming `from` as the sending agency. */
const send =
  (from: string): Call =>
  (c) => {
    const bytes = documentBytes(from, [B1], nextDocumentId(from));
    return c.call(SDK_PATHS.sendEdoc, {
      body: bytes,
      headers: {
        'content-type': 'application/octet-stream',
        [SEND_HEADERS.from]: from,
        [SEND_HEADERS.messageType]: 'edoc',
        [SEND_HEADERS.serviceType]: 'eDoc',
        [SEND_HEADERS.hashFile]: sha(bytes),
      },
    });
  };

const data = (a: Answer): unknown => {
  expect(a.answer).toMatchObject({ status: 'OK', ErrorCode: '0' });
  return (a.answer as { data?: unknown }).data;
};
const ids = (a: Answer): string[] => (data(a) as { id: string }[]).map((i) => i.id);
/** A GET whose success is bytes (or JSON): a refusal is still an SDK FAIL answer. */
type RawData = { body: Buffer; sha256: string | null };
const rawGet =
  (p: (ctx: Ctx) => string): Call =>
  async (c, ctx) => {
    const res = await c.fetchRaw(p(ctx), { method: 'GET', accept: '*/*' });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok || res.headers.get('content-type')?.startsWith('application/json')) {
      return { httpStatus: res.status, answer: JSON.parse(body.toString('utf8')) as SdkAnswer<unknown> };
    }
    const raw: RawData = { body, sha256: res.headers.get('x-dx-sha256') };
    return { httpStatus: res.status, answer: { status: 'OK', ErrorCode: '0', ErrorDesc: '', data: raw } };
  };
const ROLE = { deny: 'FORBIDDEN_ROLE' } as const;
const ANON = { deny: 'AUTH_MISSING' } as const;
const OK = { allow: (a: Answer) => void data(a) } as const;

const accepted: Expect = {
  allow: async (a, ctx) => {
    const docId = (a.answer as { DocId?: string }).DocId;
    const rows = await ctx.hub.ds.query(`SELECT system_id AS "systemId", sender_organ_id AS "from" FROM submission
      WHERE doc_id = $1`, [docId]); // prettier-ignore
    expect(rows).toEqual([{ systemId: SYS_A, from: A1 }]);
  },
};
const deliveryOfDocIn = async (ctx: Ctx): Promise<string> =>
  (
    await ctx.hub.ds.query(`SELECT state FROM delivery WHERE doc_id = $1 AND recipient_organ_id = $2`, [
      ctx.docIn,
      A1,
    ])
  )[0].state;
const directory: Expect = {
  allow: (a) => expect((data(a) as { organId: string }[]).map((x) => x.organId)).toEqual([S1, A1, B1].sort()),
};

/**
 * The fixtures' archived rows were written without the archive process: chain them as an upgraded hub would
 * (`archive adopt-legacy`) and sign a checkpoint, so an export can prove them.
 */
async function proveFixtures(ctx: Ctx): Promise<void> {
  await adoptLegacyRows(ctx.hub.ds);
  const dir = mkdtempSync(join(tmpdir(), 'dx-matrix-seal-'));
  try {
    const f = ensureDevSeal(dir, '000.00.00.H41');
    const seal = loadSeal({ sealKey: f.keyFile, sealCert: f.certFile });
    const every = { seal, axisOrganId: '000.00.00.H41', every: 1, seconds: 1 };
    await new CheckpointService(ctx.hub.ds, every).checkpointIfDue(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TABLE: Row[] = [
  {
    route: `POST ${SDK_PATHS.sendEdoc}`,
    call: send(A1),
    as: { otherAgency: send(B1) },
    expect: {
      own: accepted,
      otherAgency: { deny: 'FORBIDDEN_SENDER' },
      otherSystem: { deny: 'FORBIDDEN_SENDER' }, // B sending as A's agency
      archivist: ROLE,
      anonymous: ANON,
      mtls: accepted,
    },
  },
  {
    route: `POST ${SDK_PATHS.getReceivedEdocList}`,
    call: post(SDK_PATHS.getReceivedEdocList, () => ({ agency: A1 })),
    as: { otherAgency: post(SDK_PATHS.getReceivedEdocList, () => ({ agency: B1 })) },
    expect: {
      own: { allow: (a, ctx) => expect(ids(a)).toContain(ctx.docIn) },
      otherAgency: { deny: 'FORBIDDEN_AGENCY' },
      otherSystem: { deny: 'FORBIDDEN_AGENCY' }, // B naming A's agency
      archivist: ROLE,
      anonymous: ANON,
      mtls: { allow: (a, ctx) => expect(ids(a)).toContain(ctx.docIn) },
    },
  },
  {
    route: `POST ${SDK_PATHS.getEdoc}`,
    call: post(SDK_PATHS.getEdoc, (ctx) => ({ docId: ctx.docIn })),
    // getEdoc names no agency: "another agency" is a document of B's agency that A is no party to.
    as: { otherAgency: (c, ctx) => c.call(SDK_PATHS.getEdoc, { body: { docId: ctx.docOutOfB } }) },
    expect: {
      own: {
        allow: (a, ctx) =>
          expect((data(a) as { content: string }).content).toBe(ctx.docInBytes.toString('base64')),
      },
      otherAgency: { deny: 'DOC_NOT_FOUND' },
      otherSystem: { deny: 'DOC_NOT_FOUND' },
      archivist: ROLE,
      anonymous: ANON,
      mtls: { allow: (a, ctx) => expect((data(a) as { sha256: string }).sha256).toBe(sha(ctx.docInBytes)) },
    },
  },
  {
    route: `POST ${SDK_PATHS.updateStatus}`,
    call: post(SDK_PATHS.updateStatus, (ctx) => ({ docId: ctx.docIn, status: 'processing' })),
    as: {
      otherAgency: post(SDK_PATHS.updateStatus, (ctx) => ({ docId: ctx.docIn, status: 'fail', agency: B1 })),
      otherSystem: post(SDK_PATHS.updateStatus, (ctx) => ({ docId: ctx.docIn, status: 'fail' })),
      mtls: post(SDK_PATHS.updateStatus, (ctx) => ({ docId: ctx.docIn, status: 'done', agency: A1 })),
    },
    expect: {
      own: {
        allow: async (a, ctx) => {
          expect(data(a)).toMatchObject([{ docId: ctx.docIn, agency: A1, status: 'processing' }]);
          expect(await deliveryOfDocIn(ctx)).toBe('processing');
        },
      },
      otherAgency: { deny: 'FORBIDDEN_AGENCY' },
      otherSystem: { deny: 'DOC_NOT_FOUND' },
      archivist: ROLE,
      anonymous: ANON,
      mtls: {
        allow: async (a, ctx) => {
          expect(data(a)).toMatchObject([{ docId: ctx.docIn, agency: A1, status: 'done' }]);
          expect(await deliveryOfDocIn(ctx)).toBe('done');
        },
      },
    },
  },
  {
    route: `POST ${SDK_PATHS.getSentEdocList}`,
    call: post(SDK_PATHS.getSentEdocList, (ctx) => ({ docId: ctx.docOut })),
    as: { otherAgency: post(SDK_PATHS.getSentEdocList, () => ({ agency: B1 })) },
    expect: {
      own: { allow: (a, ctx) => expect(ids(a)).toEqual([ctx.docOut]) },
      otherAgency: { deny: 'FORBIDDEN_AGENCY' },
      // B may list what it sent: A's document is not among it.
      otherSystem: { allow: (a) => expect(ids(a)).toEqual([]) },
      archivist: ROLE,
      anonymous: ANON,
      mtls: { allow: (a, ctx) => expect(ids(a)).toEqual([ctx.docOut]) },
    },
  },
  {
    route: `POST ${SDK_PATHS.getReceipts}`,
    call: post(SDK_PATHS.getReceipts, (ctx) => ({ docId: ctx.docIn })),
    as: { otherAgency: post(SDK_PATHS.getReceipts, (ctx) => ({ docId: ctx.docIn, agency: B1 })) },
    expect: {
      own: { allow: (a) => expect(Array.isArray(data(a))).toBe(true) },
      otherAgency: { deny: 'FORBIDDEN_AGENCY' },
      otherSystem: { deny: 'DOC_NOT_FOUND' },
      archivist: ROLE,
      anonymous: ANON,
      mtls: { allow: (a) => expect(Array.isArray(data(a))).toBe(true) },
    },
  },
  {
    route: `POST ${SDK_PATHS.getAgenciesList}`,
    call: post(SDK_PATHS.getAgenciesList, () => ({})),
    // The directory is public to every authenticated caller: naming no agency, A reads the same as for its own.
    expect: {
      own: directory,
      otherAgency: directory,
      otherSystem: directory,
      archivist: directory,
      anonymous: ANON,
      mtls: directory,
    },
  },
  {
    route: `POST ${SDK_PATHS.getSynchronizeUnit}`,
    call: post(SDK_PATHS.getSynchronizeUnit, () => ({ sinceVersion: 0 })),
    expect: {
      own: directory,
      otherAgency: directory,
      otherSystem: directory,
      archivist: directory,
      anonymous: ANON,
      mtls: directory,
    },
  },
  {
    route: 'GET /archive/documents/{docId}/export',
    call: (c, ctx) => c.call(`/archive/documents/${ctx.docIn}/export`, { method: 'GET' }),
    as: {
      archivist: async (c, ctx) => {
        await proveFixtures(ctx);
        return c.call(`/archive/documents/${ctx.docIn}/export`, { method: 'GET' });
      },
    },
    expect: {
      own: ROLE,
      otherAgency: ROLE,
      otherSystem: ROLE,
      archivist: {
        allow: (a, ctx) => {
          const bundle = data(a) as ExportBundle;
          expect(bundle.docId).toBe(ctx.docIn);
          expect(verifyExport(JSON.stringify(bundle)).problems).toEqual([]);
        },
      },
      anonymous: ANON,
      mtls: ROLE,
    },
  },
  {
    route: 'POST /archive/search',
    call: post('/archive/search', () => ({})),
    expect: {
      own: ROLE,
      otherAgency: ROLE,
      otherSystem: ROLE,
      archivist: {
        allow: (a, ctx) => expect((data(a) as { docId: string }[]).map((i) => i.docId)).toContain(ctx.docIn),
      },
      anonymous: ANON,
      mtls: ROLE,
    },
  },
  {
    route: 'POST /archive/search/export',
    // The export is CSV, not an SDK answer: the client reports it as such, with its first characters.
    call: (c) =>
      c
        .call('/archive/search/export', { body: { format: 'csv' } })
        .catch((e: { httpStatus: number; message: string }) => ({
          httpStatus: e.httpStatus,
          answer: { status: 'OK', ErrorCode: '0', ErrorDesc: '', data: e.message },
        })),
    expect: {
      own: ROLE,
      otherAgency: ROLE,
      otherSystem: ROLE,
      archivist: {
        allow: (a) => expect(data(a)).toMatch(/^HTTP 200: not an SDK answer: docId,documentId,from,/),
      },
      anonymous: ANON,
      mtls: ROLE,
    },
  },
  {
    route: 'POST /archive/stats',
    call: post('/archive/stats', () => ({ from: '2020-01-01', to: '2039-12-31', by: 'year' })),
    expect: {
      own: ROLE,
      otherAgency: ROLE,
      otherSystem: ROLE,
      archivist: { allow: (a) => expect((data(a) as { by: string }).by).toBe('year') },
      anonymous: ANON,
      mtls: ROLE,
    },
  },
  ...(
    [
      ['', (a, ctx) => expect((data(a) as { docId: string }).docId).toBe(ctx.docIn)],
      ['/original', (a, ctx) => expect((data(a) as RawData).body.equals(ctx.docInBytes)).toBe(true)],
      ['/attachments', (a) => expect((data(a) as { index: number }[]).map((x) => x.index)).toEqual([1])],
      [
        '/attachments/{n}',
        (a) => {
          const { body, sha256 } = data(a) as RawData;
          expect(sha256).toBe(sha(body));
        },
      ],
      [
        '/evidence',
        (a, ctx) =>
          expect(data(a)).toMatchObject({ docId: ctx.docIn, package: { sha256: { intact: true } } }),
      ],
    ] as [string, (a: Answer, ctx: Ctx) => void][]
  ).map(([rest, allow]): Row => ({
    route: `GET /archive/documents/{docId}${rest}`,
    // The original and the attachments are bytes, not SDK answers.
    call: rawGet((ctx) => `/archive/documents/${ctx.docIn}${rest.replace('{n}', '1')}`),
    expect: {
      own: ROLE,
      otherAgency: ROLE,
      otherSystem: ROLE,
      archivist: { allow },
      anonymous: ANON,
      mtls: ROLE,
    },
  })),
  {
    route: `GET ${SDK_PATHS.health}`,
    call: (c) => c.call(SDK_PATHS.health, { method: 'GET' }),
    expect: { own: OK, otherAgency: OK, otherSystem: OK, archivist: OK, anonymous: OK, mtls: OK },
  },
];

describe('authorization matrix', () => {
  let hub: AuthHub;
  let ca: TestCa;
  let jsm: JetStreamManager;
  let base: string;
  const ctx = {} as Ctx;

  /** What a refused call must leave as it was: submissions, deliveries and the package and event streams. */
  async function state(): Promise<string> {
    const [sub] = await hub.ds.query(`SELECT count(*)::int AS n FROM submission`);
    const deliveries = await hub.ds.query(
      `SELECT doc_id, recipient_organ_id, state, updated_at FROM delivery ORDER BY doc_id, recipient_organ_id`,
    );
    const seq = async (s: string) => (await jsm.streams.info(s)).state.last_seq;
    return JSON.stringify({
      submissions: sub.n,
      deliveries,
      packages: await seq(STREAMS.packages.name),
      events: await seq(STREAMS.events.name),
    });
  }

  beforeAll(async () => {
    ca = createTestCa(`authz matrix CA ${run}`);
    const server = ca.issue('gateway', 'IP:127.0.0.1', 'serverAuth');
    const certA = ca.issue('system-a', `URI:urn:docaxis:system:${SYS_A}`);
    hub = await startAuthHub('authz', {
      systems: [
        { systemId: SYS_A, name: 'System A', secret: SECRET.A },
        { systemId: SYS_B, name: 'System B', secret: SECRET.B },
        { systemId: SYS_S, name: 'System S', secret: SECRET.S },
        { systemId: ARCHIVIST, name: 'Archive', secret: SECRET.ARCHIVIST, role: 'archivist' },
      ],
      agencies: [
        { organId: A1, name: 'Agency of A', systemId: SYS_A },
        { organId: B1, name: 'Agency of B', systemId: SYS_B },
        { organId: S1, name: 'Agency of S', systemId: SYS_S },
      ],
    });
    jsm = await jetstreamManager(hub.nc);
    base = await hub.gateway({ cert: server.cert, key: server.key, clientCa: ca.cert, mtls: 'optional' });
    const client = (systemId: string, secret?: string, cert?: { cert: string; key: string }) =>
      new DocaxisClient({
        baseUrl: base,
        systemId,
        ...(secret ? { secret } : {}),
        tls: { ca: ca.cert, ...(cert ? { cert: cert.cert, key: cert.key } : {}) },
      });
    const a = client(SYS_A, SECRET.A);
    ctx.hub = hub;
    ctx.client = {
      own: a,
      otherAgency: a,
      otherSystem: client(SYS_B, SECRET.B),
      archivist: client(ARCHIVIST, SECRET.ARCHIVIST),
      anonymous: client('anonymous'),
      mtls: client(SYS_A, undefined, certA),
    };

    // Fixtures, sent through the API; the router and archive are not running here, so their rows are
    // written as they would write them: S's document delivered to A1, and B's document delivered to B1 only.
    const s = client(SYS_S, SECRET.S);
    ctx.docInBytes = documentBytes(S1, [A1], nextDocumentId(S1));
    ctx.docIn = (await s.sendEdoc(ctx.docInBytes, { from: S1, messageType: 'edoc' })).docId;
    const ofB = documentBytes(B1, [S1], nextDocumentId(B1));
    ctx.docOutOfB = (await ctx.client.otherSystem.sendEdoc(ofB, { from: B1, messageType: 'edoc' })).docId;
    for (const [docId, bytes, from, to] of [
      [ctx.docIn, ctx.docInBytes, S1, A1],
      [ctx.docOutOfB, ofB, B1, S1],
    ] as const) {
      await hub.ds.query(
        `INSERT INTO delivery (doc_id, message_type, sender_organ_id, recipient_organ_id, state)
         VALUES ($1, 'edoc', $2, $3, 'pending')`,
        [docId, from, to],
      );
      await hub.ds.query(
        `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content,
           document_id, metadata, accepted_at)
         SELECT doc_id, 'edoc', $2, $3, $4, $5, document_id, '{}'::jsonb, now() FROM submission WHERE doc_id = $1`,
        [docId, from, sha(bytes), bytes.length, bytes],
      );
    }
    ctx.docOut = (
      await a.sendEdoc(documentBytes(A1, [B1], nextDocumentId(A1)), { from: A1, messageType: 'edoc' })
    ).docId;
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
    ca?.remove();
  }, 30_000);

  it('has a row for every route the gateway documents, and documents every route of the table', async () => {
    const res = await tlsFetch({ ca: ca.cert })(`${base}${OPENAPI_JSON_PATH}`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(TABLE.map((r) => r.route).sort());
  });

  it('serves /docs and /openapi.json to anyone (no credentials, no client certificate)', async () => {
    const anonymous = tlsFetch({ ca: ca.cert });
    const docs = await anonymous(`${base}/${DOCS_PATH}`);
    expect([docs.status, docs.headers.get('content-type')]).toEqual([
      200,
      expect.stringMatching(/^text\/html/),
    ]);
    const openapi = await anonymous(`${base}${OPENAPI_JSON_PATH}`);
    expect((await openapi.json()) as object).toMatchObject({ info: { title: 'docaxis gateway' } });
  });

  const cells = TABLE.flatMap((row) =>
    (Object.keys(CALLERS) as Caller[]).map((caller) => ({ row, caller, expected: row.expect[caller] })),
  );
  it.each(
    cells.map((c) => ({
      ...c,
      route: c.row.route,
      who: CALLERS[c.caller],
      verdict: 'deny' in c.expected ? c.expected.deny : 'allowed',
    })),
  )('$route by $who: $verdict', async ({ row, caller, expected }) => {
    const call = row.as?.[caller] ?? row.call;
    const before = 'deny' in expected ? await state() : '';
    const result = await call(ctx.client[caller], ctx);
    if ('deny' in expected) {
      expect(result.answer).toMatchObject({ status: 'FAIL', ErrorCode: expected.deny });
      expect(result.httpStatus).toBe(ErrorCodes[expected.deny as keyof typeof ErrorCodes].status);
      expect(await state()).toBe(before);
    } else {
      expect(result.httpStatus).toBe(200);
      await expected.allow(result, ctx);
    }
  });
});
