// Package signatures at the gateway: the axis's default policy (report) accepts everything and records each
// package's verdict; a system whose registry policy is `required` is refused, before anything is stored, every
// package that does not verify (unsigned, expired, revoked or untrusted signer, another agency's certificate,
// a disallowed algorithm, changed after signing, a wrapped signature), each with its stable code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { OBJECT_STORES, STREAMS } from '#contracts';
import {
  createCrl,
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  type IssuedCert,
  type ValidityOptions,
} from '#pki';
import {
  DocaxisClient,
  SDK_PATHS,
  SEND_HEADERS,
  type SdkAnswer,
  type SendResult,
  type SentItem,
} from '#sdk-client';
import { signEnveloped, type SignatureAlgorithm } from '#xmldsig';
import { buildDemoDocument } from '#local-hub';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';

const run = randomBytes(3).toString('hex');
const SYS_REPORT = `sig-report-${run}`;
const SYS_STRICT = `sig-strict-${run}`;
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
const A1 = '000.00.00.K19'; // agency of the system under the axis policy (report)
const S1 = '000.00.00.G22'; // agency of the system whose own policy is required
const B1 = '000.00.50.H19'; // recipient
const DAY = 86_400_000;

describe('package signatures at the gateway', () => {
  let hub: AuthHub;
  let jsm: JetStreamManager;
  let trustDir: string;
  let root: IssuedCert;
  let inter: IssuedCert;
  let report: DocaxisClient;
  let strict: DocaxisClient;
  let revoked: IssuedCert;

  const longAgo = new Date(Date.now() - 60 * DAY);
  const agencyCert = (organId: string, validity: ValidityOptions = {}): IssuedCert =>
    issueAgencyCert(inter, { organId, organName: `Agency ${organId}`, notBefore: longAgo, ...validity });
  const signed = (
    from: string,
    cert: IssuedCert,
    opts: { chain?: IssuedCert; signatureAlgorithm?: SignatureAlgorithm } = {},
  ): Buffer =>
    signEnveloped(documentBytes(from, [B1], nextDocumentId(from)), {
      keyPem: cert.keyPem,
      certPem: cert.certPem,
      chainPem: [(opts.chain ?? inter).certPem],
      signatureAlgorithm: opts.signatureAlgorithm,
    });

  /** sendEdoc as the raw answer, so refusals can be inspected. */
  const send = async (
    client: DocaxisClient,
    from: string,
    body: Buffer,
  ): Promise<{ httpStatus: number; answer: SdkAnswer<SendResult> }> =>
    client.call<SendResult>(SDK_PATHS.sendEdoc, {
      body,
      headers: {
        'content-type': 'application/octet-stream',
        [SEND_HEADERS.from]: from,
        [SEND_HEADERS.to]: JSON.stringify([B1]),
        [SEND_HEADERS.messageType]: 'edoc',
        [SEND_HEADERS.serviceType]: 'eDoc',
        [SEND_HEADERS.hashFile]: createHash('sha256').update(body).digest('hex'),
      },
    });

  const accept = (client: DocaxisClient, from: string, body: Buffer): Promise<SendResult> =>
    client.sendEdoc(body, { from, messageType: 'edoc', to: [B1] });

  const stored = async (systemId: string): Promise<number> => {
    const [{ n }] = await hub.ds.query(`SELECT count(*)::int AS n FROM submission WHERE system_id = $1`, [
      systemId,
    ]);
    return n as number;
  };
  const queued = async (): Promise<number> => (await jsm.streams.info(STREAMS.packages.name)).state.messages;

  beforeAll(async () => {
    root = createRootCa({ commonName: 'Test Government Root', notBefore: longAgo });
    inter = issueIntermediate(root, { commonName: 'Test Agencies CA', notBefore: longAgo });
    revoked = agencyCert(S1);
    trustDir = mkdtempSync(path.join(tmpdir(), 'docaxis-trust-'));
    writeFileSync(path.join(trustDir, 'root.pem'), root.certPem);
    writeFileSync(path.join(trustDir, 'agencies-ca.pem'), inter.certPem);
    writeFileSync(
      path.join(trustDir, 'agencies-ca.crl.pem'),
      createCrl(
        inter,
        [
          {
            serial: new X509Certificate(revoked.certPem).serialNumber,
            revokedAt: new Date(Date.now() - DAY),
          },
        ],
        {
          nextUpdate: new Date(Date.now() + 7 * DAY),
        },
      ),
    );
    hub = await startAuthHub('signatures', {
      systems: [
        { systemId: SYS_REPORT, name: 'Follows the axis', secret: SECRET },
        { systemId: SYS_STRICT, name: 'Requires signatures', secret: SECRET, signaturePolicy: 'required' },
        { systemId: `sig-b-${run}`, name: 'Recipient', secret: SECRET },
      ],
      agencies: [
        { organId: A1, name: 'A', systemId: SYS_REPORT },
        { organId: S1, name: 'S', systemId: SYS_STRICT },
        { organId: B1, name: 'B', systemId: `sig-b-${run}` },
      ],
    });
    jsm = await jetstreamManager(hub.nc);
    const base = await hub.gateway(undefined, {
      signatures: { policy: 'report', trustFiles: [trustDir], allowSha1: false, requireCrl: false },
      // Room for a package streamed through the object store (above its 1 MiB threshold).
      maxPackageBytes: 8 * 1024 * 1024,
    });
    report = new DocaxisClient({ baseUrl: base, systemId: SYS_REPORT, secret: SECRET });
    strict = new DocaxisClient({ baseUrl: base, systemId: SYS_STRICT, secret: SECRET });
  });

  afterAll(async () => {
    await hub?.close();
    if (trustDir) rmSync(trustDir, { recursive: true, force: true });
  });

  it('under the default policy (report) accepts a placeholder-signed package and flags it invalid', async () => {
    // documentBytes keeps the SDK sample's placeholder Signature, as real traffic does today.
    const result = await accept(report, A1, documentBytes(A1, [B1], nextDocumentId(A1)));
    expect(result.signature.verdict).toBe('invalid');
    expect(result.signature.code).toMatch(/^(SIG|CERT)_/);
    // The sender sees the same verdict, and why, in getSentEdocList.
    const sent = await report.getSentEdocList({ limit: 10 });
    const item = sent.items.find((i: SentItem) => i.id === result.docId);
    expect(item?.signature).toEqual(result.signature);
  });

  it('records a verified signature with its signer under the default policy', async () => {
    const result = await accept(report, A1, signed(A1, agencyCert(A1)));
    expect(result.signature).toMatchObject({ verdict: 'verified', signer: { organId: A1 } });
    expect(result.signature.signer?.chain).toHaveLength(3);
  });

  it('verifies a signed package streamed through the object store (above 1 MiB, up to the limit)', async () => {
    const cert = agencyCert(S1);
    const { bytes } = buildDemoDocument({
      from: { organId: S1, name: 'Strict sender' },
      to: [{ organId: B1, name: 'Recipient' }],
      codeNumber: randomUUID().slice(0, 8),
      codeNotation: 'UBND-VP',
      subject: 'Văn bản có tệp đính kèm lớn',
      attachment: {
        name: 'van-ban.pdf',
        description: 'Văn bản',
        contentType: 'application/pdf',
        bytes: randomBytes(2 * 1024 * 1024),
      },
    });
    const body = signEnveloped(bytes, {
      keyPem: cert.keyPem,
      certPem: cert.certPem,
      chainPem: [inter.certPem],
    });
    expect(body.length).toBeGreaterThan(OBJECT_STORES.packages.thresholdBytes);
    const result = await accept(strict, S1, body);
    expect(result.signature).toMatchObject({ verdict: 'verified', signer: { organId: S1 } });
    // One byte of the attachment changed after signing: refused under required, as a small package would be.
    const i = body.indexOf('>', body.indexOf(':ContentTransferEncoded')) + 100;
    const tampered = Buffer.from(body);
    tampered[i] = tampered[i] === 0x41 ? 0x42 : 0x41;
    const refused = await send(strict, S1, tampered);
    expect(refused.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'SIG_DIGEST_MISMATCH' });
  });

  it('accepts a verified package from a system whose own policy is required', async () => {
    const before = await stored(SYS_STRICT);
    const result = await accept(strict, S1, signed(S1, agencyCert(S1)));
    expect(result.signature.verdict).toBe('verified');
    expect(await stored(SYS_STRICT)).toBe(before + 1);
  });

  describe('refuses, before anything is stored, for a system whose policy is required', () => {
    const cases: [string, string, () => Buffer][] = [
      [
        'an unsigned package',
        'SIG_MISSING',
        () =>
          Buffer.from(
            documentBytes(S1, [B1], nextDocumentId(S1))
              .toString('utf8')
              .replace(/<Signature>[\s\S]*?<\/Signature>/, ''),
          ),
      ],
      ['the SDK placeholder signature', 'SIG_MALFORMED', () => documentBytes(S1, [B1], nextDocumentId(S1))],
      [
        'an expired signer certificate',
        'CERT_EXPIRED',
        () => signed(S1, agencyCert(S1, { notAfter: new Date(Date.now() - DAY) })),
      ],
      ['a revoked signer certificate', 'CERT_REVOKED', () => signed(S1, revoked)],
      [
        'a signer from an untrusted root',
        'CERT_UNTRUSTED',
        () => {
          const otherRoot = createRootCa({ commonName: 'Somebody else', notBefore: longAgo });
          const cert = issueAgencyCert(otherRoot, { organId: S1, organName: 'Impostor', notBefore: longAgo });
          return signed(S1, cert, { chain: otherRoot });
        },
      ],
      ["another agency's certificate", 'CERT_BINDING', () => signed(S1, agencyCert(A1))],
      [
        'rsa-sha1 where it is not allowed',
        'SIG_ALGORITHM',
        () => signed(S1, agencyCert(S1), { signatureAlgorithm: 'rsa-sha1' }),
      ],
      [
        'a package changed after signing',
        'SIG_DIGEST_MISMATCH',
        () =>
          Buffer.from(
            signed(S1, agencyCert(S1))
              .toString('utf8')
              .replace('<edXML:Subject>', '<edXML:Subject>Changed: '),
          ),
      ],
      [
        'a second signature wrapped around the first',
        'SIG_WRAPPING',
        () => {
          const text = signed(S1, agencyCert(S1)).toString('utf8');
          const start = text.indexOf('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"');
          const end = text.indexOf('</Signature>', start) + '</Signature>'.length;
          return Buffer.from(text.slice(0, end) + text.slice(start, end) + text.slice(end));
        },
      ],
    ];

    it.each(cases)('%s: %s', async (_what, code, body) => {
      const before = { rows: await stored(SYS_STRICT), queued: await queued() };
      const { httpStatus, answer } = await send(strict, S1, body());
      expect(answer.ErrorCode).toBe(code);
      expect(httpStatus).toBe(422);
      expect({ rows: await stored(SYS_STRICT), queued: await queued() }).toEqual(before);
    });
  });
});
