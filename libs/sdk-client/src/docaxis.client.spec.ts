import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADERS, stringToSign, verifySignature } from '#contracts';
import { DocaxisClient, DocaxisClientError } from './docaxis.client.js';
import { decodeTrace, encodeTrace } from '#contracts';

const SECRET = 'test-secret-of-sys-a';
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  signatureValid: boolean;
}

// A real HTTP server standing in for the gateway: it records each request and checks its DX1 signature.
let server: Server;
let base: string;
const seen: Seen[] = [];
let respond: (req: Seen, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const h = (n: string): string => String(req.headers[n] ?? '');
      let signatureValid: boolean;
      try {
        const text = stringToSign({
          method: req.method ?? '',
          path: req.url ?? '',
          timestamp: h(SIGNATURE_HEADERS.timestamp),
          nonce: h(SIGNATURE_HEADERS.nonce),
          bodySha256: sha(body),
        });
        signatureValid = verifySignature(SECRET, text, h(SIGNATURE_HEADERS.signature));
      } catch {
        signatureValid = false;
      }
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        signatureValid,
      };
      seen.push(s);
      respond(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const client = (over: Partial<ConstructorParameters<typeof DocaxisClient>[0]> = {}) =>
  new DocaxisClient({ baseUrl: base, systemId: 'sys-a', secret: SECRET, ...over });

describe('DocaxisClient', () => {
  it('signs a send over its exact bytes and sends the SDK headers', async () => {
    const pkg = Buffer.from('<edXML>… Tiếng Việt …</edXML>', 'utf8');
    respond = (_r, res) =>
      json(res, 200, {
        status: 'OK',
        ErrorCode: '0',
        ErrorDesc: '',
        DocId: 'doc-1',
        data: { docId: 'doc-1', duplicate: true },
      });
    const r = await client().sendEdoc(pkg, {
      from: '000.00.00.H41',
      messageType: 'edoc',
      to: ['000.00.00.G22'],
    });
    expect(r).toEqual({ docId: 'doc-1', duplicate: true, signature: { verdict: 'not-checked' } });
    const s = seen.at(-1)!;
    expect(s).toMatchObject({ method: 'POST', url: '/sendEdoc', signatureValid: true });
    expect(s.body.equals(pkg)).toBe(true);
    expect(s.headers).toMatchObject({
      from: '000.00.00.H41',
      to: '["000.00.00.G22"]',
      servicetype: 'eDoc',
      messagetype: 'edoc',
      'hash-file': sha(pkg),
      [SIGNATURE_HEADERS.system]: 'sys-a',
    });
  });

  it('sends list options under the SDK field names and returns the page', async () => {
    respond = (_r, res) =>
      json(res, 200, { status: 'OK', ErrorCode: '0', ErrorDesc: '', data: [{ id: 'x' }], next: '7' });
    const page = await client().getReceivedEdocList({ messageType: 'status', agency: 'A', limit: 1 });
    expect(page).toEqual({ items: [{ id: 'x' }], next: '7' });
    const s = seen.at(-1)!;
    expect(s.signatureValid).toBe(true);
    expect(JSON.parse(s.body.toString())).toEqual({ messagetype: 'status', agency: 'A', limit: 1 });
  });

  it('throws the stable code of a FAIL answer', async () => {
    respond = (_r, res) =>
      json(res, 409, { status: 'FAIL', ErrorCode: 'DUPLICATE_DOCUMENT_ID', ErrorDesc: 'DocumentId X' });
    const e = await client()
      .sendEdoc(Buffer.from('x'), { from: 'A', messageType: 'edoc' })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DocaxisClientError);
    expect(e).toMatchObject({
      code: 'DUPLICATE_DOCUMENT_ID',
      httpStatus: 409,
      message: 'DocumentId X',
      transient: false,
    });
  });

  it('fetches raw bytes and checks them against the announced SHA-256', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251]);
    respond = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-dx-sha256': sha(bytes) });
      res.end(bytes);
    };
    expect((await client().getEdoc('d1')).equals(bytes)).toBe(true);
    expect(seen.at(-1)!.headers.accept).toBe('application/octet-stream');

    respond = (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-dx-sha256': sha('other') });
      res.end(bytes);
    };
    await expect(client().getEdoc('d1')).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });

  it('fetches the SDK JSON shape (base64) on request', async () => {
    const bytes = Buffer.from('package bytes');
    respond = (_r, res) =>
      json(res, 200, {
        status: 'OK',
        ErrorCode: '0',
        ErrorDesc: '',
        data: { docId: 'd1', content: bytes.toString('base64'), sha256: sha(bytes) },
      });
    expect((await client().getEdoc('d1', { base64: true })).equals(bytes)).toBe(true);
  });

  it('sends the hops of a forwarded package in x-dx-trace', async () => {
    respond = (_r, res) =>
      json(res, 200, {
        status: 'OK',
        ErrorCode: '0',
        ErrorDesc: '',
        DocId: 'doc-2',
        data: { docId: 'doc-2' },
      });
    const trace = [{ OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' }];
    await client().sendEdoc(Buffer.from('x'), { from: '000.00.01.H41', messageType: 'edoc', trace });
    const s = seen.at(-1)!;
    expect(s.signatureValid).toBe(true);
    expect(decodeTrace(String(s.headers['x-dx-trace']))).toEqual(trace);
  });

  it('fetches the hops and the view beside the bytes, raw or base64', async () => {
    const bytes = Buffer.from('traced copy');
    const trace = [
      { OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' },
      { OrganId: '000.00.00.G22', Timestamp: '2026/11/23 09:00:01' },
    ];
    respond = (_r, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'x-dx-doc-id': 'd1',
        'x-dx-sha256': sha(bytes),
        'x-dx-trace': encodeTrace(trace),
        'x-dx-view': 'traced',
      });
      res.end(bytes);
    };
    const raw = await client().fetchEdoc('d1', { view: 'traced' });
    expect(raw).toMatchObject({ docId: 'd1', sha256: sha(bytes), trace, view: 'traced' });
    expect(raw.content.equals(bytes)).toBe(true);
    expect(JSON.parse(seen.at(-1)!.body.toString())).toEqual({ docId: 'd1', view: 'traced' });

    respond = (_r, res) =>
      json(res, 200, {
        status: 'OK',
        ErrorCode: '0',
        ErrorDesc: '',
        data: { docId: 'd1', content: bytes.toString('base64'), sha256: sha(bytes), trace, view: 'original' },
      });
    expect(await client().fetchEdoc('d1', { base64: true })).toMatchObject({ trace, view: 'original' });
    expect(JSON.parse(seen.at(-1)!.body.toString())).toEqual({ docId: 'd1' });

    respond = (_r, res) => {
      res.writeHead(200, { 'x-dx-sha256': sha(bytes), 'x-dx-trace': 'not%20json' });
      res.end(bytes);
    };
    await expect(client().fetchEdoc('d1')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('keeps and signs a path prefix of the base URL', async () => {
    respond = (_r, res) => json(res, 200, { status: 'OK', ErrorCode: '0', ErrorDesc: '', data: [] });
    await client({ baseUrl: `${base}/axis/` }).updateStatus('d1', 'done');
    expect(seen.at(-1)).toMatchObject({ url: '/axis/updateStatus', signatureValid: true });
  });

  it('uses the given clock for the timestamp', async () => {
    respond = (_r, res) => json(res, 200, { status: 'OK', ErrorCode: '0', ErrorDesc: '', data: [] });
    await client({ now: () => 1_700_000_000_999 }).getSentEdocList();
    expect(seen.at(-1)!.headers[SIGNATURE_HEADERS.timestamp]).toBe('1700000000');
  });

  it('reports answers that are not SDK answers, and no answer at all, as transient', async () => {
    respond = (_r, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    await expect(client().getAgenciesList()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      httpStatus: 502,
      transient: true,
    });

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(client({ baseUrl: `http://127.0.0.1:${port}` }).getAgenciesList()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      httpStatus: 0,
      transient: true,
    });
  });
});
