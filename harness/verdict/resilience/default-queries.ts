/** PromQL for the bundled stack's metrics: each check's default, overridable with `query`. */
export const DEFAULT_QUERIES = {
  breakerState: (breaker: string) => `max(circuit_breaker_state{breaker="${breaker}"})`,
  replicaTraffic: 'sum(rate(ledger_requests_total{ledger="replica",outcome="ok"}[5s]))',
  replicas: 'max(autoscaler_current_replicas)',
  cpuPercent: '100 * max(gateway_cpu_utilisation_ratio{job="gateway"})',
  memoryPercent: '100 * max(gateway_memory_utilisation_ratio{job="gateway"})',
} as const;
