import { scrapeKey } from './scrape-key.ts';
import type { ResilienceCheck } from './check-schema.ts';

type BreakerCheck = Extract<ResilienceCheck, { kind: 'breaker' }>;

/** One series a check reads: PromQL on Prometheus, or a metric selector scraped from /metrics. */
export interface SeriesRead {
  /** Where the recorded series is kept (signals.series). */
  key: string;
  source: 'prometheus' | 'scrape';
  /** The PromQL or the selector, as written. */
  text: string;
  /** What it is to the check: "state", "open", "half-open", "replica traffic", "replicas", "CPU %", "memory %", "value". */
  role: string;
  /** The check's field that says it (for messages: checks[2].replicaQuery). */
  field: string;
  /** Its series may not exist before the fault (a backup's counter, first incremented by a failover): a lookup warns, not refuses. */
  mayAppearLater: boolean;
}

const read = (
  source: SeriesRead['source'],
  text: string,
  role: string,
  field: string,
  mayAppearLater = false,
): SeriesRead => ({ key: source === 'scrape' ? scrapeKey(text) : text, source, text, role, field, mayAppearLater });

/** The per-state series a breaker check reads (one-hot gauges), or undefined when it reads one state number. */
export function breakerStateReads(check: BreakerCheck): { open: SeriesRead; halfOpen?: SeriesRead } | undefined {
  const source = check.source;
  if (check.preset === 'resilience4j') {
    // Micrometer's TaggedCircuitBreakerMetrics: one gauge per state, 1 for the current one.
    const name = JSON.stringify(check.breaker ?? '');
    const selector = (state: string) =>
      source === 'scrape'
        ? `resilience4j_circuitbreaker_state{name=${name},state="${state}"}`
        : `max(resilience4j_circuitbreaker_state{name=${name},state=~"${state === 'open' ? 'open|forced_open' : state}"})`;
    return {
      open: read(source, selector('open'), 'open', 'breaker'),
      halfOpen: read(source, selector('half_open'), 'half-open', 'breaker'),
    };
  }
  if (check.states) {
    return {
      open: read(source, check.states.open, 'open', 'states.open'),
      ...(check.states.halfOpen
        ? { halfOpen: read(source, check.states.halfOpen, 'half-open', 'states.halfOpen') }
        : {}),
    };
  }
  return undefined;
}

/** Every series a check reads over the run (none for alerts and health probes, which have their own sources). */
export function readsOf(check: ResilienceCheck): SeriesRead[] {
  switch (check.kind) {
    case 'breaker': {
      const states = breakerStateReads(check);
      if (states) return [states.open, ...(states.halfOpen ? [states.halfOpen] : [])];
      const text = check.source === 'scrape' ? check.metric : check.query;
      return text ? [read(check.source, text, 'state', check.source === 'scrape' ? 'metric' : 'query')] : [];
    }
    // A backup's traffic may not exist before the first failover (a counter appears on first use).
    case 'failover':
      return [
        ...(check.replicaQuery
          ? [read('prometheus', check.replicaQuery, 'replica traffic', 'replicaQuery', true)]
          : []),
        ...(check.totalQuery ? [read('prometheus', check.totalQuery, 'all traffic', 'totalQuery', true)] : []),
      ];
    case 'autoscaling': {
      const text = check.source === 'scrape' ? check.metric : check.query;
      return text ? [read(check.source, text, 'replicas', check.source === 'scrape' ? 'metric' : 'query')] : [];
    }
    case 'resources':
      return [
        ...(check.cpuQuery ? [read('prometheus', check.cpuQuery, 'CPU %', 'cpuQuery')] : []),
        ...(check.memoryQuery ? [read('prometheus', check.memoryQuery, 'memory %', 'memoryQuery')] : []),
      ];
    case 'promql':
      return [read('prometheus', check.query, 'value', 'query', check.appearsLater)];
    default:
      return [];
  }
}

/** What a check on your own service must say about where its signal is, when it says nothing: the field and an example. */
export function missingRead(check: ResilienceCheck): { field: string; message: string } | undefined {
  switch (check.kind) {
    case 'breaker': {
      if (check.preset)
        return check.breaker
          ? undefined
          : {
              field: 'breaker',
              message: `is required by preset "${check.preset}" (the breaker's name label, e.g. breaker: "payments")`,
            };
      if (check.states) return undefined;
      if (check.source === 'scrape') {
        return check.metric
          ? undefined
          : {
              field: 'metric',
              message:
                'is required to read a breaker from /metrics on your own service (e.g. metric: \'circuit_breaker_state{name="payments"}\', or states: { open: \'…{state="open"}\' }, or preset: "resilience4j")',
            };
      }
      return check.query
        ? undefined
        : {
            field: 'query',
            message:
              'is required for a breaker check on your own service: the PromQL of its state (e.g. query: \'max(circuit_breaker_state{name="payments"})\' with values: { open: 2, halfOpen: 1 }), or states: { open: \'max(…{state="open"})\' } for one-hot gauges, or preset: "resilience4j"',
          };
    }
    case 'failover':
      if (check.replicaQuery && check.minShare !== undefined && !check.totalQuery)
        return {
          field: 'totalQuery',
          message:
            "is required by minShare: PromQL of all the traffic in the unit of replicaQuery (e.g. totalQuery: 'sum(rate(bank_calls_total[10s]))')",
        };
      return check.replicaQuery
        ? undefined
        : {
            field: 'replicaQuery',
            message:
              'is required for a failover check on your own service: PromQL that is > 0 while the backup serves (e.g. replicaQuery: \'sum(rate(bank_calls_total{target="secondary"}[10s]))\')',
          };
    case 'autoscaling':
      if (check.source === 'scrape')
        return check.metric
          ? undefined
          : {
              field: 'metric',
              message: 'is required to read replicas from /metrics on your own service (e.g. metric: "app_replicas")',
            };
      return check.query
        ? undefined
        : {
            field: 'query',
            message:
              'is required for an autoscaling check on your own service: PromQL of the replica count (e.g. query: \'kube_deployment_status_replicas_available{deployment="payments"}\')',
          };
    case 'resources':
      if (!check.cpuQuery)
        return {
          field: 'cpuQuery',
          message:
            'is required for a resources check on your own service: PromQL of CPU in percent of its budget (e.g. cpuQuery: \'100 * max(rate(process_cpu_seconds_total{job="payments"}[10s]))\')',
        };
      return check.memoryQuery
        ? undefined
        : {
            field: 'memoryQuery',
            message:
              'is required for a resources check on your own service: PromQL of memory in percent of its budget (e.g. memoryQuery: \'100 * max(process_resident_memory_bytes{job="payments"}) / 536870912\')',
          };
    default:
      return undefined;
  }
}

/** The PromQL a set of checks needs over the run. */
export function queriesFor(checks: readonly ResilienceCheck[]): string[] {
  return [
    ...new Set(
      checks
        .flatMap(readsOf)
        .filter((r) => r.source === 'prometheus')
        .map((r) => r.text),
    ),
  ];
}

/** The metric selectors a set of checks reads from a direct /metrics scrape. */
export function scrapeSelectorsFor(checks: readonly ResilienceCheck[]): string[] {
  return [
    ...new Set(
      checks
        .flatMap(readsOf)
        .filter((r) => r.source === 'scrape')
        .map((r) => r.text),
    ),
  ];
}
