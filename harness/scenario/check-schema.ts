import { z } from 'zod';
import { parseMetricSelector } from './metric-selector.ts';
import { parseDurationMs } from './duration.ts';

const duration = z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, {
  error: 'is not a duration of at most 30 days (use "500ms", "30s", "2m" or "1m30s")',
});
const phase = z.string().min(1);
const alertName = z
  .string()
  .min(1)
  .refine((text) => parseMetricSelector(text) !== undefined, {
    error:
      'is not an alert name (use e.g. "CircuitBreakerOpen", or with labels \'HAProxyServerDown{server="primary"}\')',
  });
/** Libraries whose breaker metrics ordeal knows by name (their documented shapes). */
export const BREAKER_PRESETS = ['resilience4j'] as const;
/** A comparison a PromQL check's values must meet: "<0.05", ">0", ">=2", "==0". */
export const EXPECTATION = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;
const query = z.string().min(1).optional();
/** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
const graceAfter = duration
  .optional()
  .describe(
    "Judge from each phase's start + this grace (e.g. an alert's rate window carried over from the last fault).",
  );
const kind = <const K extends string>(name: K, meaning: string) => z.literal(name).describe(`"${name}": ${meaning}.`);
/** Where a check's series comes from: PromQL on Prometheus, or a direct scrape of the target's /metrics. */
const source = z.enum(['prometheus', 'scrape']).default('prometheus');
const metric = z
  .string()
  .refine((text) => parseMetricSelector(text) !== undefined, {
    error: 'is not a metric selector (use e.g. circuit_breaker_state{breaker="market-data"})',
  })
  .optional();

/**
 * Resilience checks, judged on the service's own signals (Prometheus range
 * queries, direct scrapes, health probes) and on the load recorded per second.
 * On your own service each check names what it reads (`query`, `metric`,
 * `states`, a `preset`); with the bundled stack, its provider fills them in.
 */
export const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: kind('breaker', 'a circuit breaker opens under a fault and closes after it'),
    phase: phase.describe('The phase with the fault the breaker must react to.'),
    /** The breaker's name: shown in the report, and the `name` label a preset selects. */
    breaker: z
      .string()
      .min(1)
      .optional()
      .describe("The breaker's name: shown in the report, and the `name` label a preset selects."),
    opensWithin: duration.describe('The breaker must open within this long of the fault\'s start (e.g. "5s").'),
    closesWithin: duration
      .optional()
      .describe(
        "…and close again within this long of the fault's end (closed for good: reopening within the deadline, or within stableFor, is not closing).",
      ),
    /** Closed counts once it stays closed this long (default: until the closesWithin deadline, and at least 2 s). */
    stableFor: duration
      .optional()
      .describe(
        'Closed counts once the breaker stays closed this long (default: until the closesWithin deadline, at least 2s).',
      ),
    /** PromQL giving the breaker's state as one number over time (see `values`). */
    query: query.describe("PromQL giving the breaker's state as one number over time (see values)."),
    source: source.describe(
      'Where the state is read: "prometheus" (query) or "scrape" (metric, from the target\'s /metrics).',
    ),
    /** With source "scrape": the metric to read from /metrics (one number, see `values`). */
    metric: metric.describe(
      'With source "scrape": the metric selector to read from the metrics page (one number, see values).',
    ),
    /** What the state number means when it is one series: default open 2, half-open 1 (anything else is closed). */
    values: z
      .strictObject({
        open: z.number().describe('The number that means open.'),
        halfOpen: z.number().optional().describe('The number that means half-open.'),
      })
      .optional()
      .describe('What the state number means (default: open 2, half-open 1; anything else is closed).'),
    /**
     * One series per state (one-hot gauges, as Resilience4j/Micrometer export them): PromQL (or, with
     * source "scrape", a metric selector) that is > 0 while the breaker is in that state.
     */
    states: z
      .strictObject({
        open: z
          .string()
          .min(1)
          .describe('PromQL (or, with source "scrape", a metric selector) > 0 while the breaker is open.'),
        halfOpen: z.string().min(1).optional().describe('…> 0 while it is half-open.'),
      })
      .optional()
      .describe('One series per state (one-hot gauges, as Resilience4j/Micrometer export them).'),
    /** A library's own metric shape: "resilience4j" reads resilience4j_circuitbreaker_state{name=<breaker>,state=…}. */
    preset: z
      .enum(BREAKER_PRESETS)
      .optional()
      .describe(
        'A library\'s own metric shape: "resilience4j" reads resilience4j_circuitbreaker_state{name=<breaker>,state=…}.',
      ),
  }),
  z.strictObject({
    kind: kind('failover', 'traffic moves to a replica while the primary is down'),
    phase: phase.describe('The phase with the fault that takes the primary down.'),
    maxFailedRequests: z.int().min(0).optional().describe('At most this many requests may fail during the phase.'),
    maxErrorWindow: duration.optional().describe('Errors may last at most this long (the failover gap).'),
    /** PromQL that is > 0 while the replica serves traffic. */
    replicaQuery: query.describe('PromQL that is > 0 while the replica serves traffic (e.g. its request rate).'),
    /** The replica must start serving within this long of the fault's start (traffic it served before the fault is not a switch). */
    switchWithin: duration.optional().describe("The replica must start serving within this long of the fault's start."),
    /** After the switch, the replica carries at least this share (0–1) of the traffic that `totalQuery` measures. */
    minShare: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('After the switch, the replica carries at least this share (0–1) of the traffic totalQuery measures.'),
    /** PromQL of all the traffic (primary and replica) in the same unit as replicaQuery, for minShare. */
    totalQuery: query.describe(
      "PromQL of all the traffic (primary and replica), in replicaQuery's unit, for minShare.",
    ),
    /** After the fault ends, the replica is idle again (traffic back on the primary) within this long. */
    returnsWithin: duration
      .optional()
      .describe('After the fault ends, the replica is idle again (traffic back on the primary) within this long.'),
  }),
  z.strictObject({
    kind: kind('autoscaling', 'replicas scale up under load (and back down)'),
    phase: phase.describe('The phase whose load should make the service scale up.'),
    atLeast: z.int().min(1).describe('Replicas that must be reached…'),
    within: duration.describe("…within this long of the phase's start."),
    fallsTo: z.int().min(1).optional().describe('Replicas to scale back down to after the phase…'),
    fallsWithin: duration.optional().describe('…within this long of its end.'),
    maxDirectionChanges: z.int().min(0).optional().describe('At most this many changes of direction (flapping).'),
    query: query.describe('PromQL of the replica count.'),
    source: source.describe('Where the replica count is read: "prometheus" (query) or "scrape" (metric).'),
    metric: metric.describe('With source "scrape": the metric selector of the replica count.'),
  }),
  z.strictObject({
    kind: kind('alert', 'a Prometheus alert fires during a fault (and resolves after it)'),
    /** The alert's name, optionally with label matchers: 'HAProxyServerDown{server="primary"}'. */
    alert: alertName.describe(
      "The alert's name, optionally with label matchers: 'HAProxyServerDown{server=\"primary\"}'.",
    ),
    phase: phase.describe('The phase with the fault the alert must fire for.'),
    firesWithin: duration.describe(
      "The alert must start firing within this long of the fault's start (already firing: INCONCLUSIVE).",
    ),
    resolvesWithin: duration
      .optional()
      .describe(
        "…and resolve within this long of the fault's end (resolved for good: firing again within the deadline, or within stableFor, is not resolving).",
      ),
    /** Resolved counts once the alert stays resolved this long (default: until the resolvesWithin deadline, and at least 2 s). */
    stableFor: duration
      .optional()
      .describe(
        'Resolved counts once the alert stays resolved this long (default: until the resolvesWithin deadline, at least 2s).',
      ),
  }),
  z.strictObject({
    kind: kind('no-alert', 'no alert fires during phases that should be quiet'),
    phases: z.array(phase).min(1).describe('The quiet phases.'),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: graceAfter,
    severity: z.enum(['warning', 'critical']).optional().describe('Only alerts of this severity count.'),
    alert: alertName.optional().describe('Only this alert counts (with optional label matchers).'),
  }),
  z.strictObject({
    kind: kind('resources', 'CPU and memory stay under budget'),
    phases: z.array(phase).min(1).describe('The phases judged.'),
    cpuPercentBelow: z.number().positive().max(100).default(70).describe('Average CPU must stay below this, in %.'),
    memoryPercentBelow: z
      .number()
      .positive()
      .max(100)
      .default(80)
      .describe('Average memory must stay below this, in %.'),
    cpuQuery: query.describe('PromQL of CPU use in % (0–100).'),
    memoryQuery: query.describe('PromQL of memory use in % (0–100).'),
  }),
  z.strictObject({
    kind: kind('promql', 'any PromQL expression meets a condition'),
    /** What the check is about, for the report: "payment error ratio". */
    name: z.string().min(1).describe('What the check is about, for the report: "payment error ratio".'),
    /** PromQL judged over each phase (a range query, 1 s steps). */
    query: z.string().min(1).describe('PromQL judged over each phase (a range query, 1 s steps).'),
    phases: z.array(phase).min(1).describe('The phases judged, each on its own.'),
    /** The condition each value must meet: "<0.05", ">0", ">=2", "==0". */
    expect: z
      .string()
      .refine((text) => EXPECTATION.test(text), { error: 'is not a comparison (use e.g. "<0.05", ">0", ">=2", "==0")' })
      .describe('The condition each value must meet: "<0.05", ">0", ">=2", "==0".'),
    /** The condition must first hold within this long of the phase start (without it: at every step of the phase). */
    within: duration
      .optional()
      .describe("The condition must first hold within this long of the phase's start (without it: at every step)."),
    /** …and then hold this long without a break (without `within`: for this long somewhere in the phase). */
    for: duration
      .optional()
      .describe('…and then hold this long without a break (without within: this long somewhere in the phase).'),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: graceAfter,
    /** Its series may not exist before the fault (a counter first incremented by it): `plan` warns instead of refusing. */
    appearsLater: z
      .boolean()
      .default(false)
      .describe(
        'Its series may not exist before the fault (a counter first incremented by it): plan warns about a selector that matches nothing yet instead of refusing it.',
      ),
  }),
  z.strictObject({
    kind: kind('health', 'a health probe answers healthy throughout'),
    /** live, ready, startup (health.paths), or a probe named under health.probes. */
    probe: z
      .string()
      .min(1)
      .default('ready')
      .describe('"live", "ready", "startup" (health.paths), or a probe named under health.probes.'),
    phases: z.array(phase).optional().describe('The phases judged (default: all).'),
    /** Phases in which the probe may fail (e.g. a planned restart). */
    allowedPhases: z.array(phase).default([]).describe('Phases in which the probe may fail (e.g. a planned restart).'),
    /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
    after: graceAfter,
  }),
]);

export type CheckInput = z.input<typeof checkSchema>;
export type ResilienceCheck = z.output<typeof checkSchema>;
export type ResilienceCheckKind = ResilienceCheck['kind'];

/** The phases a check names, for validation against the timeline. */
export function phasesNamedBy(check: ResilienceCheck): string[] {
  if ('phases' in check && check.phases)
    return [...check.phases, ...('allowedPhases' in check ? check.allowedPhases : [])];
  return 'phase' in check ? [check.phase] : [];
}

/** Whether a check needs Prometheus (all but the health probe and direct scrapes). */
export function needsPrometheus(check: ResilienceCheck): boolean {
  return check.kind !== 'health' && !('source' in check && check.source === 'scrape');
}
