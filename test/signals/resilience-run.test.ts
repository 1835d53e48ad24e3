import { describe, expect, it } from 'vitest';
import { startStackPrometheus } from '../../fixtures/prometheus/stack-prometheus.ts';
import { startBundledStack, type BundledStackOptions } from '../../fixtures/stack/bundled-stack.ts';
import type { AlertRuleVariant } from '../../fixtures/prometheus/alert-rules.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { RESILIENCE_SCENARIO } from '../support/resilience-scenario.ts';

async function runResilience(stackOptions: BundledStackOptions, rules: AlertRuleVariant = {}): Promise<RunReport> {
  await using stack = await startBundledStack(stackOptions);
  await using prometheus = await startStackPrometheus(stack, rules);
  const { stack: _bundled, ...rest } = RESILIENCE_SCENARIO;
  const scenario = validateScenario({ ...rest, target: { baseUrl: stack.gatewayUrl }, toxiproxy: { url: stack.toxiproxyUrl }, prometheus: { url: prometheus.url } });
  return await runScenario(scenario); // await here: the stack and Prometheus are disposed when this function returns
}

const statusOf = (report: RunReport, metric: string, namePart = '') =>
  report.checks.filter((c) => c.metric === metric && c.name.includes(namePart)).map((c) => `${c.phase}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`);

describe('resilience checks on the service\'s own signals (real Prometheus, real stack)', () => {
  it('pass on the healthy stack, with the reaction times in the report', { timeout: 120_000 }, async () => {
    const report = await runResilience({});
    const failedOrUnknown = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.phase} ${c.name}: ${c.status} ${c.reason ?? ''} observed=${c.observed}`);
    expect(failedOrUnknown).toEqual([]);
    expect(report.verdict).toBe('pass');
    const slow = report.resilience.find((r) => r.phase === 'market-data-slow')!;
    expect(slow.timeToDetectMs).toBeGreaterThanOrEqual(0);
    expect(slow.timeToDetectMs).toBeLessThan(5_000);
    expect(report.resilience.find((r) => r.phase === 'peak')!.scaleUpLatencyMs).toBeLessThan(12_000);
    expect(report.resilience.find((r) => r.phase === 'ledger-primary-down')!.failoverGapMs).not.toBeNull();
  });

  it('FAIL on a broken stack: breaker disabled, failover disabled, autoscaler off, replicas over their memory budget', { timeout: 120_000 }, async () => {
    const report = await runResilience({ breaker: false, failover: false, autoscaler: { enabled: false }, memoryLimitBytes: 16 * 1_048_576 });
    expect(statusOf(report, 'resources', 'memory')[0]).toMatch(/^baseline: fail/);
    expect(statusOf(report, 'breaker', 'opens')).toEqual(['market-data-slow: fail (the breaker never opened)']);
    expect(statusOf(report, 'failover', 'failed requests')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(report, 'failover', 'replica')[0]).toMatch(/^ledger-primary-down: fail/);
    expect(statusOf(report, 'autoscaling', 'reaches')[0]).toMatch(/^peak: fail \(at most 1 replicas/);
    expect(statusOf(report, 'health')).toEqual(expect.arrayContaining([expect.stringMatching(/^ledger-primary-down: fail/)]));
    expect(report.verdict).toBe('fail');
  });

  it('FAIL when the monitoring is broken: an alert rule missing, an alert firing during baseline', { timeout: 120_000 }, async () => {
    const noisy = { alert: 'AlwaysFiring', expr: 'vector(1)', for: '0s', labels: { severity: 'critical' as const }, annotations: { summary: 'a rule with a wrong threshold' } };
    const report = await runResilience({}, { omit: ['CircuitBreakerOpen'], extra: [noisy] });
    expect(statusOf(report, 'alert')).toEqual(['market-data-slow: fail (CircuitBreakerOpen never fired (is the rule loaded?))']);
    expect(statusOf(report, 'no-alert')).toEqual(['baseline: fail (firing: AlwaysFiring)']);
    expect(statusOf(report, 'breaker', 'opens')).toEqual(['market-data-slow: pass']);
  });
});
