// Property-based fuzzing of the gateway's HTTP API, on real NATS JetStream and Postgres with the real registry
// app: correctly signed requests with random paths, bodies and headers must never get a 5xx answer, and every
// answer must be an SDK answer (status OK or FAIL with a code). Bounded to 100 requests so the suite stays fast.
// Run the integration project --runInBand (the registry's request subjects are shared by every file).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { signedHeaders } from '#contracts';
import { SDK_PATHS } from '#sdk-client';
import { readSample } from '../support/samples.js';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const run = randomBytes(3).toString('hex');
const SYS = `fuzz-${run}`;
const SECRET = `secret-fuzz-${randomBytes(12).toString('hex')}`;
const K19 = '000.00.00.K19'; // the sample's sender, an agency of SYS
const H19 = '000.00.50.H19';
const EDOC = readSample('edoc_new.edxml');

/** Printable ASCII without control characters: what fetch lets through as a header value. */
const headerValue = fc.string({
  maxLength: 40,
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
});

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      messagetype: fc.oneof(fc.constantFrom('edoc', 'status', 'EDOC', ''), fc.jsonValue({ maxDepth: 1 })),
      agency: fc.oneof(fc.constantFrom(K19, H19, 'x'), fc.jsonValue({ maxDepth: 1 })),
      docId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
      status: fc.oneof(fc.constantFrom('processing', 'done', 'fail'), fc.jsonValue({ maxDepth: 1 })),
      limit: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
      after: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
      sinceVersion: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
    },
    { requiredKeys: [] },
  ),
);

/** A body: JSON (valid or not), random bytes, or the document sample with a few bytes changed. */
const body: fc.Arbitrary<Buffer> = fc.oneof(
  jsonValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')),
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }).map((flips) => {
    const out = Buffer.from(EDOC);
    for (const [at, v] of flips) out[at % out.length] = v;
    return out;
  }),
);

interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query: string;
  body: Buffer;
  contentType: string | undefined;
  accept: string | undefined;
  headers: Record<string, string>;
  rightHash: boolean;
  /** One DX1 header replaced by a random value (most requests keep a correct signature). */
  tamper: { header: string; value: string } | undefined;
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.oneof(
    { arbitrary: fc.constant('POST' as const), weight: 8 },
    { arbitrary: fc.constantFrom('GET' as const, 'PUT' as const), weight: 1 },
  ),
  path: fc.oneof(
    { arbitrary: fc.constantFrom(...Object.values(SDK_PATHS)), weight: 6 },
    {
      arbitrary: fc.constantFrom('/', '/nope', '/sendEdoc/', '/getEdoc/x', '/openapi.json', '/%zz', '/..%2f'),
      weight: 1,
    },
  ),
  query: fc.oneof(
    { arbitrary: fc.constant(''), weight: 6 },
    { arbitrary: fc.constantFrom('?a=1', '?limit=-1&limit=2', '?%'), weight: 1 },
  ),
  body,
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/octet-stream',
      'application/xml',
      'text/plain; charset=latin1',
      'application/json; charset=utf-16',
      'multipart/form-data',
    ),
    { nil: undefined },
  ),
  accept: fc.option(fc.constantFrom('application/json', 'application/octet-stream', '*/*', 'text/html'), {
    nil: undefined,
  }),
  headers: fc.record(
    {
      from: fc.oneof(fc.constantFrom(K19, H19, ''), headerValue),
      messagetype: fc.oneof(fc.constantFrom('edoc', 'status'), headerValue),
      servicetype: fc.oneof(fc.constant('eDoc'), headerValue),
      to: fc.oneof(fc.constantFrom(`["${H19}"]`, '[]', '[1]', '{"a":1}', H19), headerValue),
      'hash-file': headerValue,
      'x-dx-trace': headerValue,
    },
    { requiredKeys: [] },
  ),
  rightHash: fc.boolean(),
  tamper: fc.option(
    fc.record({
      header: fc.constantFrom('x-dx-system', 'x-dx-timestamp', 'x-dx-nonce', 'x-dx-signature'),
      value: headerValue,
    }),
    { nil: undefined, freq: 5 },
  ),
});

describe('gateway fuzzing (signed random requests)', () => {
  let hub: AuthHub;
  let base: string;

  beforeAll(async () => {
    hub = await startAuthHub('fuzz', {
      systems: [{ systemId: SYS, name: 'Fuzz system', secret: SECRET }],
      agencies: [{ organId: K19, name: 'Sender agency', systemId: SYS }],
    });
    base = await hub.gateway(undefined, { maxPackageBytes: 64 * 1024 }, false);
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
  }, 30_000);

  it('never answers 5xx, and answers SDK JSON on every SDK path', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const target = r.path + r.query;
        const sendBody = r.method !== 'GET';
        const headers: Record<string, string> = {
          ...r.headers,
          ...(r.rightHash ? { 'hash-file': sha(r.body) } : {}),
          ...(r.contentType ? { 'content-type': r.contentType } : {}),
          ...(r.accept ? { accept: r.accept } : {}),
          ...signedHeaders(SYS, SECRET, { method: r.method, path: target, body: sendBody ? r.body : '' }),
          ...(r.tamper ? { [r.tamper.header]: r.tamper.value } : {}),
        };
        const res = await fetch(`${base}${target}`, {
          method: r.method,
          headers,
          body: sendBody ? r.body : undefined,
        });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        // On failure, fast-check reports the shrunk request; the answer is shown beside the status.
        expect({
          target,
          status: res.status < 500 ? 'below 500' : res.status,
          text: res.status < 500 ? '' : text,
        }).toEqual({ target, status: 'below 500', text: '' });
        const sdkPath =
          (Object.values(SDK_PATHS) as string[]).includes(r.path) && r.path !== SDK_PATHS.health;
        if (sdkPath && r.method === 'POST' && res.headers.get('content-type')?.includes('json')) {
          const answer = JSON.parse(text) as { status?: string; ErrorCode?: string };
          expect(['OK', 'FAIL']).toContain(answer.status);
          if (answer.status === 'FAIL') expect(answer.ErrorCode).toMatch(/^[A-Z][A-Z0-9_]+$/);
        }
      }),
      { numRuns: 100 },
    );
    // The requests got past authentication and reached the calls' own checks, not only the guard.
    expect([...seen.keys()].some((s) => s === 200 || s === 400)).toBe(true);
  }, 120_000);
});
