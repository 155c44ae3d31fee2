// Optional mTLS on the gateway: TLS client certificates (made with the real openssl) whose subjectAltName URI
// names a system authenticate it without DX1 headers; Node's TLS layer checks the chain and the CRL; the
// registry's per-system `auth` (hmac | mtls | any) decides which of the two a system may use.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DocaxisClient, SDK_PATHS, type ClientTlsOptions } from '#sdk-client';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { createTestCa, type TestCa, type TestCert } from '../support/test-pki.js';
import { failure } from '../support/failure.js';

const run = randomBytes(3).toString('hex');
const SYS = { any: `mt-any-${run}`, mtls: `mt-mtls-${run}`, hmac: `mt-hmac-${run}` };
const SECRET = {
  any: `s-any-${run}-0123456789`,
  mtls: `s-mtls-${run}-012345678`,
  hmac: `s-hmac-${run}-012345678`,
};
const AGENCY = { any: '000.00.00.K19', mtls: '000.00.00.K20', hmac: '000.00.00.K21' };
const RECIPIENT = '000.00.50.H19';

describe('gateway mTLS', () => {
  let hub: AuthHub;
  let ca: TestCa;
  let foreignCa: TestCa;
  let optional: string; // base URL of the gateway with mTLS optional
  let required: string; // ... and required
  const cert: Record<'any' | 'mtls' | 'hmac' | 'revoked' | 'foreign' | 'noSystem' | 'unknown', TestCert> =
    {} as never;

  /** A client over HTTPS: `secret` signs DX1 headers, `cert` presents a client certificate. */
  const client = (base: string, systemId: string, opts: { secret?: string; cert?: TestCert }) => {
    const tls: ClientTlsOptions = { ca: ca.cert };
    if (opts.cert) Object.assign(tls, { cert: opts.cert.cert, key: opts.cert.key });
    return new DocaxisClient({
      baseUrl: base,
      systemId,
      tls,
      ...(opts.secret ? { secret: opts.secret } : {}),
    });
  };

  beforeAll(async () => {
    ca = createTestCa(`docaxis test client CA ${run}`);
    foreignCa = createTestCa(`someone else's CA ${run}`);
    const server = ca.issue('gateway', 'IP:127.0.0.1,DNS:localhost', 'serverAuth');
    const uri = (id: string) => `URI:urn:docaxis:system:${id}`;
    cert.any = ca.issue('any', uri(SYS.any));
    cert.mtls = ca.issue('mtls', uri(SYS.mtls));
    cert.hmac = ca.issue('hmac', uri(SYS.hmac));
    cert.revoked = ca.issue('revoked', uri(SYS.any));
    cert.foreign = foreignCa.issue('foreign', uri(SYS.any));
    cert.noSystem = ca.issue('nosystem', 'DNS:qlvb.example.gov.vn');
    cert.unknown = ca.issue('unknown', uri(`nobody-${run}`));
    const crl = ca.revoke(cert.revoked);

    hub = await startAuthHub('mtls', {
      systems: [
        { systemId: SYS.any, name: 'Any', secret: SECRET.any },
        { systemId: SYS.mtls, name: 'mTLS only', secret: SECRET.mtls, auth: 'mtls' },
        { systemId: SYS.hmac, name: 'HMAC only', secret: SECRET.hmac, auth: 'hmac' },
      ],
      agencies: [
        { organId: AGENCY.any, name: 'Any agency', systemId: SYS.any },
        { organId: AGENCY.mtls, name: 'mTLS agency', systemId: SYS.mtls },
        { organId: AGENCY.hmac, name: 'HMAC agency', systemId: SYS.hmac },
        { organId: RECIPIENT, name: 'Recipient' },
      ],
    });
    const tls = { cert: server.cert, key: server.key, clientCa: ca.cert, crl };
    optional = await hub.gateway({ ...tls, mtls: 'optional' });
    required = await hub.gateway({ ...tls, mtls: 'required' });
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
    ca?.remove();
    foreignCa?.remove();
  }, 30_000);

  it('authenticates a system by its client certificate alone, acting for its own agencies only', async () => {
    const a = client(optional, SYS.any, { cert: cert.any });
    const bytes = documentBytes(AGENCY.any, [RECIPIENT], nextDocumentId(AGENCY.any));
    const sent = await a.sendEdoc(bytes, { from: AGENCY.any, messageType: 'edoc' });
    const stored = await hub.ds.query(`SELECT system_id AS "systemId" FROM submission WHERE doc_id = $1`, [
      sent.docId,
    ]);
    expect(stored).toEqual([{ systemId: SYS.any }]);
    expect((await a.findSent(sent.docId))?.id).toBe(sent.docId);

    const other = documentBytes(AGENCY.mtls, [RECIPIENT], nextDocumentId(AGENCY.mtls));
    expect(await failure(a.sendEdoc(other, { from: AGENCY.mtls, messageType: 'edoc' }))).toMatchObject({
      code: 'FORBIDDEN_SENDER',
      httpStatus: 403,
    });
  });

  it('in optional mode still accepts DX1 alone, and DX1 with a certificate of the same system', async () => {
    expect((await client(optional, SYS.any, { secret: SECRET.any }).getAgenciesList()).items.length).toBe(4);
    const both = client(optional, SYS.any, { secret: SECRET.any, cert: cert.any });
    expect((await both.getReceivedEdocList()).items).toEqual([]);
  });

  it('refuses a certificate of one system with DX1 headers of another (AUTH_CLIENT_CERT)', async () => {
    const e = await failure(
      client(optional, SYS.hmac, { secret: SECRET.hmac, cert: cert.any }).getReceivedEdocList(),
    );
    expect(e).toMatchObject({ code: 'AUTH_CLIENT_CERT', httpStatus: 401 });
    expect(e.message).toContain(`names system ${SYS.any} but the request is signed as ${SYS.hmac}`);
  });

  it("enforces the system's auth mode: mtls-only needs the certificate, hmac-only needs the signature", async () => {
    const hmacOnly = await failure(client(optional, SYS.mtls, { secret: SECRET.mtls }).getReceivedEdocList());
    expect(hmacOnly).toMatchObject({ code: 'AUTH_CLIENT_CERT', httpStatus: 401 });
    expect(hmacOnly.message).toContain('must authenticate with a TLS client certificate');
    expect((await client(optional, SYS.mtls, { cert: cert.mtls }).getReceivedEdocList()).items).toEqual([]);
    expect(
      (await client(optional, SYS.mtls, { secret: SECRET.mtls, cert: cert.mtls }).getReceivedEdocList())
        .items,
    ).toEqual([]);

    const certOnly = await failure(client(optional, SYS.hmac, { cert: cert.hmac }).getReceivedEdocList());
    expect(certOnly).toMatchObject({ code: 'AUTH_MISSING', httpStatus: 401 });
    expect((await client(optional, SYS.hmac, { secret: SECRET.hmac }).getReceivedEdocList()).items).toEqual(
      [],
    );
  });

  it('refuses revoked, foreign-CA, system-less and unregistered certificates, even with a valid signature', async () => {
    const revoked = await failure(
      client(optional, SYS.any, { secret: SECRET.any, cert: cert.revoked }).getReceivedEdocList(),
    );
    expect(revoked).toMatchObject({ code: 'AUTH_CLIENT_CERT', httpStatus: 401 });
    expect(revoked.message).toMatch(/not trusted: CERT_REVOKED/);

    const foreign = await failure(client(optional, SYS.any, { cert: cert.foreign }).getReceivedEdocList());
    expect(foreign).toMatchObject({ code: 'AUTH_CLIENT_CERT' });
    expect(foreign.message).toMatch(/not trusted/);

    const noSystem = await failure(client(optional, SYS.any, { cert: cert.noSystem }).getReceivedEdocList());
    expect(noSystem).toMatchObject({ code: 'AUTH_CLIENT_CERT' });
    expect(noSystem.message).toContain('names no system');

    const unknown = await failure(client(optional, SYS.any, { cert: cert.unknown }).getReceivedEdocList());
    expect(unknown).toMatchObject({ code: 'AUTH_UNKNOWN_SYSTEM', httpStatus: 401 });
  });

  it('in required mode refuses DX1 without a certificate, but keeps /health open', async () => {
    const e = await failure(client(required, SYS.any, { secret: SECRET.any }).getReceivedEdocList());
    expect(e).toMatchObject({ code: 'AUTH_CLIENT_CERT', httpStatus: 401 });
    expect((await client(required, SYS.any, { cert: cert.any }).getReceivedEdocList()).items).toEqual([]);
    const health = await client(required, 'anyone', {}).health();
    expect(health.status).toBe('OK');
    const { httpStatus, answer } = await client(required, 'anyone', {}).call(SDK_PATHS.getAgenciesList, {
      body: {},
    });
    expect([httpStatus, answer.status === 'FAIL' && answer.ErrorCode]).toEqual([401, 'AUTH_CLIENT_CERT']);
  });

  it('answers nothing to a client that does not trust the gateway certificate (UNAVAILABLE)', async () => {
    const e = await failure(
      new DocaxisClient({ baseUrl: optional, systemId: SYS.any, secret: SECRET.any }).getAgenciesList(),
    );
    expect(e).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 0 });
  });
});
