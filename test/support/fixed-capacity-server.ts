import { startTestServer, type TestServer } from './test-server.ts';

/**
 * A service with a known capacity: `workers` servers, each taking exactly `serviceMs` per request, in arrival
 * order — k / s requests a second, latency flat below it and growing without bound above it (the queue). Each
 * worker's time is kept on the clock, not on its timers: a timer that fires late delays that answer, never the
 * next request's start, so the capacity stays k / s on a busy machine.
 */
export async function startFixedCapacityServer(workers: number, serviceMs: number): Promise<TestServer> {
  const freeAtMs = new Array<number>(workers).fill(0);
  return await startTestServer((_request, response) => {
    const nowMs = performance.now();
    let worker = 0;
    for (let i = 1; i < workers; i++) if (freeAtMs[i]! < freeAtMs[worker]!) worker = i;
    const doneMs = Math.max(nowMs, freeAtMs[worker]!) + serviceMs;
    freeAtMs[worker] = doneMs;
    setTimeout(() => response.end('ok'), doneMs - nowMs);
  });
}
