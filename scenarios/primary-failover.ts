import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { ORDER_REQUESTS } from './trading-requests.ts';

/** Failover verified: ledger-primary goes down; orders must keep succeeding through the replica. */
export default defineScenario({
  name: 'primary-failover',
  stack: { kind: 'bundled' },
  requests: [...ORDER_REQUESTS],
  phases: [
    { name: 'baseline', duration: '10s', rate: 100 },
    { name: 'ledger-primary-down', duration: '30s', rate: 100, faults: [{ proxy: 'ledger-primary', kind: 'down' }] },
    { name: 'recovery', duration: '10s', rate: 100 },
  ],
  slos: [PUBLISHED_SLO],
});
