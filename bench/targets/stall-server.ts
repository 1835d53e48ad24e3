/**
 * A target that stalls for `stallMs` in every `periodMs`: a request arriving
 * during a stall is answered when the stall ends; otherwise at once.
 * `stall-server.ts <stallMs> <periodMs>`. Prints its port and the epoch ms its
 * schedule starts from, so the true latency of any send time can be computed.
 */
import http from 'node:http';

const stallMs = Number(process.argv[2] ?? 1_000);
const periodMs = Number(process.argv[3] ?? 5_000);
const originEpochMs = Math.ceil(Date.now() / 1_000) * 1_000 + 1_000;

const server = http.createServer((_request, response) => {
  const phaseMs = (((Date.now() - originEpochMs) % periodMs) + periodMs) % periodMs;
  if (phaseMs < stallMs) setTimeout(() => response.end('ok'), stallMs - phaseMs);
  else response.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, originEpochMs })}\n`,
  );
});
