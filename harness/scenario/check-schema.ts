import { z } from 'zod';
import { parseMetricSelector } from '../signals/metric-selector.ts';
import { parseDurationMs } from './duration.ts';

const duration = z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, { error: 'is not a duration (use "500ms", "30s", "2m" or "1m30s")' });
const phase = z.string().min(1);
const alertName = z.string().min(1).refine((text) => parseMetricSelector(text) !== undefined, { error: 'is not an alert name (use e.g. "CircuitBreakerOpen", or with labels \'HAProxyServerDown{server="primary"}\')' });
/** Libraries whose breaker metrics ordeal knows by name (their documented shapes). */
export const BREAKER_PRESETS = ['resilience4j'] as const;
/** A comparison a PromQL check's values must meet: "<0.05", ">0", ">=2", "==0". */
export const EXPECTATION = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;
const query = z.string().min(1).optional();
/** Where a check's series comes from: PromQL on Prometheus, or a direct scrape of the target's /metrics. */
const source = z.enum(['prometheus', 'scrape']).default('prometheus');
const metric = z
  .string()
  .refine((text) => parseMetricSelector(text) !== undefined, { error: 'is not a metric selector (use e.g. circuit_breaker_state{breaker="market-data"})' })
  .optional();

/**
 * Resilience checks, judged on the service's own signals (Prometheus range
 * queries, direct scrapes, health probes) and on the load recorded per second.
 * On your own service each check names what it reads (`query`, `metric`,
 * `states`, a `preset`); with the bundled stack, its provider fills them in.
 */
export const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('breaker'),
    phase,
    /** The breaker's name: shown in the report, and the `name` label a preset selects. */
    breaker: z.string().min(1).optional(),
    opensWithin: duration,
    closesWithin: duration.optional(),
    /** PromQL giving the breaker's state as one number over time (see `values`). */
    query,
    source,
    /** With source "scrape": the metric to read from /metrics (one number, see `values`). */
    metric,
    /** What the state number means when it is one series: default open 2, half-open 1 (anything else is closed). */
    values: z.strictObject({ open: z.number(), halfOpen: z.number().optional() }).optional(),
    /**
     * One series per state (one-hot gauges, as Resilience4j/Micrometer export them): PromQL (or, with
     * source "scrape", a metric selector) that is > 0 while the breaker is in that state.
     */
    states: z.strictObject({ open: z.string().min(1), halfOpen: z.string().min(1).optional() }).optional(),
    /** A library's own metric shape: "resilience4j" reads resilience4j_circuitbreaker_state{name=<breaker>,state=…}. */
    preset: z.enum(BREAKER_PRESETS).optional(),
  }),
  z.strictObject({
    kind: z.literal('failover'),
    phase,
    maxFailedRequests: z.int().min(0).optional(),
    maxErrorWindow: duration.optional(),
    /** PromQL that is > 0 while the replica serves traffic. */
    replicaQuery: query,
    /** The replica must start serving within this long of the fault's start (traffic it served before the fault is not a switch). */
    switchWithin: duration.optional(),
    /** After the switch, the replica carries at least this share (0–1) of the traffic that `totalQuery` measures. */
    minShare: z.number().gt(0).max(1).optional(),
    /** PromQL of all the traffic (primary and replica) in the same unit as replicaQuery, for minShare. */
    totalQuery: query,
    /** After the fault ends, the replica is idle again (traffic back on the primary) within this long. */
    returnsWithin: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal('autoscaling'),
    phase,
    atLeast: z.int().min(1),
    within: duration,
    fallsTo: z.int().min(1).optional(),
    fallsWithin: duration.optional(),
    maxDirectionChanges: z.int().min(0).optional(),
    query,
    source,
    metric,
  }),
  z.strictObject({
    kind: z.literal('alert'),
    /** The alert's name, optionally with label matchers: 'HAProxyServerDown{server="primary"}'. */
    alert: alertName,
    phase,
    firesWithin: duration,
    resolvesWithin: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal('no-alert'),
    phases: z.array(phase).min(1),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: duration.optional(),

    severity: z.enum(['warning', 'critical']).optional(),
    alert: alertName.optional(),
  }),
  z.strictObject({
    kind: z.literal('resources'),
    phases: z.array(phase).min(1),
    cpuPercentBelow: z.number().positive().max(100).default(70),
    memoryPercentBelow: z.number().positive().max(100).default(80),
    cpuQuery: query,
    memoryQuery: query,
  }),
  z.strictObject({
    kind: z.literal('promql'),
    /** What the check is about, for the report: "payment error ratio". */
    name: z.string().min(1),
    /** PromQL judged over each phase (a range query, 1 s steps). */
    query: z.string().min(1),
    phases: z.array(phase).min(1),
    /** The condition each value must meet: "<0.05", ">0", ">=2", "==0". */
    expect: z.string().refine((text) => EXPECTATION.test(text), { error: 'is not a comparison (use e.g. "<0.05", ">0", ">=2", "==0")' }),
    /** The condition must first hold within this long of the phase start (without it: at every step of the phase). */
    within: duration.optional(),
    /** …and then hold this long without a break (without `within`: for this long somewhere in the phase). */
    for: duration.optional(),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: duration.optional(),

  }),
  z.strictObject({
    kind: z.literal('health'),
    /** live, ready, startup (health.paths), or a probe named under health.probes. */
    probe: z.string().min(1).default('ready'),
    phases: z.array(phase).optional(),
    /** Phases in which the probe may fail (e.g. a planned restart). */
    allowedPhases: z.array(phase).default([]),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: duration.optional(),

  }),
]);

export type CheckInput = z.input<typeof checkSchema>;
export type ResilienceCheck = z.output<typeof checkSchema>;
export type ResilienceCheckKind = ResilienceCheck['kind'];

/** The phases a check names, for validation against the timeline. */
export function phasesNamedBy(check: ResilienceCheck): string[] {
  if ('phases' in check && check.phases) return [...check.phases, ...('allowedPhases' in check ? check.allowedPhases : [])];
  return 'phase' in check ? [check.phase] : [];
}

/** Whether a check needs Prometheus (all but the health probe and direct scrapes). */
export function needsPrometheus(check: ResilienceCheck): boolean {
  return check.kind !== 'health' && !('source' in check && check.source === 'scrape');
}
