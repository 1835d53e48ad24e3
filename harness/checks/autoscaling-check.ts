import { z } from 'zod';
import { defineCheckKind, type MissingRead } from './check-kind.ts';
import { duration, kindName, metric, phase, query, source } from './check-fields.ts';
import type { TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import { queryOrMetric, type SeriesRead } from './series-reads.ts';
import {
  firstAt,
  heldAtStart,
  inconclusive,
  judged,
  seconds,
  seriesPoints,
  sinceText,
  type ResilienceContext,
} from './resilience-context.ts';

const KIND = 'autoscaling';

const autoscalingSchema = z.strictObject({
  kind: kindName(KIND, 'replicas scale up under load (and back down)'),
  phase: phase.describe('The phase whose load should make the service scale up.'),
  atLeast: z.int().min(1).describe('Replicas that must be reached…'),
  within: duration.describe("…within this long of the phase's start."),
  fallsTo: z.int().min(1).optional().describe('Replicas to scale back down to after the phase…'),
  fallsWithin: duration.optional().describe('…within this long of its end.'),
  maxDirectionChanges: z.int().min(0).optional().describe('At most this many changes of direction (flapping).'),
  query: query.describe('PromQL of the replica count.'),
  source: source.describe('Where the replica count is read: "prometheus" (query) or "scrape" (metric).'),
  metric: metric.describe('With source "scrape": the metric selector of the replica count.'),
});
export type AutoscalingCheck = z.output<typeof autoscalingSchema>;

const replicaReads = (check: AutoscalingCheck): SeriesRead[] =>
  queryOrMetric(check, 'replicas', { name: 'replicas', unit: 'count' });

function missingReplicaRead(check: AutoscalingCheck): MissingRead | undefined {
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
}

/** Whether a check is an autoscaling check (for the report's scale-up timing). */
export const isAutoscalingCheck = (check: { kind: string }): check is AutoscalingCheck => check.kind === KIND;

/** The replica count over the run, or why there is none. */
export function replicaPoints(
  check: AutoscalingCheck,
  context: Pick<ResilienceContext, 'signals'>,
): TimePoint[] | string {
  const [replicas] = replicaReads(check);
  return replicas
    ? seriesPoints(context.signals.series.get(replicas.key), replicas.text)
    : 'the check names no replica series (query or metric)';
}

/** Times the replica count turned from rising to falling or back. */
export function directionChanges(points: readonly TimePoint[]): number {
  let changes = 0;
  let direction = 0;
  for (let i = 1; i < points.length; i++) {
    const step = Math.sign(points[i]!.value - points[i - 1]!.value);
    if (step === 0) continue;
    if (direction !== 0 && step !== direction) changes += 1;
    direction = step;
  }
  return changes;
}

/** Replicas rise to >= N within T of the phase starting; fall back within T of it ending; no flapping. */
export function evaluateAutoscaling(check: AutoscalingCheck, context: ResilienceContext): CheckResult[] {
  const window = context.windows.get(check.phase);
  const base = (name: string, expected: string) => ({
    name: `autoscaling ${name}`,
    phase: check.phase,
    metric: KIND,
    expected,
  });
  const up = base(
    `reaches ${check.atLeast} replicas within ${check.within}`,
    `>= ${check.atLeast} replicas within ${check.within}`,
  );
  if (!window) return [inconclusive(up, 'the phase did not run')];
  const points = replicaPoints(check, context);
  if (typeof points === 'string') return [inconclusive(up, points)];
  const results: CheckResult[] = [];
  const withinMs = check.within.ms;
  // Already scaled up when the phase began (by an earlier phase's load): no scale-up to time.
  const carried = heldAtStart(points, window.startMs, (v) => v >= check.atLeast, context);
  const reached = firstAt(points, window.startMs, (v) => v >= check.atLeast);
  const delayMs = reached ? reached.atMs - window.startMs : undefined;
  if (carried)
    results.push(
      inconclusive(
        up,
        `already at ${check.atLeast} or more replicas when the phase began (${sinceText(carried, context)}): a scale-up for this phase cannot be told apart`,
      ),
    );
  else if (delayMs !== undefined && delayMs <= withinMs) results.push(judged(up, true, seconds(delayMs)));
  else if (delayMs === undefined && context.observedUntilMs < window.startMs + withinMs)
    results.push(inconclusive(up, 'the run ended before the deadline'));
  else {
    const most = Math.max(
      ...points.filter((p) => p.atMs >= window.startMs && p.atMs <= window.startMs + withinMs).map((p) => p.value),
      0,
    );
    results.push(
      judged(
        up,
        false,
        delayMs === undefined ? null : seconds(delayMs),
        `at most ${most} replicas within ${check.within}`,
      ),
    );
  }
  if (check.fallsTo !== undefined && check.fallsWithin) {
    const down = base(
      `falls to ${check.fallsTo} within ${check.fallsWithin}`,
      `<= ${check.fallsTo} replicas within ${check.fallsWithin} after the phase`,
    );
    const fallsWithinMs = check.fallsWithin.ms;
    const fell = firstAt(points, window.endMs, (v) => v <= check.fallsTo!);
    const fallMs = fell ? fell.atMs - window.endMs : undefined;
    if (fallMs !== undefined && fallMs <= fallsWithinMs) results.push(judged(down, true, seconds(fallMs)));
    else if (fallMs === undefined && context.observedUntilMs < window.endMs + fallsWithinMs)
      results.push(inconclusive(down, 'the run ended before the deadline'));
    else results.push(judged(down, false, fallMs === undefined ? null : seconds(fallMs)));
  }
  if (check.maxDirectionChanges !== undefined) {
    const flaps = base(
      `changes direction <= ${check.maxDirectionChanges} times`,
      `<= ${check.maxDirectionChanges} direction changes`,
    );
    const changes = directionChanges(points);
    results.push(judged(flaps, changes <= check.maxDirectionChanges, changes));
  }
  return results;
}

export const autoscalingKind = defineCheckKind({
  kind: KIND,
  schema: autoscalingSchema,
  source: (check) => check.source,
  reads: replicaReads,
  missingRead: missingReplicaRead,
  describe: (check) =>
    `replicas >= ${check.atLeast} within ${check.within}${check.fallsTo ? `, back to ${check.fallsTo} within ${check.fallsWithin}` : ''}${check.maxDirectionChanges !== undefined ? `, <= ${check.maxDirectionChanges} direction changes` : ''}`,
  observedUnit: (expected) =>
    /direction/.test(expected) ? 'direction changes' : /within/.test(expected) ? 's' : undefined,
  evaluate: evaluateAutoscaling,
});
