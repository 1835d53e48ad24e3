import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on loopback that counts every connection and request it sees. */
export async function startCountingServer(): Promise<{
  url: string;
  connections: () => number;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests += 1;
    response.end('ok');
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
