/** A target that answers every request after a fixed delay: `delay-server.ts <delayMs>`. Prints its port. */
import http from 'node:http';

const delayMs = Number(process.argv[2] ?? 50);
const server = http.createServer((_request, response) => {
  setTimeout(() => response.end('ok'), delayMs);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
