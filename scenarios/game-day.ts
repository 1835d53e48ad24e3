import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { TRADING_REQUESTS } from './trading-requests.ts';

/**
 * The hours 12–18 stress window, compressed to two minutes and a bit:
 * baseline, ramp, peak, market-data slow (the breaker must protect quotes),
 * ledger-primary down (orders must fail over to the replica), recovery, then
 * ledger-primary killed (orders fail over while its supervisor restarts it,
 * which must take under 5 s). Judged per phase on
 * the service's published targets (p95 < 500 ms, p99 < 1 s, errors < 1 %),
 * and on the hours 12–18 checklist from the service's own signals, read from
 * a Prometheus ordeal starts beside the stack: auto-scaling works, circuit
 * breakers work, failover verified, alerts fire and resolve, none in baseline.
 */
export default defineScenario({
  name: 'game-day',
  description:
    'Hours 12–18 of the launch watch, compressed: peak load, a slow dependency, a dead primary, a crashed one.',
  stack: { kind: 'bundled' },
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '15s', rate: 50 },
    { name: 'ramp', duration: '15s', rate: { from: 50, to: 260 } },
    { name: 'peak', duration: '20s', rate: 260 },
    {
      name: 'market-data-slow',
      duration: '25s',
      rate: 150,
      faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 800, jitterMs: 100 }],
    },
    { name: 'ledger-primary-down', duration: '25s', rate: 150, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '20s', rate: 50 },
    // The same failover by a crash: ledger-primary killed (SIGKILL), its supervisor starts it again.
    {
      name: 'ledger-primary-killed',
      duration: '20s',
      rate: 100,
      faults: [{ process: 'ledger-primary', kind: 'kill' }],
    },
  ],
  slos: [{ ...PUBLISHED_SLO, http_reqs: ['ratio>=0.95'] }],
  // The launch watch's objective: 99.9 % of requests succeed over its 24 hours. The report says what this run spent.
  errorBudget: { objective: 0.999, period: '24h' },
  checks: [
    // Judged where the load rises: a scale-up during the ramp is the one to time (on a peak phase it would be
    // carried over from the ramp, and so inconclusive); its deadline runs on into peak.
    { kind: 'autoscaling', phase: 'ramp', atLeast: 2, within: '35s', maxDirectionChanges: 4 },
    { kind: 'breaker', phase: 'market-data-slow', opensWithin: '5s', closesWithin: '15s' },
    {
      kind: 'alert',
      alert: 'CircuitBreakerOpen',
      phase: 'market-data-slow',
      firesWithin: '10s',
      resolvesWithin: '20s',
    },
    { kind: 'failover', phase: 'ledger-primary-down', maxFailedRequests: 10 },
    { kind: 'alert', alert: 'LedgerFailoverActive', phase: 'ledger-primary-down', firesWithin: '10s' },
    { kind: 'failover', phase: 'ledger-primary-killed', maxFailedRequests: 10 },
    { kind: 'restart', phase: 'ledger-primary-killed', process: 'ledger-primary', within: '5s' },
    { kind: 'no-alert', phases: ['baseline'], severity: 'critical' },
    { kind: 'resources', phases: ['baseline', 'recovery'] },
    { kind: 'health', probe: 'ready' },
  ],
  // Stop conditions: if the service is really broken, stop hurting it (load off, faults removed, verdict aborted).
  guards: [
    { name: 'error storm', metric: 'http_req_failed', trip: 'rate>0.5', for: '15s' },
    { name: 'latency runaway', metric: 'http_req_duration', trip: 'p(99)>5000', for: '15s' },
    { name: 'service down', promql: 'ALERTS{alertname="ServiceDown", alertstate="firing"}' },
  ],
});
