import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { TRADING_REQUESTS } from './trading-requests.ts';

/**
 * Hours 12–18 of the 24-hour launch watch, whole: six hours of the stress
 * validation checklist — peak load, auto-scaling, circuit breakers, error
 * recovery, failover — with steady stretches between, ending in a two-hour
 * soak judged for drift (latency creeping, errors creeping). Meant to be run
 * whole by a scheduled job (README, "The six-hour window"); `--time-scale`
 * compresses it (every phase shortened by the factor, the service's own
 * reaction deadlines not), e.g. 0.0278 for ten minutes. A checkpoint every
 * 5 minutes keeps a crash at hour five from losing five hours.
 */
export default defineScenario({
  name: 'hours-12-18',
  description: 'The six-hour stress window of the launch watch: peak, a slow dependency, a dead primary, a soak.',
  stack: { kind: 'bundled' },
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '30m', rate: 50 },
    { name: 'ramp', duration: '30m', rate: { from: 50, to: 260 } },
    { name: 'peak', duration: '1h', rate: 260 },
    { name: 'steady-1', duration: '30m', rate: 150 },
    {
      name: 'market-data-slow',
      duration: '20m',
      rate: 150,
      faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 800, jitterMs: 100 }],
    },
    { name: 'error-recovery', duration: '30m', rate: 150 },
    { name: 'ledger-primary-down', duration: '20m', rate: 150, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '20m', rate: 100 },
    { name: 'soak', duration: '2h', rate: 100 },
  ],
  // A phase's first seconds after a fault belong to the fault: judged from +30 s.
  slos: [
    { ...PUBLISHED_SLO, http_reqs: ['ratio>=0.95'] },
    { phases: ['error-recovery', 'recovery'], after: '30s', http_req_failed: ['rate<0.01'] },
  ],
  errorBudget: { objective: 0.999, period: '24h' },
  checks: [
    // Judged where the load rises (on peak, a scale-up during the ramp would be carried over: inconclusive).
    { kind: 'autoscaling', phase: 'ramp', atLeast: 2, within: '40m', maxDirectionChanges: 10 },
    { kind: 'breaker', phase: 'market-data-slow', opensWithin: '5s', closesWithin: '30s' },
    { kind: 'alert', alert: 'CircuitBreakerOpen', phase: 'market-data-slow', firesWithin: '30s', resolvesWithin: '1m' },
    { kind: 'failover', phase: 'ledger-primary-down', maxFailedRequests: 50 },
    { kind: 'alert', alert: 'LedgerFailoverActive', phase: 'ledger-primary-down', firesWithin: '30s' },
    { kind: 'no-alert', phases: ['baseline', 'soak'], severity: 'critical' },
    { kind: 'resources', phases: ['baseline', 'peak', 'soak'] },
    { kind: 'health', probe: 'ready', allowedPhases: ['ledger-primary-down'] },
    // What a soak is for: its last quarter (30 minutes; shortened with the phase under --time-scale) like its first.
    { kind: 'drift', phase: 'soak', latency: 'p95', maxRatio: 1.2 },
  ],
  guards: [
    { name: 'error storm', metric: 'http_req_failed', trip: 'rate>0.5', for: '1m' },
    { name: 'latency runaway', metric: 'http_req_duration', trip: 'p(99)>5000', for: '1m' },
    { name: 'service down', promql: 'ALERTS{alertname="ServiceDown", alertstate="firing"}' },
  ],
  limits: { maxDuration: '6h30m' },
});
