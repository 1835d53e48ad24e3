import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { describe, expect, it } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { RunEvents } from '../../harness/events/run-events.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startMetricsEndpoint } from '../../harness/telemetry/metrics-endpoint.ts';
import { pushRunSummary } from '../../harness/telemetry/push-summary.ts';
import { RunTelemetry } from '../../harness/telemetry/run-telemetry.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { pushgatewayMissing, startPushgateway } from '../support/pushgateway.ts';

type Family = {
  name: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string }[];
};

async function scrape(url: string): Promise<Map<string, Family>> {
  const text = await (await fetch(url)).text();
  return new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
}

const value = (family: Family | undefined, labels: Record<string, string>): number | undefined => {
  const metric = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return metric?.value === undefined ? undefined : Number(metric.value);
};

describe("ordeal's own telemetry", () => {
  it(
    'serves requests, errors, a latency histogram, the current phase and active faults on /metrics during the run',
    { timeout: 60_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const scenario = validateScenario({
        name: 'telemetry',
        target: { baseUrl: target.baseUrl },
        toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
        requests: [{ path: '/' }],
        phases: [
          { name: 'warm', duration: '3s', rate: 30 },
          { name: 'chaos', duration: '4s', rate: 30, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 30 }] },
        ],
      });
      const events = new RunEvents();
      const telemetry = new RunTelemetry(events, scenario.name);
      await using endpoint = await startMetricsEndpoint(telemetry.registry, 0);
      let during: Promise<Map<string, Family>> | undefined;
      events.on(
        'faultApplied',
        () => (during = new Promise((resolve) => setTimeout(() => resolve(scrape(endpoint.url)), 2_500))),
      );
      const report = await runScenario(scenario, { events });
      const seen = await during!;
      expect(value(seen.get('ordeal_phase_active'), { phase: 'chaos' })).toBe(1);
      expect(value(seen.get('ordeal_phase_active'), { phase: 'warm' })).toBe(0);
      expect(value(seen.get('ordeal_fault_active'), { proxy: 'api', kind: 'latency' })).toBe(1);
      expect(value(seen.get('ordeal_requests_total'), { phase: 'warm' })).toBeGreaterThan(0);
      expect(value(seen.get('ordeal_run_info'), { scenario: 'telemetry' })).toBe(1);

      const after = await scrape(endpoint.url);
      // parse-prometheus-text-format drops a histogram's labels other than le: read those lines as text.
      const text = await (await fetch(endpoint.url)).text();
      const sample = (line: string): number =>
        Number(new RegExp(`^${line.replace(/[{}+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
      for (const phase of report.phases) {
        expect(value(after.get('ordeal_requests_total'), { phase: phase.name })).toBe(phase.requests);
        // Latency is recorded for every response; a request without one (reset, timeout) is only an error.
        const responses =
          phase.requests -
          phase.errorsByKind.timeout -
          phase.errorsByKind.refused -
          phase.errorsByKind.reset -
          phase.errorsByKind.connection;
        expect(sample(`ordeal_request_duration_seconds_count{phase="${phase.name}"}`)).toBe(responses);
        expect(sample(`ordeal_request_duration_seconds_bucket{phase="${phase.name}",le="+Inf"}`)).toBe(responses);
      }
      // The 30 ms toxic shows in the buckets: (almost) none of chaos is under 10 ms — a request at the phase edge may
      // have been on its way before the toxic — and all of it is under 250 ms.
      expect(sample('ordeal_request_duration_seconds_bucket{phase="chaos",le="0.01"}')).toBeLessThanOrEqual(2);
      // (Most of warm is under 10 ms: three in four, on a busy day here, where the lag of a slow machine adds to some.)
      expect(sample('ordeal_request_duration_seconds_bucket{phase="warm",le="0.01"}')).toBeGreaterThan(
        report.phases[0]!.requests * 0.75,
      );
      expect(sample('ordeal_request_duration_seconds_bucket{phase="chaos",le="0.25"}')).toBe(
        sample('ordeal_request_duration_seconds_count{phase="chaos"}'),
      );
      expect(value(after.get('ordeal_fault_active'), { proxy: 'api' })).toBeUndefined();
    },
  );

  const missing = pushgatewayMissing();
  it.skipIf(missing !== undefined)(
    `pushes the run summary to a real Pushgateway${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      await using pushgateway = await startPushgateway();
      const { syntheticReport, noisy } = await import('../support/synthetic-report.ts');
      const report = syntheticReport('pushed', [{ name: 'peak', p95PerSecondMs: noisy(200, 10, 5) }], {
        verdict: 'fail',
      });
      const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });
      await pushRunSummary(report, pushgateway.url, http).finally(() => http.close());
      const families = await scrape(`${pushgateway.url}/metrics`);
      expect(
        value(families.get('ordeal_last_run_verdict'), { job: 'ordeal', scenario: 'synthetic', verdict: 'fail' }),
      ).toBe(1);
      expect(value(families.get('ordeal_last_run_verdict'), { verdict: 'pass' })).toBe(0);
      expect(value(families.get('ordeal_last_run_phase_requests'), { phase: 'peak' })).toBe(500);
      expect(
        value(families.get('ordeal_last_run_phase_latency_seconds'), { phase: 'peak', quantile: '0.95' }),
      ).toBeCloseTo(report.phases[0]!.latencyMs!.p95 / 1_000, 6);
    },
  );
});

describe('the Grafana dashboard (fixtures/grafana/ordeal-dashboard.json)', () => {
  it(
    'queries only metrics ordeal exports, and every query parses in a real Prometheus',
    { timeout: 30_000 },
    async () => {
      const { readFile } = await import('node:fs/promises');
      const dashboard = JSON.parse(await readFile('fixtures/grafana/ordeal-dashboard.json', 'utf8'));
      const exprs: string[] = [
        ...dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)),
        ...dashboard.annotations.list.map((a: { expr: string }) => a.expr),
      ];
      const exported = new Set(
        (await new RunTelemetry(new RunEvents(), 'x').registry.getMetricsAsJSON()).map((m) => m.name),
      );
      for (const expr of exprs) {
        for (const name of expr.match(/\bordeal_[a-z_]+/g) ?? []) {
          expect(exported.has(name.replace(/_bucket$/, '')), `${name} in "${expr}"`).toBe(true);
        }
      }
      const { PrometheusServer } = await import('../../harness/prometheus/prometheus-server.ts');
      await using prometheus = await new PrometheusServer().start();
      for (const expr of exprs) {
        const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
        expect(response.status, `${expr}: ${await response.clone().text()}`).toBe(200);
      }
    },
  );
});
