import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { LinkRelay } from './link.relay.js';

/** Sends `text` through a new connection and resolves with what comes back (the target echoes). */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(text));
    s.once('data', (d) => {
      resolve(d.toString());
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe('LinkRelay', () => {
  let echo: Server;
  let echoPort: number;
  let relay: LinkRelay;

  beforeAll(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoPort = (echo.address() as { port: number }).port;
    relay = new LinkRelay({ host: '127.0.0.1', port: echoPort });
  });

  afterAll(async () => {
    await relay.cut();
    await new Promise((r) => echo.close(r));
  });

  it('relays to its target once open', async () => {
    expect(relay.state).toBe('cut');
    await relay.open();
    expect(relay.state).toBe('up');
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}`);
    expect(await roundTrip(relay.port, 'hello')).toBe('hello');
  });

  it('refuses new connections and resets open ones when cut, and relays again on the same port', async () => {
    const port = relay.port;
    const open: Socket = await new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    });
    const closed = new Promise((r) => open.once('close', r));
    open.on('error', () => undefined);

    await relay.cut();
    expect(relay.state).toBe('cut');
    await closed;
    await expect(roundTrip(port, 'lost')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await relay.restore();
    expect(relay.port).toBe(port);
    expect(await roundTrip(port, 'back')).toBe('back');
  });
});
