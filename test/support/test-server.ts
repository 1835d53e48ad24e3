import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test's own HTTP server on loopback: `await using` closes it (and any keep-alive connection left open). */
export interface TestServer extends AsyncDisposable {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * The one way a test starts an HTTP server of its own (a target, a webhook receiver, a metrics page): on
 * 127.0.0.1 (or another loopback address), a free port, its handler given; closing waits for the listener and drops idle connections,
 * so no test hangs on a client that keeps one alive.
 */
export async function startTestServer(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => (server.off('error', reject), resolve()));
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://${host}:${port}`, port, server, close, [Symbol.asyncDispose]: close };
}
