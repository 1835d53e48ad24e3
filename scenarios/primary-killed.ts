import { defineScenario, PUBLISHED_SLO } from '../harness/index.ts';
import { ORDER_REQUESTS } from './trading-requests.ts';

/**
 * Failover verified with a crash, not a partition: ledger-primary is killed (SIGKILL) as the phase starts and its
 * supervisor brings it back within 5 s; orders must keep succeeding through the replica meanwhile. (primary-failover.ts plays
 * the same failover as a network `down`.)
 */
export default defineScenario({
  name: 'primary-killed',
  stack: { kind: 'bundled' },
  requests: [...ORDER_REQUESTS],
  phases: [
    { name: 'baseline', duration: '10s', rate: 100 },
    {
      name: 'ledger-primary-killed',
      duration: '15s',
      rate: 100,
      faults: [{ process: 'ledger-primary', kind: 'kill' }],
    },
    { name: 'recovery', duration: '10s', rate: 100 },
  ],
  slos: [PUBLISHED_SLO],
  checks: [
    { kind: 'failover', phase: 'ledger-primary-killed', maxFailedRequests: 10 },
    { kind: 'restart', phase: 'ledger-primary-killed', process: 'ledger-primary', within: '5s' },
  ],
});
