import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';

/**
 * Circuit breakers work: market-data turns slow (well past the gateway's 250 ms
 * breaker timeout); quotes must stay fast, served by the breaker's fallback.
 */
export default defineScenario({
  name: 'dependency-latency',
  stack: { kind: 'bundled' },
  requests: [{ name: 'quote', method: 'GET', path: '/api/quotes/ACME' }],
  phases: [
    { name: 'baseline', duration: '10s', rate: 100 },
    {
      name: 'market-data-slow',
      duration: '30s',
      rate: 100,
      faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 1_000, jitterMs: 100 }],
    },
    { name: 'recovery', duration: '10s', rate: 100 },
  ],
  slos: [PUBLISHED_SLO],
});
