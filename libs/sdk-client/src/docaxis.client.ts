import { createHash } from 'node:crypto';
import { signedHeaders } from '#contracts';
import {
  EDOC_RESPONSE_HEADERS,
  SDK_PATHS,
  SEND_HEADERS,
  SERVICE_TYPE,
  type AgenciesListRequest,
  type AgencyItem,
  type EdocContent,
  type EdocView,
  type GetReceiptsRequest,
  type ReceiptItem,
  type ReceivedItem,
  type ReceivedListRequest,
  type SdkAnswer,
  type SdkMessageType,
  type SdkOk,
  type SendResult,
  type SentItem,
  type SentListRequest,
  type StatusUpdateResult,
  type TraceHop,
  type TransportStatus,
  type UpdateStatusRequest,
} from './sdk.protocol.js';
import { decodeTrace, encodeTrace } from '#contracts';
import { tlsFetch, type ClientTlsOptions } from './tls-fetch.js';

export interface DocaxisClientOptions {
  /** Where the gateway listens, e.g. `https://axis.example.gov.vn` (a path prefix is kept and signed). */
  baseUrl: string;
  /** The connected system's id and secret, as registered in the hub's registry. */
  systemId: string;
  /** Without a secret the calls go unsigned: the system then authenticates by its TLS client certificate. */
  secret?: string;
  /** Per-call timeout; default 60 s (packages reach tens of MB). */
  timeoutMs?: number;
  /** Clock for x-dx-timestamp, in ms; lets a caller correct a known skew. Default Date.now. */
  now?: () => number;
  /** fetch implementation; default the global one (Node 20), or a TLS-aware one when `tls` is given. */
  fetch?: typeof fetch;
  /** HTTPS settings: the gateway's CA and, for mTLS, this system's client certificate and key (PEM). */
  tls?: ClientTlsOptions;
}

/** A FAIL answer (or no answer). `code` is the hub's stable error code; `transient` means: retry later. */
export class DocaxisClientError extends Error {
  override readonly name = 'DocaxisClientError';
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status of the answer; 0 when none arrived. */
    readonly httpStatus: number,
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.code === 'UNAVAILABLE' || this.httpStatus === 0 || this.httpStatus >= 502;
  }
}

export interface SendEdocOptions {
  /** Sending agency: one of this system's agencies and the package's From.OrganId. */
  from: string;
  /** `edoc` for a document package, `status` for a status package. */
  messageType: SdkMessageType;
  /** Recipients hint (the `to` header, sent as a JSON array); the package's To list is what routing uses. */
  to?: string[];
  /** Hops so far (x-dx-trace), sent by an axis forwarding the package; the receiving hub appends its own. */
  trace?: readonly TraceHop[];
}

/** A fetched package: its bytes (SHA-256 checked), the hops it took, and which view the bytes are. */
export interface FetchedEdoc {
  docId: string;
  content: Buffer;
  sha256: string;
  trace: TraceHop[];
  view: EdocView;
}

export interface FetchEdocOptions {
  /** The SDK's JSON shape (base64) instead of raw bytes. */
  base64?: boolean;
  /** `original` (default, the signed bytes) or `traced` (a rebuilt copy with the hops in TraceHeaderList). */
  view?: EdocView;
}

export interface ListOptions {
  /** edoc or status; both when absent. */
  messageType?: SdkMessageType;
  /** One of this system's agencies; all of them when absent. */
  agency?: string;
  /** Page size, 1 to 1000 (default 100). */
  limit?: number;
  /** `next` of the previous page. */
  after?: string;
}

export interface SentListOptions extends ListOptions {
  /** Only this DocId. */
  docId?: string;
}

export interface AgenciesListOptions {
  /** Only agencies changed after this registry version (incremental sync). */
  sinceVersion?: number;
  limit?: number;
  /** `next` of the previous page (an OrganId). */
  after?: string;
}

export interface ListPage<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface AgenciesListPage extends ListPage<AgencyItem> {
  /** Registry version the page was read at (keep it for the next `sinceVersion`). */
  version: number;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  /** Body bytes (sent as is) or a JSON value (serialised). */
  body?: Uint8Array | object;
  headers?: Record<string, string>;
  accept?: string;
  /** Leave the request unsigned (health only). */
  unsigned?: boolean;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function checkSha256(content: Buffer, expected: string, docId: string): void {
  const actual = sha256Hex(content);
  if (actual !== expected.toLowerCase()) {
    throw new DocaxisClientError(
      'HASH_MISMATCH',
      `DocId ${docId}: content SHA-256 ${actual} ≠ ${expected}`,
      200,
    );
  }
}

/** The wire fields of a list call (the SDK's names) from the client's options. */
function listRequest(opts: ListOptions): ReceivedListRequest {
  const body: ReceivedListRequest = {};
  if (opts.messageType) body.messagetype = opts.messageType;
  if (opts.agency) body.agency = opts.agency;
  if (opts.limit !== undefined) body.limit = opts.limit;
  if (opts.after) body.after = opts.after;
  return body;
}

/**
 * Typed client of the hub's SDK-compatible HTTP API. Signs every call (DX1-HMAC-SHA256 over method, path,
 * timestamp, a fresh nonce and body hash; a retry is signed anew), computes `hash-file` for sends, and returns the answers' data; a FAIL answer throws
 * DocaxisClientError with the stable code. Used by the CLI, the e2e tests and the SDK-HTTP connector.
 * With `tls` it speaks HTTPS with a custom CA and, for mTLS, a client certificate; without a secret its calls
 * go unsigned and the certificate alone authenticates the system.
 */
export class DocaxisClient {
  private readonly base: URL;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: DocaxisClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.fetchFn = options.fetch ?? (options.tls ? tlsFetch(options.tls) : fetch);
  }

  /** Submits an edXML package; answers the hub DocId (the original one, `duplicate`, for a repeated send). */
  async sendEdoc(pkg: Uint8Array, opts: SendEdocOptions): Promise<SendResult> {
    const headers: Record<string, string> = {
      [SEND_HEADERS.from]: opts.from,
      [SEND_HEADERS.serviceType]: SERVICE_TYPE,
      [SEND_HEADERS.messageType]: opts.messageType,
      [SEND_HEADERS.hashFile]: sha256Hex(pkg),
      'content-type': 'application/octet-stream',
    };
    if (opts.to?.length) headers[SEND_HEADERS.to] = JSON.stringify(opts.to);
    if (opts.trace?.length) headers[SEND_HEADERS.trace] = encodeTrace(opts.trace);
    const ok = await this.callOk<SendResult>(SDK_PATHS.sendEdoc, { body: pkg, headers });
    return {
      docId: ok.DocId ?? ok.data?.docId ?? '',
      duplicate: ok.data?.duplicate ?? false,
      ...(ok.data?.receipt ? { receipt: ok.data.receipt } : {}),
      signature: ok.data?.signature ?? { verdict: 'not-checked' },
    };
  }

  /** The inbox: packages to this system's agencies not yet acknowledged done (or fail), oldest first. */
  async getReceivedEdocList(opts: ListOptions = {}): Promise<ListPage<ReceivedItem>> {
    const body: ReceivedListRequest = listRequest(opts);
    const ok = await this.callOk<ReceivedItem[]>(SDK_PATHS.getReceivedEdocList, { body });
    return { items: ok.data ?? [], next: ok.next };
  }

  /**
   * A package this system sent or received, byte-identical to what was submitted; its SHA-256 is checked.
   * Fetched as raw bytes by default, or in the SDK's JSON shape (base64) with `{ base64: true }`.
   */
  async getEdoc(docId: string, opts: { base64?: boolean } = {}): Promise<Buffer> {
    return (await this.fetchEdoc(docId, opts)).content;
  }

  /** getEdoc with what the hub keeps beside the bytes: the hops (TraceHeaders) and the view. */
  async fetchEdoc(docId: string, opts: FetchEdocOptions = {}): Promise<FetchedEdoc> {
    const body = { docId, ...(opts.view ? { view: opts.view } : {}) };
    if (opts.base64) {
      const ok = await this.callOk<EdocContent>(SDK_PATHS.getEdoc, { body });
      if (!ok.data) throw new DocaxisClientError('BAD_RESPONSE', 'getEdoc answered no data', 200);
      const content = Buffer.from(ok.data.content, 'base64');
      checkSha256(content, ok.data.sha256, docId);
      return {
        docId: ok.data.docId ?? docId,
        content,
        sha256: ok.data.sha256,
        trace: ok.data.trace ?? [],
        view: ok.data.view ?? 'original',
      };
    }
    const res = await this.send(SDK_PATHS.getEdoc, { body, accept: 'application/octet-stream' });
    if (!res.ok) await this.fail(res);
    const content = Buffer.from(await res.arrayBuffer());
    const sha256 = res.headers.get(EDOC_RESPONSE_HEADERS.sha256) ?? '';
    checkSha256(content, sha256, docId);
    let trace: TraceHop[];
    try {
      trace = decodeTrace(res.headers.get(EDOC_RESPONSE_HEADERS.trace));
    } catch (e) {
      throw new DocaxisClientError(
        'BAD_RESPONSE',
        `getEdoc ${docId}: ${EDOC_RESPONSE_HEADERS.trace} is ${(e as Error).message}`,
        res.status,
      );
    }
    const view = res.headers.get(EDOC_RESPONSE_HEADERS.view) === 'traced' ? 'traced' : 'original';
    return { docId: res.headers.get(EDOC_RESPONSE_HEADERS.docId) ?? docId, content, sha256, trace, view };
  }

  /** Transport acknowledgement of a received package: processing, done (final) or fail. */
  async updateStatus(docId: string, status: TransportStatus, agency?: string): Promise<StatusUpdateResult[]> {
    const body: UpdateStatusRequest = { docId, status, ...(agency ? { agency } : {}) };
    const ok = await this.callOk<StatusUpdateResult[]>(SDK_PATHS.updateStatus, { body });
    return ok.data ?? [];
  }

  /** What happened to what this system sent, newest first, per recipient. */
  async getSentEdocList(opts: SentListOptions = {}): Promise<ListPage<SentItem>> {
    const body: SentListRequest = { ...listRequest(opts), ...(opts.docId ? { docId: opts.docId } : {}) };
    const ok = await this.callOk<SentItem[]>(SDK_PATHS.getSentEdocList, { body });
    return { items: ok.data ?? [], next: ok.next };
  }

  /** One package this system sent, with its recipients' states; null when it is not one of ours. */
  async findSent(docId: string): Promise<SentItem | null> {
    const page = await this.getSentEdocList({ docId, limit: 1 });
    return page.items[0] ?? null;
  }

  /**
   * The receipts of a DocId this system sent (all of them) or received (the submission receipt and its own
   * acknowledgements), oldest first. Verify them with #trust verifyReceipt; they are not checked here.
   */
  async getReceipts(docId: string, agency?: string): Promise<ReceiptItem[]> {
    const body: GetReceiptsRequest = { docId, ...(agency ? { agency } : {}) };
    const ok = await this.callOk<ReceiptItem[]>(SDK_PATHS.getReceipts, { body });
    return ok.data ?? [];
  }

  /** The agency directory, by OrganId; `sinceVersion` gives only what changed (incremental sync). */
  async getAgenciesList(opts: AgenciesListOptions = {}): Promise<AgenciesListPage> {
    const body: AgenciesListRequest = { ...opts };
    const ok = await this.callOk<AgencyItem[]>(SDK_PATHS.getAgenciesList, { body });
    return { items: ok.data ?? [], next: ok.next, version: ok.version ?? 0 };
  }

  /**
   * The SDK's registry synchronisation call: the agencies changed after `sinceVersion` (0: all), deletions
   * included, with the version to ask from next time.
   */
  async getSynchronizeUnit(opts: AgenciesListOptions = {}): Promise<AgenciesListPage> {
    const body: AgenciesListRequest = { sinceVersion: 0, ...opts };
    const ok = await this.callOk<AgencyItem[]>(SDK_PATHS.getSynchronizeUnit, { body });
    return { items: ok.data ?? [], next: ok.next, version: ok.version ?? 0 };
  }

  /** Unauthenticated liveness of the gateway and its backing services. */
  async health(): Promise<SdkAnswer<Record<string, string>>> {
    const res = await this.send(SDK_PATHS.health, { method: 'GET', unsigned: true });
    return (await res.json()) as SdkAnswer<Record<string, string>>;
  }

  /**
   * Low level: signs and sends one call and returns the parsed answer, OK or FAIL, without throwing on FAIL.
   * The methods above are built on it; use it for calls or headers they do not cover.
   */
  async call<T = unknown>(
    path: string,
    opts: CallOptions = {},
  ): Promise<{ httpStatus: number; answer: SdkAnswer<T> }> {
    const res = await this.send(path, opts);
    return { httpStatus: res.status, answer: await this.parse<T>(res) };
  }

  /** Low level: one signed call answered as the raw Response, for downloads (bytes, not an SDK answer). */
  async fetchRaw(path: string, opts: CallOptions = {}): Promise<Response> {
    return this.send(path, opts);
  }

  private async callOk<T>(path: string, opts: CallOptions): Promise<SdkOk<T>> {
    const { httpStatus, answer } = await this.call<T>(path, opts);
    if (answer.status !== 'OK') throw new DocaxisClientError(answer.ErrorCode, answer.ErrorDesc, httpStatus);
    return answer;
  }

  private async send(path: string, opts: CallOptions): Promise<Response> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const method = opts.method ?? 'POST';
    const body =
      opts.body === undefined
        ? undefined
        : opts.body instanceof Uint8Array
          ? opts.body
          : Buffer.from(JSON.stringify(opts.body), 'utf8');
    const headers: Record<string, string> = {
      accept: opts.accept ?? 'application/json',
      ...(body && !(opts.body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    };
    if (!opts.unsigned && this.options.secret !== undefined) {
      Object.assign(
        headers,
        signedHeaders(this.options.systemId, this.options.secret, {
          method,
          path: url.pathname + url.search,
          body: body ?? '',
          timestamp: Math.floor((this.options.now ?? Date.now)() / 1000),
        }),
      );
    }
    try {
      return await this.fetchFn(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (e) {
      throw new DocaxisClientError('UNAVAILABLE', `${method} ${url.pathname}: ${(e as Error).message}`, 0);
    }
  }

  private async parse<T>(res: Response): Promise<SdkAnswer<T>> {
    const text = await res.text();
    try {
      const answer = JSON.parse(text) as SdkAnswer<T>;
      if (answer && (answer.status === 'OK' || answer.status === 'FAIL')) return answer;
    } catch {
      // fall through: not an SDK answer (a proxy's error page, say)
    }
    throw new DocaxisClientError(
      res.status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE',
      `HTTP ${res.status}: not an SDK answer: ${text.slice(0, 200)}`,
      res.status,
    );
  }

  private async fail(res: Response): Promise<never> {
    const answer = await this.parse(res);
    if (answer.status === 'FAIL') {
      throw new DocaxisClientError(answer.ErrorCode, answer.ErrorDesc, res.status);
    }
    throw new DocaxisClientError('BAD_RESPONSE', `HTTP ${res.status} with an OK answer`, res.status);
  }
}
