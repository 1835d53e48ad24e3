import { describe, expect, it } from 'vitest';
import { PrometheusServer } from '../../harness/prometheus/prometheus-server.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A real service whose /metrics says whether it is broken; `breakAfterMs` flips it. */
async function startFlagService(breakAfterMs: number): Promise<TestServer & { host: string }> {
  const startedMs = Date.now();
  const server = await startTestServer((request, response) => {
    if (request.url === '/metrics')
      response.end(`# TYPE service_broken gauge\nservice_broken ${Date.now() - startedMs > breakAfterMs ? 1 : 0}\n`);
    else response.end('ok');
  });
  return Object.assign(server, { host: `127.0.0.1:${server.port}` });
}

describe('a PromQL guard', () => {
  it(
    'trips when its expression starts returning samples on a real Prometheus: faults removed, verdict aborted',
    { timeout: 90_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const flag = await startFlagService(8_000);
      await using prometheus = await new PrometheusServer()
        .withScrapeTargets([{ job: 'service', target: flag.host }])
        .start();
      const scenario = validateScenario({
        name: 'promql-guarded',
        target: { baseUrl: target.baseUrl },
        toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
        prometheus: { url: prometheus.url },
        requests: [{ path: '/' }],
        phases: [
          { name: 'chaos', duration: '60s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 5 }] },
        ],
        guards: [{ name: 'service broke', promql: 'service_broken == 1', for: '1s' }],
        slos: [],
      });
      const report = await runScenario(scenario);
      await flag.close();
      expect(report.verdict, report.verdictReason).toBe('aborted');
      expect(report.verdictReason).toMatch(
        /^stopped by guard "service broke" \(service_broken == 1 returned 1 sample\(s\)/,
      );
      expect(report.durationMs).toBeLessThan(30_000);
      const trippedAtMs = Date.parse(report.guards[0]!.trippedAt!);
      expect(Date.parse(report.faults[0]!.removedAt!) - trippedAtMs).toBeLessThanOrEqual(1_000);
      expect((await toxiproxyState(target.toxiproxy.url)).flatMap((p) => p.toxics)).toEqual([]);
    },
  );
});
