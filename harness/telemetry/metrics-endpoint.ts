import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface StartedMetricsEndpoint extends AsyncDisposable {
  url: string;
  stop(): Promise<void>;
}

/** Serves `registry` at http://127.0.0.1:<port>/metrics (loopback only; port 0 picks a free one). */
export async function startMetricsEndpoint(registry: Registry, port: number): Promise<StartedMetricsEndpoint> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('try /metrics\n');
      return;
    }
    registry
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch((error: Error) => response.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
