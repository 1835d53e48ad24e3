import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertRuleVariant } from '../../fixtures/prometheus/alert-rules.ts';
import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { startBundledStack, type BundledStackOptions } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { startStackPrometheus } from '../../harness/providers/bundled-stack/stack-prometheus.ts';
import { buildReport } from '../../harness/report/build-report.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { recordRun } from '../../harness/run/run-scenario.ts';
import { againstStack } from '../support/against-stack.ts';
import { collectPrometheusSignals } from '../../harness/signals/prometheus-signals.ts';
import { queriesFor } from '../../harness/checks/check-registry.ts';
import { RESILIENCE_SCENARIO } from '../support/resilience-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

/**
 * Runs the resilience scenario once against a stack, watched by one
 * Prometheus per rule set (the same service, differently monitored), and
 * judges the one recorded run against each Prometheus's signals: a broken
 * alert rule needs no run of its own.
 */
async function runResilience(
  stackOptions: BundledStackOptions,
  ruleSets: AlertRuleVariant[] = [{}],
): Promise<RunReport[]> {
  await using stack = await startBundledStack(stackOptions);
  const prometheuses = await Promise.all(ruleSets.map((rules) => startStackPrometheus(stack, rules)));
  const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });
  try {
    // Not a test of the generator: its own send lag is judged loosely (a busy machine made the baseline's error rate inconclusive).
    const scenario = againstStack(RESILIENCE_SCENARIO, stack, {
      prometheus: { url: prometheuses[0]!.url },
      load: notAboutTheGenerator(),
    });
    const recorded = await recordRun(scenario);
    const reports = [buildReport(recorded)];
    for (const other of prometheuses.slice(1)) {
      const signals = await collectPrometheusSignals(
        { http, url: other.url },
        queriesFor(scenario.checks),
        recorded.startedAtMs - 2_000,
        recorded.observedUntilMs + 2_000,
      );
      reports.push(
        buildReport({ ...recorded, signals: { ...recorded.signals, series: signals.series, alerts: signals.alerts } }),
      );
    }
    return reports;
  } finally {
    await http.close();
    await Promise.all(prometheuses.map((p) => p.stop()));
  }
}

const statusOf = (report: RunReport, metric: string, namePart = '') =>
  report.checks
    .filter((c) => c.metric === metric && c.name.includes(namePart))
    .map((c) => `${c.phase}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`);

describe("resilience checks on the service's own signals (real Prometheus, real stack)", () => {
  // The healthy stack's PASS of every one of these checks is the game day's (test/cli/game-day.test.ts).
  const noisy = {
    alert: 'AlwaysFiring',
    expr: 'vector(1)',
    for: '0s',
    labels: { severity: 'critical' as const },
    annotations: { summary: 'a rule with a wrong threshold' },
  };
  let broken: RunReport;
  let brokenMonitoring: RunReport;
  beforeAll(async () => {
    // One run of a broken stack, watched by two Prometheuses: one with the stack's rules, one with a rule missing and a noisy one added.
    [broken, brokenMonitoring] = (await runResilience(
      { breaker: false, failover: false, autoscaler: { enabled: false }, memoryLimitBytes: 16 * 1_048_576 },
      [{}, { omit: ['HighErrorRateCritical'], extra: [noisy] }],
    )) as [RunReport, RunReport];
  }, 150_000);

  it('FAIL on a broken stack: breaker disabled, failover disabled, autoscaler off, replicas over their memory budget', () => {
    expect(statusOf(broken, 'resources', 'memory')[0]).toMatch(/^baseline: fail/);
    expect(statusOf(broken, 'breaker', 'opens')).toEqual([
      'market-data-slow: fail (the breaker never opened)',
      'market-data-slow: fail (the breaker never opened)',
    ]);
    expect(statusOf(broken, 'alert', 'CircuitBreakerOpen')).toEqual([
      'market-data-slow: fail (CircuitBreakerOpen never fired (is the rule loaded?))',
    ]);
    expect(statusOf(broken, 'failover', 'failed requests')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(broken, 'failover', 'replica')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(broken, 'autoscaling', 'reaches')[0]).toMatch(/^peak: fail \(at most 1 replicas/);
    expect(statusOf(broken, 'health')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ledger-primary-down: fail/)]),
    );
    // The published SLOs say it too: quotes wait for the slow market-data, orders fail with the primary.
    const slo = (phase: string, expected: string) =>
      broken.checks.find((c) => c.phase === phase && c.expected === expected)?.status;
    expect(slo('market-data-slow', 'p(95)<500')).toBe('fail');
    expect(slo('ledger-primary-down', 'rate<0.01')).toBe('fail');
    expect(slo('baseline', 'rate<0.01')).toBe('pass');
    expect(broken.verdict).toBe('fail');
  });

  it('while the alert that should fire does fire (the monitoring is sound)', () => {
    expect(statusOf(broken, 'alert', 'HighErrorRateCritical')).toEqual(['ledger-primary-down: pass']);
    expect(statusOf(broken, 'no-alert').join()).not.toContain('AlwaysFiring');
  });

  it('FAIL when the monitoring is broken (same run, another Prometheus): an alert rule missing, an alert firing during baseline', () => {
    expect(statusOf(brokenMonitoring, 'alert', 'HighErrorRateCritical')).toEqual([
      'ledger-primary-down: fail (HighErrorRateCritical never fired (is the rule loaded?))',
    ]);
    expect(statusOf(brokenMonitoring, 'no-alert')).toEqual([
      expect.stringMatching(/^baseline: fail \(firing: .*AlwaysFiring/),
    ]);
    expect(brokenMonitoring.verdict).toBe('fail');
  });
});
