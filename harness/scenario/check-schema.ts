import { z } from 'zod';
import { parseMetricSelector } from '../signals/metric-selector.ts';
import { parseDurationMs } from './duration.ts';

const duration = z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, { error: 'is not a duration (use "500ms", "30s", "2m" or "1m30s")' });
const phase = z.string().min(1);
const query = z.string().min(1).optional();
/** Where a check's series comes from: PromQL on Prometheus, or a direct scrape of the target's /metrics. */
const source = z.enum(['prometheus', 'scrape']).default('prometheus');
const metric = z
  .string()
  .refine((text) => parseMetricSelector(text) !== undefined, { error: 'is not a metric selector (use e.g. circuit_breaker_state{breaker="market-data"})' })
  .optional();

/**
 * Resilience checks, judged on the service's own signals (Prometheus range
 * queries, health probes) and on the load recorded per second. Queries default
 * to the bundled stack's metrics; give `query` for your own service.
 */
export const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('breaker'),
    phase,
    breaker: z.string().default('market-data'),
    opensWithin: duration,
    closesWithin: duration.optional(),
    /** PromQL giving the breaker state over time: 0 closed, 1 half-open, 2 open. */
    query,
    source,
    /** With source "scrape": the metric to read from /metrics. */
    metric,
  }),
  z.strictObject({
    kind: z.literal('failover'),
    phase,
    maxFailedRequests: z.int().min(0).optional(),
    maxErrorWindow: duration.optional(),
    /** PromQL that is > 0 while the replica serves traffic. */
    replicaQuery: query,
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
    alert: z.string().min(1),
    phase,
    firesWithin: duration,
    resolvesWithin: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal('no-alert'),
    phases: z.array(phase).min(1),
    severity: z.enum(['warning', 'critical']).optional(),
    alert: z.string().optional(),
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
    kind: z.literal('health'),
    probe: z.enum(['live', 'ready', 'startup']).default('ready'),
    phases: z.array(phase).optional(),
    /** Phases in which the probe may fail (e.g. a planned restart). */
    allowedPhases: z.array(phase).default([]),
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
