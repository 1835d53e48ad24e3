import { describe, expect, it } from 'vitest';
import { PrometheusServer } from '../../harness/prometheus/prometheus-server.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const CHUNK_BYTES = 64 * 1024;

/**
 * A service with two memory pools, on loopback: a cache allocated whole at start (steady), and a session map
 * that keeps 64 KB for every request and never lets go (a leak: ~1.3 MB/s at 20 req/s, ~4.7 GB/h).
 */
async function startLeakyService(): Promise<TestServer & { host: string }> {
  const cache = Array.from({ length: 50 }, () => Buffer.alloc(CHUNK_BYTES, 1));
  const sessions: Buffer[] = [];
  const server = await startTestServer((request, response) => {
    if (request.url === '/metrics') {
      const bytes = (pool: Buffer[]) => pool.reduce((sum, b) => sum + b.length, 0);
      response.end(
        `# TYPE app_pool_bytes gauge\napp_pool_bytes{pool="cache"} ${bytes(cache)}\napp_pool_bytes{pool="sessions"} ${bytes(sessions)}\n`,
      );
      return;
    }
    sessions.push(Buffer.alloc(CHUNK_BYTES, 1));
    response.end('ok');
  });
  return Object.assign(server, { host: `127.0.0.1:${server.port}` });
}

describe('drift on a real Prometheus', () => {
  it(
    'a pool that grows under load FAILS "grows < 50 MB/h"; a steady one PASSES, in the same run',
    { timeout: 60_000 },
    async () => {
      await using service = await startLeakyService();
      await using prometheus = await new PrometheusServer()
        .withScrapeTargets([{ job: 'app', target: service.host }])
        .start();
      const report = await runScenario({
        name: 'drift',
        target: { baseUrl: service.url },
        prometheus: { url: prometheus.url },
        load: notAboutTheGenerator({ warmup: false }),
        requests: [{ path: '/' }],
        phases: [{ name: 'soak', duration: '15s', rate: 20 }],
        slos: [],
        checks: [
          { kind: 'drift', phase: 'soak', query: 'max(app_pool_bytes{pool="cache"})', maxGrowthPerHour: 50e6 },
          { kind: 'drift', phase: 'soak', query: 'max(app_pool_bytes{pool="sessions"})', maxGrowthPerHour: 50e6 },
        ],
      });
      const drift = report.checks.filter((c) => c.metric === 'drift');
      expect(drift.map((c) => [c.name, c.status, c.reason])).toEqual([
        [expect.stringContaining('app_pool_bytes{pool="cache"}'), 'pass', expect.stringMatching(/^slope 0\/h/)],
        [expect.stringContaining('app_pool_bytes{pool="sessions"}'), 'fail', expect.stringMatching(/^slope \d/)],
      ]);
      // About 20 requests × 64 KB a second, per hour.
      expect(drift[1]!.observed!).toBeGreaterThan(1e9);
      expect(report.verdict).toBe('fail');
    },
  );
});
