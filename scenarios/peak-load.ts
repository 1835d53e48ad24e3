import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { TRADING_REQUESTS } from './trading-requests.ts';

/** Handles peak load: ramp to peak and hold it, judged on the published targets. */
export default defineScenario({
  name: 'peak-load',
  stack: { kind: 'bundled' },
  requests: [...TRADING_REQUESTS],
  phases: [
    { name: 'baseline', duration: '10s', rate: 50 },
    { name: 'ramp', duration: '20s', rate: { from: 50, to: 300 } },
    { name: 'peak', duration: '30s', rate: 300 },
    { name: 'cool-down', duration: '10s', rate: 50 },
  ],
  slos: [{ ...PUBLISHED_SLO, http_reqs: ['ratio>=0.9'] }],
});
