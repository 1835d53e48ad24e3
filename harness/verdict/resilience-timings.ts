import type { ResilienceCheck } from '../checks/check-registry.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { isAutoscalingCheck, replicaPoints } from '../checks/autoscaling-check.ts';
import { BREAKER_STATE, breakerStateSeries, isBreakerCheck } from '../checks/breaker-check.ts';
import { errorWindowMs } from '../checks/failover-check.ts';
import { faultSpan, heldAtStart, type ResilienceContext } from '../checks/resilience-context.ts';
import { firingIntervals } from '../checks/signal-series.ts';
import type { FaultRecord } from './run-records.ts';

export interface ResilienceTiming {
  phase: string;
  faults: string[];
  /** Fault start → the breaker opened or an alert fired, whichever came first. */
  timeToDetectMs: number | null;
  /** Fault end → the first second whose p95 was back under the SLO (and the breaker closed, when known). */
  timeToRecoverMs: number | null;
  /** With a dependency down (a proxy's `down`, a process's `kill`): first to last second in which clients saw errors. */
  failoverGapMs: number | null;
  /** Phase start → the replicas reached the count an autoscaling check asks for. */
  scaleUpLatencyMs: number | null;
}

const orNone = <T>(points: T[] | string): T[] => (typeof points === 'string' ? [] : points);

/** How long each reaction took, per phase with faults or an autoscaling check. */
export function resilienceTimings(
  context: ResilienceContext<FaultRecord>,
  checks: readonly ResilienceCheck[],
  p95TargetMs: number,
): ResilienceTiming[] {
  const breakerSeries = checks.filter(isBreakerCheck).map((c) => orNone(breakerStateSeries(c, context)));
  const breakerPoints = breakerSeries.flat();
  // Reactions are credited to a fault only when they start after it began: a breaker left open, or an
  // alert still firing, from an earlier phase's fault is not this fault's detection.
  const breakerOpenings = breakerSeries.flatMap((series) =>
    series
      .filter((p, i) => p.value === BREAKER_STATE.open && series[i - 1]?.value !== BREAKER_STATE.open)
      .map((p) => p.atMs),
  );
  const alertStarts = firingIntervals(context.signals).map((interval) => interval.startMs);
  const phases = new Set([
    ...context.faults.map((f) => f.phase),
    ...checks.filter(isAutoscalingCheck).map((c) => c.phase),
  ]);
  return [...phases].flatMap((phase) => {
    const span = faultSpan(context, phase);
    const window = context.windows.get(phase);
    if (!span || !window) return [];
    const faults = context.faults.filter((f) => f.phase === phase);
    // A breaker not closed, or an alert firing, when the fault began: no detection of this fault can be timed.
    const carried =
      breakerSeries.some(
        (series) => heldAtStart(series, span.startMs, (v) => v !== BREAKER_STATE.closed, context) !== undefined,
      ) ||
      firingIntervals(context.signals).some(
        (interval) => interval.startMs <= span.startMs && interval.endMs >= span.startMs - 2_000,
      );
    const detectedAt = carried
      ? Number.NaN
      : Math.min(...breakerOpenings.filter((t) => t >= span.startMs), ...alertStarts.filter((t) => t >= span.startMs));
    const breakerClosedAt = (atMs: number): boolean => {
      const latest = breakerPoints.filter((p) => p.atMs <= atMs).at(-1);
      return latest === undefined || latest.value === 0;
    };
    const recovered = context.load.find(
      (s) => s.atMs >= span.endMs && s.p95Ms !== null && s.p95Ms <= p95TargetMs && breakerClosedAt(s.atMs),
    );
    const autoscaling = checks.filter(isAutoscalingCheck).find((c) => c.phase === phase);
    const scaled = autoscaling
      ? orNone(replicaPoints(autoscaling, context)).find(
          (p) => p.atMs >= window.startMs && p.value >= autoscaling.atLeast,
        )
      : undefined;
    return [
      {
        phase,
        faults: faults.map((f) => describeFault(f.fault)),
        timeToDetectMs: faults.length && Number.isFinite(detectedAt) ? detectedAt - span.startMs : null,
        timeToRecoverMs: faults.length && recovered ? Math.max(0, recovered.atMs - span.endMs) : null,
        failoverGapMs: faults.some((f) => f.fault.kind === 'down' || f.fault.kind === 'kill')
          ? errorWindowMs(context, phase).windowMs
          : null,
        scaleUpLatencyMs: scaled ? scaled.atMs - window.startMs : null,
      },
    ];
  });
}
