import { describe, expect, it } from 'vitest';
import { startBundledStack } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import dependencyLatency from '../../scenarios/dependency-latency.ts';
import primaryFailover from '../../scenarios/primary-failover.ts';
import { againstStack, gatewayMetric } from '../support/against-stack.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

const TIME_SCALE = 0.2;
const withScrapedBreakerCheck = {
  ...dependencyLatency,
  checks: [{ kind: 'breaker' as const, phase: 'market-data-slow', opensWithin: '5s', source: 'scrape' as const }],
};

describe('a latency fault on market-data', () => {
  it('raises the measured quote latency by about the injected latency, and removing it brings it back', async () => {
    // Breaker off: otherwise the breaker (250 ms timeout) would hide a 300 ms toxic behind its fallback.
    await using stack = await startBundledStack({ breaker: false });
    const latencyMs = 300;
    const report = await runScenario(
      againstStack(
        {
          name: 'latency-shift',
          requests: [{ path: '/api/quotes/ACME' }],
          phases: [
            { name: 'before', duration: '4s', rate: 40 },
            { name: 'slow', duration: '5s', rate: 40, faults: [{ proxy: 'market-data', kind: 'latency', latencyMs }] },
            { name: 'after', duration: '4s', rate: 40 },
          ],
          slos: [],
        },
        stack,
      ),
    );
    const [before, slow, after] = report.phases.map((p) => p.latencyMs!.p50);
    // Toxiproxy delays each downstream write by the latency; market-data answers in one write, so a
    // quote is slower by at least L. The upper margin (100 ms) absorbs gateway and generator noise on 2 cores.
    expect(slow! - before!).toBeGreaterThanOrEqual(latencyMs * 0.95);
    expect(slow! - before!).toBeLessThan(latencyMs + 100);
    expect(after!).toBeLessThan(before! + 50);
    expect(report.faults).toHaveLength(1);
    expect(report.faults[0]!.removedAt).not.toBeNull();
    expect((await toxiproxyState(stack.toxiproxyUrl)).flatMap((p) => p.toxics)).toEqual([]);
  });
});

describe('the circuit breaker (scenarios/dependency-latency.ts)', () => {
  it('opens when market-data is slower than its timeout, so quotes stay fast via the fallback: PASS', async () => {
    await using stack = await startBundledStack();
    const report = await runScenario(againstStack(withScrapedBreakerCheck, stack), { timeScale: TIME_SCALE });
    expect(report.verdict).toBe('pass');
    expect(await gatewayMetric(stack, 'quote_fallbacks_total')).toBeGreaterThan(0);
    // Read straight from the gateway's /metrics, no Prometheus: the breaker opened within 5 s of the fault.
    expect(report.checks.find((c) => c.metric === 'breaker')).toMatchObject({ status: 'pass' });
    const slow = report.phases.find((p) => p.name === 'market-data-slow')!;
    expect(slow.latencyMs!.p95).toBeLessThan(500);
  });

  it('with the breaker disabled, the latency SLO FAILS', async () => {
    await using stack = await startBundledStack({ breaker: false });
    const report = await runScenario(againstStack(withScrapedBreakerCheck, stack), { timeScale: TIME_SCALE });
    expect(report.verdict).toBe('fail');
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => `${c.phase} ${c.expected}`)).toContain('market-data-slow p(95)<500');
    expect(failed.every((c) => c.phase === 'market-data-slow')).toBe(true);
    expect(report.checks.find((c) => c.metric === 'breaker')).toMatchObject({ status: 'fail', reason: 'the breaker never opened' });
  });
});

describe('the gateway replicas', () => {
  it('share the load between them', async () => {
    await using stack = await startBundledStack({ autoscaler: { minReplicas: 2, maxReplicas: 2 } });
    await runScenario(againstStack({ name: 'spread', requests: [{ path: '/api/quotes/ACME' }], phases: [{ name: 'steady', duration: '4s', rate: 100 }], slos: [] }, stack));
    const text = await (await fetch(stack.gatewayMetricsUrl)).text();
    const perReplica = [...text.matchAll(/^gateway_replica_requests_total\{replica="(\d+)"\} (\d+)/gm)].map((m) => Number(m[2]));
    expect(perReplica).toHaveLength(2);
    expect(Math.min(...perReplica)).toBeGreaterThan(400 * 0.2);
  });
});

describe('failover (scenarios/primary-failover.ts)', () => {
  it('keeps orders succeeding through the replica while ledger-primary is down: PASS', async () => {
    await using stack = await startBundledStack();
    const report = await runScenario(againstStack(primaryFailover, stack), { timeScale: TIME_SCALE });
    expect(report.verdict).toBe('pass');
    expect(report.phases.find((p) => p.name === 'ledger-primary-down')!.requests).toBeGreaterThan(100);
    expect(await gatewayMetric(stack, 'ledger_failovers_total')).toBeGreaterThan(0);
    expect((await toxiproxyState(stack.toxiproxyUrl)).every((p) => p.enabled)).toBe(true);
  });

  it('with failover disabled, the same scenario FAILS on errors while the primary is down', async () => {
    await using stack = await startBundledStack({ failover: false });
    const report = await runScenario(againstStack(primaryFailover, stack), { timeScale: TIME_SCALE });
    expect(report.verdict).toBe('fail');
    const down = report.phases.find((p) => p.name === 'ledger-primary-down')!;
    expect(down.errorRate).toBeGreaterThan(0.5);
    expect(down.errorsByKind.http_5xx).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.phase === 'ledger-primary-down' && c.metric === 'http_req_failed')!.status).toBe('fail');
    expect(report.checks.find((c) => c.phase === 'baseline' && c.metric === 'http_req_failed')!.status).toBe('pass');
  });
});
