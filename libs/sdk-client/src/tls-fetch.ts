import { Agent, request } from 'node:https';

/** TLS settings of a client: the gateway's CA (when not a public one) and a client certificate for mTLS. */
export interface ClientTlsOptions {
  /** PEM trust anchors for the gateway's server certificate (replaces the system's default roots). */
  ca?: string | Buffer;
  /** PEM client certificate (chain allowed) and its private key: authenticates the system by mTLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch over node:https with a custom CA and client certificate, which Node's global fetch cannot take
 * without the undici package. It covers what DocaxisClient sends: a method, string headers, a byte body and
 * an abort signal; the answer is a standard Response.
 */
export function tlsFetch(tls: ClientTlsOptions): typeof fetch {
  const agent = new Agent({ ca: tls.ca, cert: tls.cert, key: tls.key });
  return ((input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          agent,
          signal: init.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
                headers.append(name, v);
              }
            }
            const status = res.statusCode ?? 0;
            resolve(
              new Response(NULL_BODY_STATUS.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage,
                headers,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      const body = init.body;
      if (body !== undefined && body !== null) {
        if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
          reject(new TypeError('tlsFetch sends string or byte bodies only'));
          req.destroy();
          return;
        }
        req.end(body);
      } else {
        req.end();
      }
    });
  }) as typeof fetch;
}
