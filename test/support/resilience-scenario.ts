import type { ScenarioInput } from '../../harness/scenario/scenario-schema.ts';
import { PUBLISHED_SLO } from '../../harness/scenario/published-targets.ts';
import { TRADING_REQUESTS } from '../../scenarios/trading-requests.ts';

/**
 * A compressed game day with every resilience check, run on a broken stack
 * (test/signals/resilience-run.test.ts; the healthy stack's PASS of the same
 * checks is the game day's): peak load (the autoscaler must add a replica),
 * market-data slow (the breaker must open, its alert fire, quotes stay fast),
 * ledger-primary down (orders must fail over; the error-rate alert fires
 * when they do not), recovery.
 */
export const RESILIENCE_SCENARIO: ScenarioInput = {
  name: 'resilience',
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '4s', rate: 40 },
    { name: 'peak', duration: '5s', rate: 260 },
    {
      name: 'market-data-slow',
      duration: '8s',
      rate: 80,
      faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 800 }],
    },
    { name: 'ledger-primary-down', duration: '10s', rate: 80, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '4s', rate: 40 },
  ],
  slos: [{ phases: ['baseline', 'market-data-slow', 'ledger-primary-down'], ...PUBLISHED_SLO }],
  checks: [
    { kind: 'breaker', phase: 'market-data-slow', opensWithin: '5s', closesWithin: '10s' },
    // The same breaker read straight from the gateway's /metrics, no Prometheus.
    { kind: 'breaker', phase: 'market-data-slow', opensWithin: '5s', source: 'scrape' },
    { kind: 'alert', alert: 'CircuitBreakerOpen', phase: 'market-data-slow', firesWithin: '8s' },
    { kind: 'failover', phase: 'ledger-primary-down', maxFailedRequests: 5 },
    { kind: 'alert', alert: 'HighErrorRateCritical', phase: 'ledger-primary-down', firesWithin: '10s' },
    // The autoscaler has 12 s from the start of peak; the run goes on well past that.
    { kind: 'autoscaling', phase: 'peak', atLeast: 2, within: '12s', maxDirectionChanges: 4 },
    { kind: 'no-alert', phases: ['baseline'], severity: 'critical' },
    { kind: 'resources', phases: ['baseline'] },
    { kind: 'health', probe: 'ready', phases: ['baseline', 'ledger-primary-down', 'recovery'] },
  ],
};
