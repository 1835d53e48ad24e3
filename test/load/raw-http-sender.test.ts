import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorKindOfSendFailure } from '../../harness/load/http-sender.ts';
import { epochNowMs } from '../../harness/load/precise-time.ts';
import { RawHttpSender } from '../../harness/load/raw-http-sender.ts';
import { prepareRequest, type PreparedRequest } from '../../harness/flows/request-mix.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real TCP server on loopback that answers each request (one per `\r\n\r\n`) as `respond` says, byte for byte. */
async function rawServer(respond: (socket: net.Socket, requestIndex: number, head: string) => void): Promise<URL> {
  let requestIndex = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        respond(socket, requestIndex++, head);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
}

interface Outcome {
  status?: number;
  error?: Error;
  elapsedMs: number;
}

function sendOnce(sender: RawHttpSender, request: PreparedRequest): Promise<Outcome> {
  const startMs = epochNowMs();
  return new Promise((resolve) =>
    sender.send(request, {
      onStatus: (status) => resolve({ status, elapsedMs: epochNowMs() - startMs }),
      onFailure: (error) => resolve({ error, elapsedMs: epochNowMs() - startMs }),
    }),
  );
}

function newSender(url: URL, timeoutMs = 2_000, maxConnections = 4): RawHttpSender {
  const sender = new RawHttpSender(url, maxConnections, timeoutMs);
  cleanups.push(() => sender.close());
  return sender;
}

const GET = prepareRequest({ method: 'GET', path: '/', weight: 1 });

describe('RawHttpSender', () => {
  it('reads every way an HTTP/1.1 response can be framed, and keeps the connection when it may', async () => {
    const bodies = [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy',
    ];
    const url = await rawServer((socket, index) => socket.write(bodies[index]!));
    const sender = newSender(url);
    const statuses: number[] = [];
    for (let i = 0; i < bodies.length; i++) statuses.push((await sendOnce(sender, GET)).status!);
    expect(statuses).toEqual([200, 201, 202, 204, 503]);
    expect(sender.openConnections).toBe(1);
  });

  it('reads a body delimited by the end of the connection, and a HEAD response without its body', async () => {
    const url = await rawServer((socket, _index, head) => {
      if (head.startsWith('HEAD')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
    });
    const sender = newSender(url);
    expect((await sendOnce(sender, prepareRequest({ method: 'HEAD', path: '/', weight: 1 }))).status).toBe(200);
    expect((await sendOnce(sender, GET)).status).toBe(200);
  });

  // Never early; late only by timer lag (a few ms when quiet, up to tens of ms on a busy 2-core machine).
  it.each([50, 500, 2_000])(
    'times out a response at %i ms, never early and late only by timer lag',
    async (timeoutMs) => {
      const url = await rawServer((socket) =>
        setTimeout(
          () => !socket.destroyed && socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
          timeoutMs * 2,
        ),
      );
      const outcome = await sendOnce(newSender(url, timeoutMs), GET);
      expect(outcome.error).toBeDefined();
      expect(errorKindOfSendFailure(outcome.error)).toBe('timeout');
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 0.5);
      expect(outcome.elapsedMs).toBeLessThan(timeoutMs + 75);
    },
  );

  it('answers just inside the timeout as a success', async () => {
    const url = await rawServer((socket) =>
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 150),
    );
    expect((await sendOnce(newSender(url, 500), GET)).status).toBe(200);
  });

  it('bounds the whole response: a server that dribbles a byte at a time still times out', async () => {
    const url = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      const dribble = setInterval(() => (socket.destroyed ? clearInterval(dribble) : socket.write('x')), 20);
      socket.on('close', () => clearInterval(dribble));
    });
    const outcome = await sendOnce(newSender(url, 300), GET);
    expect(errorKindOfSendFailure(outcome.error)).toBe('timeout');
    expect(outcome.elapsedMs).toBeLessThan(330);
  });

  it('sends an idempotent request again, once, when a kept-alive connection turns out closed; a POST fails', async () => {
    // The server answers the first request on each connection, then drops the connection at the next one unanswered.
    const seen = new WeakMap<net.Socket, number>();
    const url = await rawServer((socket) => {
      const count = (seen.get(socket) ?? 0) + 1;
      seen.set(socket, count);
      if (count === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    const sender = newSender(url, 1_000, 1);
    expect((await sendOnce(sender, GET)).status).toBe(200);
    expect((await sendOnce(sender, GET)).status).toBe(200);
    const post = await sendOnce(
      sender,
      prepareRequest({ method: 'POST', path: '/orders', body: { qty: 1 }, weight: 1 }),
    );
    expect(post.error).toBeDefined();
    expect(errorKindOfSendFailure(post.error)).toBe('reset');
  });

  it('counts a refused connection as refused', async () => {
    const url = await rawServer(() => undefined);
    const port = url.port;
    await cleanups.pop()!();
    const outcome = await sendOnce(newSender(new URL(`http://127.0.0.1:${port}`)), GET);
    expect(errorKindOfSendFailure(outcome.error)).toBe('refused');
  });

  it('writes the request as given, with Host, a Content-Length for the body, and its own framing only', async () => {
    let seenHead = '';
    const url = await rawServer((socket, _index, head) => {
      seenHead = head;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const request = prepareRequest({
      method: 'POST',
      path: '/api/orders?x=1',
      headers: { 'x-trace': 'abc', 'content-length': '999' },
      body: { symbol: 'ACME' },
      weight: 1,
    });
    await sendOnce(newSender(url), request);
    expect(seenHead.split('\r\n')[0]).toBe('POST /api/orders?x=1 HTTP/1.1');
    expect(seenHead).toContain(`host: ${url.host}`);
    expect(seenHead).toContain('x-trace: abc');
    expect(seenHead).toContain(`content-length: ${JSON.stringify({ symbol: 'ACME' }).length}`);
    expect(seenHead).not.toContain('999');
  });

  it('refuses a header or path with a line break instead of splitting the request', () => {
    const sender = newSender(new URL('http://127.0.0.1:1'));
    expect(() =>
      sender.wireOf(prepareRequest({ method: 'GET', path: '/', headers: { 'x-a': 'b\r\nx-evil: 1' }, weight: 1 })),
    ).toThrow(/line break/);
    expect(() => sender.wireOf(prepareRequest({ method: 'GET', path: '/a\r\nb', weight: 1 }))).toThrow(/line break/);
  });

  it('opens connections ahead of load without sending a request', async () => {
    let requests = 0;
    const url = await rawServer((socket) => {
      requests += 1;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const sender = newSender(url, 1_000, 8);
    await sender.preconnect(5);
    expect(sender.openConnections).toBe(5);
    expect(requests).toBe(0);
  });
});
