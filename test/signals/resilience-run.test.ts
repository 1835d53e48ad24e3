import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertRuleVariant } from '../../fixtures/prometheus/alert-rules.ts';
import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { startBundledStack, type BundledStackOptions } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { startStackPrometheus } from '../../harness/providers/bundled-stack/stack-prometheus.ts';
import { buildReport } from '../../harness/report/build-report.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { recordRun } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { collectPrometheusSignals } from '../../harness/signals/prometheus-signals.ts';
import { queriesFor } from '../../harness/verdict/resilience/evaluate-resilience.ts';
import { RESILIENCE_SCENARIO } from '../support/resilience-scenario.ts';

/**
 * Runs the resilience scenario once against a stack, watched by one
 * Prometheus per rule set (the same service, differently monitored), and
 * judges the one recorded run against each Prometheus's signals: a broken
 * alert rule needs no run of its own.
 */
async function runResilience(stackOptions: BundledStackOptions, ruleSets: AlertRuleVariant[] = [{}]): Promise<RunReport[]> {
  await using stack = await startBundledStack(stackOptions);
  const prometheuses = await Promise.all(ruleSets.map((rules) => startStackPrometheus(stack, rules)));
  const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });
  try {
    const { stack: _bundled, ...rest } = RESILIENCE_SCENARIO;
    const scenario = validateScenario({ ...rest, target: { baseUrl: stack.gatewayUrl }, toxiproxy: { url: stack.toxiproxyUrl }, prometheus: { url: prometheuses[0]!.url } });
    const recorded = await recordRun(scenario);
    const reports = [buildReport(recorded)];
    for (const other of prometheuses.slice(1)) {
      const signals = await collectPrometheusSignals({ http, url: other.url }, queriesFor(scenario.checks), recorded.startedAtMs - 2_000, recorded.observedUntilMs + 2_000);
      reports.push(buildReport({ ...recorded, signals: { ...recorded.signals, series: signals.series, alerts: signals.alerts } }));
    }
    return reports;
  } finally {
    await http.close();
    await Promise.all(prometheuses.map((p) => p.stop()));
  }
}

const statusOf = (report: RunReport, metric: string, namePart = '') =>
  report.checks.filter((c) => c.metric === metric && c.name.includes(namePart)).map((c) => `${c.phase}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`);

describe("resilience checks on the service's own signals (real Prometheus, real stack)", () => {
  const noisy = { alert: 'AlwaysFiring', expr: 'vector(1)', for: '0s', labels: { severity: 'critical' as const }, annotations: { summary: 'a rule with a wrong threshold' } };
  let healthy: RunReport;
  let brokenMonitoring: RunReport;
  beforeAll(async () => {
    [healthy, brokenMonitoring] = (await runResilience({}, [{}, { omit: ['CircuitBreakerOpen'], extra: [noisy] }])) as [RunReport, RunReport];
  }, 150_000);

  it('pass on the healthy stack, with the reaction times in the report', () => {
    const failedOrUnknown = healthy.checks.filter((c) => c.status !== 'pass').map((c) => `${c.phase} ${c.name}: ${c.status} ${c.reason ?? ''} observed=${c.observed}`);
    expect(failedOrUnknown).toEqual([]);
    expect(healthy.verdict).toBe('pass');
    const slow = healthy.resilience.find((r) => r.phase === 'market-data-slow')!;
    expect(slow.timeToDetectMs).toBeGreaterThanOrEqual(0);
    expect(slow.timeToDetectMs).toBeLessThan(5_000);
    expect(healthy.resilience.find((r) => r.phase === 'peak')!.scaleUpLatencyMs).toBeLessThan(12_000);
    expect(healthy.resilience.find((r) => r.phase === 'ledger-primary-down')!.failoverGapMs).not.toBeNull();
  });

  it('FAIL when the monitoring is broken (same run, another Prometheus): an alert rule missing, an alert firing during baseline', () => {
    expect(statusOf(brokenMonitoring, 'alert')).toEqual(['market-data-slow: fail (CircuitBreakerOpen never fired (is the rule loaded?))']);
    expect(statusOf(brokenMonitoring, 'no-alert')).toEqual(['baseline: fail (firing: AlwaysFiring)']);
    expect(statusOf(brokenMonitoring, 'breaker', 'opens')).toEqual(['market-data-slow: pass']);
    expect(brokenMonitoring.verdict).toBe('fail');
  });

  it('FAIL on a broken stack: breaker disabled, failover disabled, autoscaler off, replicas over their memory budget', { timeout: 120_000 }, async () => {
    const [report] = (await runResilience({ breaker: false, failover: false, autoscaler: { enabled: false }, memoryLimitBytes: 16 * 1_048_576 })) as [RunReport];
    expect(statusOf(report, 'resources', 'memory')[0]).toMatch(/^baseline: fail/);
    expect(statusOf(report, 'breaker', 'opens')).toEqual(['market-data-slow: fail (the breaker never opened)']);
    expect(statusOf(report, 'failover', 'failed requests')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(report, 'failover', 'replica')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(report, 'autoscaling', 'reaches')[0]).toMatch(/^peak: fail \(at most 1 replicas/);
    expect(statusOf(report, 'health')).toEqual(expect.arrayContaining([expect.stringMatching(/^ledger-primary-down: fail/)]));
    expect(report.verdict).toBe('fail');
  });
});
