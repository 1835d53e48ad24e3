import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBundledStack, type StartedBundledStack } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import dependencyLatency from '../../scenarios/dependency-latency.ts';
import primaryFailover from '../../scenarios/primary-failover.ts';
import { againstStack, gatewayMetric } from '../support/against-stack.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

/**
 * The bundled scenarios' faults on one healthy stack (two gateway replicas),
 * one run after another. Their FAIL cases on a broken stack (breaker and
 * failover disabled) are judged in test/signals/resilience-run.test.ts,
 * on one run of a scenario with both faults.
 */
const TIME_SCALE = 0.2;
/** These judge the breaker and failover, not the generator: its own send lag is judged loosely (two busy loops made a PASS inconclusive). */
const NOT_ABOUT_THE_GENERATOR = { load: notAboutTheGenerator() };
let stack: StartedBundledStack;
beforeAll(async () => {
  stack = await startBundledStack({ autoscaler: { minReplicas: 2, maxReplicas: 2 } });
}, 60_000);
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});
const withScrapedBreakerCheck = {
  ...dependencyLatency,
  checks: [{ kind: 'breaker' as const, phase: 'market-data-slow', opensWithin: '5s', source: 'scrape' as const }],
};

describe('the gateway replicas', () => {
  it('share the load between them', async () => {
    await runScenario(
      againstStack(
        {
          name: 'spread',
          requests: [{ path: '/api/quotes/ACME' }],
          phases: [{ name: 'steady', duration: '3s', rate: 100 }],
          slos: [],
        },
        stack,
      ),
    );
    const text = await (await fetch(stack.gatewayMetricsUrl)).text();
    const perReplica = [...text.matchAll(/^gateway_replica_requests_total\{replica="(\d+)"\} (\d+)/gm)].map((m) =>
      Number(m[2]),
    );
    expect(perReplica).toHaveLength(2);
    expect(Math.min(...perReplica)).toBeGreaterThan(300 * 0.2);
  });
});

describe('a latency fault on market-data', () => {
  it('raises the measured quote latency by about the injected latency, and removing it brings it back', async () => {
    // Below the breaker's 250 ms timeout, so every quote waits for market-data (no fallback hides the toxic).
    const latencyMs = 150;
    const report = await runScenario(
      againstStack(
        {
          name: 'latency-shift',
          requests: [{ path: '/api/quotes/ACME' }],
          phases: [
            { name: 'before', duration: '2s', rate: 50 },
            { name: 'slow', duration: '2s', rate: 50, faults: [{ proxy: 'market-data', kind: 'latency', latencyMs }] },
            { name: 'after', duration: '2s', rate: 50 },
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
    const report = await runScenario(againstStack(withScrapedBreakerCheck, stack, NOT_ABOUT_THE_GENERATOR), {
      timeScale: TIME_SCALE,
    });
    expect(report.verdict, report.verdictReason).toBe('pass');
    expect(await gatewayMetric(stack, 'quote_fallbacks_total')).toBeGreaterThan(0);
    // Read straight from the gateway's /metrics, no Prometheus: the breaker opened within 5 s of the fault.
    expect(report.checks.find((c) => c.metric === 'breaker')).toMatchObject({ status: 'pass' });
    const slow = report.phases.find((p) => p.name === 'market-data-slow')!;
    expect(slow.latencyMs!.p95).toBeLessThan(500);
  });
});

describe('failover (scenarios/primary-failover.ts)', () => {
  it('keeps orders succeeding through the replica while ledger-primary is down: PASS', async () => {
    const report = await runScenario(againstStack(primaryFailover, stack, NOT_ABOUT_THE_GENERATOR), {
      timeScale: TIME_SCALE,
    });
    expect(report.verdict, report.verdictReason).toBe('pass');
    expect(report.phases.find((p) => p.name === 'ledger-primary-down')!.requests).toBeGreaterThan(100);
    expect(await gatewayMetric(stack, 'ledger_failovers_total')).toBeGreaterThan(0);
    expect((await toxiproxyState(stack.toxiproxyUrl)).every((p) => p.enabled)).toBe(true);
  });
});
