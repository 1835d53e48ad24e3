import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { TRADING_REQUESTS } from './trading-requests.ts';

/**
 * A host whose clock is off: market-data's wall clock runs 30 s behind for a phase (libfaketime; its timers are
 * untouched), and the gateway, which compares each quote's timestamp with its own clock, must notice (the
 * MarketDataClockSkew alert) and stop noticing once the clock is set back, while every request keeps succeeding.
 */
export default defineScenario({
  name: 'market-data-clock-skew',
  stack: { kind: 'bundled' },
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '10s', rate: 50 },
    {
      name: 'market-data-clock-behind',
      duration: '20s',
      rate: 50,
      faults: [{ process: 'market-data', kind: 'clock_skew', offsetSec: -30 }],
    },
    { name: 'recovery', duration: '10s', rate: 50 },
  ],
  slos: [PUBLISHED_SLO],
  checks: [
    {
      kind: 'alert',
      alert: 'MarketDataClockSkew',
      phase: 'market-data-clock-behind',
      firesWithin: '5s',
      resolvesWithin: '10s',
    },
    // The skew the gateway measured: about the fault's 30 s while it holds, gone after it.
    {
      kind: 'promql',
      name: 'market-data clock 30 s off',
      query: 'max(market_data_clock_skew_seconds)',
      phases: ['market-data-clock-behind'],
      after: '3s',
      expect: '>25',
    },
    {
      kind: 'promql',
      name: 'market-data clock agrees',
      query: 'max(market_data_clock_skew_seconds)',
      phases: ['baseline', 'recovery'],
      after: '3s',
      expect: '<2',
    },
  ],
});
