import type { Scenario } from '../../scenario/scenario-schema.ts';

/**
 * What the bundled stack's checks read when a scenario does not say: its
 * services' metric names. Applied only to scenarios with stack: { kind:
 * "bundled" } (and by tests that start the stack themselves); on any other
 * service a check without its query is a scenario error.
 */
export const BUNDLED_READS = {
  breaker: 'market-data',
  breakerState: (breaker: string) => `max(circuit_breaker_state{breaker="${breaker}"})`,
  breakerMetric: (breaker: string) => `circuit_breaker_state{breaker="${breaker}"}`,
  replicaTraffic: 'sum(rate(ledger_requests_total{ledger="replica",outcome="ok"}[5s]))',
  replicas: 'max(autoscaler_current_replicas)',
  replicasMetric: 'autoscaler_current_replicas',
  cpuPercent: '100 * max(gateway_cpu_utilisation_ratio{job="gateway"})',
  memoryPercent: '100 * max(gateway_memory_utilisation_ratio{job="gateway"})',
} as const;

interface CheckLike {
  kind: string;
  source?: 'prometheus' | 'scrape';
  [field: string]: unknown;
}

type Fill = (check: CheckLike, has: (field: string) => boolean) => CheckLike;

/** Per check kind (by its name), the stack's reads for the fields a check leaves out. */
const FILLS: Record<string, Fill> = {
  breaker(check, has) {
    if (has('states') || has('preset')) return check;
    const breaker = (check.breaker as string | undefined) ?? BUNDLED_READS.breaker;
    return check.source === 'scrape'
      ? { ...check, breaker, metric: check.metric ?? BUNDLED_READS.breakerMetric(breaker) }
      : { ...check, breaker, query: check.query ?? BUNDLED_READS.breakerState(breaker) };
  },
  failover: (check) => ({ ...check, replicaQuery: check.replicaQuery ?? BUNDLED_READS.replicaTraffic }),
  autoscaling: (check) =>
    check.source === 'scrape'
      ? { ...check, metric: check.metric ?? BUNDLED_READS.replicasMetric }
      : { ...check, query: check.query ?? BUNDLED_READS.replicas },
  resources: (check) => ({
    ...check,
    cpuQuery: check.cpuQuery ?? BUNDLED_READS.cpuPercent,
    memoryQuery: check.memoryQuery ?? BUNDLED_READS.memoryPercent,
  }),
};

/** A check with the bundled stack's reads filled in where it names none (input or validated form alike). */
export function withBundledReads<C extends CheckLike>(check: C): C {
  const fill = Object.hasOwn(FILLS, check.kind) ? FILLS[check.kind] : undefined;
  return fill ? (fill(check, (field) => check[field] !== undefined) as C) : check;
}

/**
 * The scenario as the bundled stack's provider reads it: with stack: { kind: "bundled" }, every check that names
 * no read gets the stack's own metric names; any other scenario is returned as it is. Applied where a run or a
 * plan begins (not by the schema): the scenario format knows nothing of the demo.
 */
export function withBundledStackReads(scenario: Scenario): Scenario {
  return scenario.stack ? { ...scenario, checks: scenario.checks.map(withBundledReads) } : scenario;
}
