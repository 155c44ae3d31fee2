import { connect, createServer, type Server, type Socket } from 'node:net';
import type { LinkState } from './topology.state.js';

/**
 * The link between a provincial axis and the national axis on loopback: a TCP relay in front of the national
 * gateway that the provincial connector talks through. Cutting it closes the listener and drops every open
 * connection (the connector sees refused and reset connections, as on a real outage); restoring it listens on
 * the same port again.
 */
export class LinkRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private listenPort: number;

  constructor(
    private readonly target: { host: string; port: number },
    port = 0,
  ) {
    this.listenPort = port;
  }

  get state(): LinkState {
    return this.server ? 'up' : 'cut';
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  /** Starts relaying (the first time on `port`, or a free one; afterwards always on the same port). */
  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((inbound) => this.relay(inbound));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.listenPort = address.port;
    this.server = server;
  }

  /** Refuses new connections and resets the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async restore(): Promise<void> {
    await this.open();
  }

  private relay(inbound: Socket): void {
    const outbound = connect({ host: this.target.host, port: this.target.port });
    for (const s of [inbound, outbound]) {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
      // Either side failing ends both, like a broken link.
      s.once('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
