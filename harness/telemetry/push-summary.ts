import { Gauge, Registry } from 'prom-client';
import type { GuardedHttp } from '../net/guarded-http.ts';
import type { RunReport } from '../report/run-report.ts';

/**
 * Pushes the run's summary to a Pushgateway (job "ordeal", grouped by
 * scenario), replacing the previous push of that scenario: verdict,
 * duration, and per phase requests, error ratio and p95/p99. The metrics are
 * prom-client's; the PUT (the Pushgateway's "replace this group") goes through
 * ordeal's guarded client: allowlist, no redirects, credentials from the URL.
 */
export async function pushRunSummary(report: RunReport, pushgatewayUrl: string, http: GuardedHttp): Promise<void> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const verdict = gauge('ordeal_last_run_verdict', '1 for the verdict of the last run', ['verdict']);
  for (const v of ['pass', 'fail', 'aborted', 'inconclusive'])
    verdict.set({ verdict: v }, report.verdict === v ? 1 : 0);
  gauge('ordeal_last_run_timestamp_seconds', 'When the last run ended').set(Date.parse(report.endedAt) / 1_000);
  gauge('ordeal_last_run_duration_seconds', 'How long the last run took').set(report.durationMs / 1_000);
  gauge('ordeal_last_run_checks_failed', 'Checks that failed in the last run').set(
    report.checks.filter((c) => c.status === 'fail').length,
  );
  const requests = gauge('ordeal_last_run_phase_requests', 'Requests per phase', ['phase']);
  const errorRatio = gauge('ordeal_last_run_phase_error_ratio', 'Error ratio per phase', ['phase']);
  const latency = gauge('ordeal_last_run_phase_latency_seconds', 'Latency percentiles per phase', [
    'phase',
    'quantile',
  ]);
  for (const phase of report.phases) {
    requests.set({ phase: phase.name }, phase.requests);
    if (phase.errorRate !== null) errorRatio.set({ phase: phase.name }, phase.errorRate);
    if (phase.latencyMs) {
      latency.set({ phase: phase.name, quantile: '0.95' }, phase.latencyMs.p95 / 1_000);
      latency.set({ phase: phase.name, quantile: '0.99' }, phase.latencyMs.p99 / 1_000);
    }
  }
  const base = pushgatewayUrl.endsWith('/') ? pushgatewayUrl : `${pushgatewayUrl}/`;
  const url = new URL(`metrics/job/ordeal/scenario/${encodeURIComponent(report.scenario.name)}`, base);
  const response = await http.request(url, {
    method: 'PUT',
    headers: { 'content-type': registry.contentType },
    body: await registry.metrics(),
    timeoutMs: 5_000,
    maxBodyBytes: 64 * 1024,
  });
  if (response.status < 200 || response.status >= 300)
    throw new Error(`the Pushgateway answered ${response.status}: ${response.text().trim().slice(0, 200)}`);
}
