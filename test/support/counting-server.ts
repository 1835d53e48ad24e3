import { startTestServer, type TestServer } from './test-server.ts';

/** A real HTTP server on loopback that counts every connection and request it sees (`await using` closes it). */
export async function startCountingServer(): Promise<
  TestServer & { connections: () => number; requests: () => number }
> {
  let connections = 0;
  let requests = 0;
  const server = await startTestServer((_request, response) => {
    requests += 1;
    response.end('ok');
  });
  server.server.on('connection', () => (connections += 1));
  return Object.assign(server, { connections: () => connections, requests: () => requests });
}
