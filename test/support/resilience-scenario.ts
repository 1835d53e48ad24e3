import type { ScenarioInput } from '../../harness/scenario/scenario-schema.ts';
import { TRADING_REQUESTS } from '../../scenarios/trading-requests.ts';

/**
 * A compressed game day with every resilience check: peak load (the autoscaler
 * must add a replica), market-data slow (the breaker must open, its alert
 * fire), ledger-primary down (orders must fail over), recovery.
 */
export const RESILIENCE_SCENARIO: ScenarioInput = {
  name: 'resilience',
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '6s', rate: 40 },
    { name: 'peak', duration: '14s', rate: 260 },
    { name: 'market-data-slow', duration: '10s', rate: 80, faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 800 }] },
    { name: 'ledger-primary-down', duration: '8s', rate: 80, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '10s', rate: 40 },
  ],
  slos: [],
  checks: [
    { kind: 'breaker', phase: 'market-data-slow', opensWithin: '5s', closesWithin: '10s' },
    { kind: 'alert', alert: 'CircuitBreakerOpen', phase: 'market-data-slow', firesWithin: '8s' },
    { kind: 'failover', phase: 'ledger-primary-down', maxFailedRequests: 5 },
    { kind: 'autoscaling', phase: 'peak', atLeast: 2, within: '12s', maxDirectionChanges: 4 },
    { kind: 'no-alert', phases: ['baseline'], severity: 'critical' },
    { kind: 'resources', phases: ['baseline'] },
    { kind: 'health', probe: 'ready', phases: ['baseline', 'ledger-primary-down', 'recovery'] },
  ],
};
