import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { TRADING_REQUESTS } from './trading-requests.ts';

/**
 * The hours 12–18 stress window, compressed to two minutes: baseline, ramp,
 * peak, market-data slow (the breaker must protect quotes), ledger-primary
 * down (orders must fail over to the replica), recovery. Judged per phase on
 * the service's published targets: p95 < 500 ms, p99 < 1 s, errors < 1 %.
 */
export default defineScenario({
  name: 'game-day',
  description: 'Hours 12–18 of the launch watch, compressed: peak load, a slow dependency, a dead primary.',
  stack: { kind: 'bundled' },
  load: { connections: 100, timeout: '5s' },
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '15s', rate: 50 },
    { name: 'ramp', duration: '15s', rate: { from: 50, to: 200 } },
    { name: 'peak', duration: '20s', rate: 200 },
    {
      name: 'market-data-slow',
      duration: '25s',
      rate: 150,
      faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 800, jitterMs: 100 }],
    },
    { name: 'ledger-primary-down', duration: '25s', rate: 150, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '20s', rate: 50 },
  ],
  slos: [{ ...PUBLISHED_SLO, http_reqs: ['ratio>=0.9'] }],
});
