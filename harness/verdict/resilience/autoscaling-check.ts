import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { TimePoint } from '../../signals/recorded-signals.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { readsOf } from '../../scenario/check-reads.ts';
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

type AutoscalingCheck = Extract<ResilienceCheck, { kind: 'autoscaling' }>;

/** The replica count over the run, or why there is none. */
export function replicaPoints(
  check: AutoscalingCheck,
  context: Pick<ResilienceContext, 'signals'>,
): TimePoint[] | string {
  const [replicas] = readsOf(check);
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
    metric: 'autoscaling' as const,
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
  const withinMs = parseDurationMs(check.within)!;
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
    const fallsWithinMs = parseDurationMs(check.fallsWithin)!;
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
