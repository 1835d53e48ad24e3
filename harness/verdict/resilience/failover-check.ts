import { readsOf } from '../../scenario/check-reads.ts';
import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { TimePoint } from '../../signals/recorded-signals.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { faultSpan, firstAt, firstOnset, inconclusive, judged, seconds, seriesPoints, type ResilienceContext } from './resilience-context.ts';

type FailoverCheck = Extract<ResilienceCheck, { kind: 'failover' }>;

/** How long clients saw errors in a phase: first failing second to last, inclusive (0 when none). */
export function errorWindowMs(context: ResilienceContext, phase: string): { failed: number; windowMs: number; requests: number } {
  const seconds = context.load.filter((s) => s.phase === phase);
  const failing = seconds.filter((s) => s.errors > 0);
  return {
    failed: failing.reduce((sum, s) => sum + s.errors, 0),
    requests: seconds.reduce((sum, s) => sum + s.requests, 0),
    windowMs: failing.length === 0 ? 0 : failing.at(-1)!.atMs - failing[0]!.atMs + 1_000,
  };
}

const average = (points: readonly TimePoint[]): number => points.reduce((sum, p) => sum + p.value, 0) / Math.max(1, points.length);

/**
 * When the primary goes down: at most N failed requests, at most T of
 * errors; the backup starts serving after the fault began (within
 * `switchWithin`, if given — traffic it was already serving before the fault
 * is not a switch), carries at least `minShare` of the traffic afterwards
 * (with `totalQuery`), and, with `returnsWithin`, stops within T of the
 * fault's end (traffic back on the primary).
 */
export function evaluateFailover(check: FailoverCheck, context: ResilienceContext): CheckResult[] {
  const window = context.windows.get(check.phase);
  const span = faultSpan(context, check.phase);
  const base = (what: string, expected: string, unit?: string) => ({ name: `failover ${what}`, phase: check.phase, metric: 'failover' as const, expected, ...(unit ? { unit } : {}) });
  const results: CheckResult[] = [];
  const served = base(check.switchWithin ? `to the replica within ${check.switchWithin}` : 'to the replica', check.switchWithin ? `replica serves within ${check.switchWithin}` : 'replica serves traffic', check.switchWithin ? 's' : '(replicaQuery peak)');
  if (!window || !span) return [inconclusive(served, 'the phase did not run')];
  const errors = errorWindowMs(context, check.phase);
  if (check.maxFailedRequests !== undefined) {
    const b = base(`failed requests <= ${check.maxFailedRequests}`, `<= ${check.maxFailedRequests} failed requests`, 'requests');
    results.push(errors.requests === 0 ? inconclusive(b, 'no request completed in this phase') : judged(b, errors.failed <= check.maxFailedRequests, errors.failed));
  }
  if (check.maxErrorWindow) {
    const b = base(`error window <= ${check.maxErrorWindow}`, `errors for <= ${check.maxErrorWindow}`, 's');
    results.push(errors.requests === 0 ? inconclusive(b, 'no request completed in this phase') : judged(b, errors.windowMs <= parseDurationMs(check.maxErrorWindow)!, seconds(errors.windowMs)));
  }
  const [replica, total] = readsOf(check);
  const points = replica ? seriesPoints(context.signals.series.get(replica.key), replica.text) : 'the check names no replicaQuery';
  if (typeof points === 'string') {
    results.push(inconclusive(served, points));
    return results;
  }
  // A switch caused by this fault: the backup starts serving after it began (after having been idle, if it served before).
  const { onset: switched, heldAtStart: servingAtStart } = firstOnset(points, span.startMs, (v) => v > 0);
  const switchedInFault = switched && switched.atMs <= span.endMs ? switched : undefined;
  if (check.switchWithin) {
    const deadlineMs = parseDurationMs(check.switchWithin)!;
    const delayMs = switchedInFault ? switchedInFault.atMs - span.startMs : undefined;
    if (delayMs !== undefined && delayMs <= deadlineMs) results.push(judged(served, true, seconds(delayMs)));
    else if (delayMs === undefined && servingAtStart) results.push(inconclusive(served, 'the replica was already serving when the fault began (from an earlier phase): no switch to time'));
    else results.push(judged(served, false, delayMs === undefined ? null : seconds(delayMs), delayMs === undefined ? 'the replica served no traffic while the primary was down' : undefined));
  } else if (switchedInFault) {
    const peak = Math.max(...points.filter((p) => p.atMs >= switchedInFault.atMs && p.atMs <= span.endMs).map((p) => p.value));
    results.push(judged(served, true, peak));
  } else if (servingAtStart) {
    results.push(inconclusive(served, 'the replica was already serving when the fault began (from an earlier phase): no switch to credit to this fault'));
  } else {
    results.push(judged(served, false, 0, 'the replica served no traffic while the primary was down'));
  }
  if (check.minShare !== undefined) {
    const b = base(`share of traffic >= ${check.minShare}`, `replica >= ${check.minShare * 100}% of traffic after the switch`, '%');
    const totals = total ? seriesPoints(context.signals.series.get(total.key), total.text) : 'the check names no totalQuery';
    if (typeof totals === 'string') results.push(inconclusive(b, totals));
    else if (!switchedInFault) results.push(judged(b, false, 0, 'no switch to the replica'));
    else {
      // From the step after the switch: the switch's own step mixes the old path's traffic with the new one's.
      const during = (series: readonly TimePoint[]) => series.filter((p) => p.atMs > switchedInFault.atMs && p.atMs <= span.endMs);
      const all = average(during(totals));
      const share = all > 0 ? average(during(points)) / all : 0;
      results.push(all > 0 ? judged(b, share >= check.minShare, Math.round(share * 1_000) / 10) : inconclusive(b, 'no traffic at all after the switch'));
    }
  }
  if (check.returnsWithin) {
    const b = base(`back to the primary within ${check.returnsWithin}`, `replica idle within ${check.returnsWithin} after the fault`, 's');
    const deadlineMs = parseDurationMs(check.returnsWithin)!;
    const idle = firstAt(points, span.endMs, (v) => v <= 0);
    const delayMs = idle ? idle.atMs - span.endMs : undefined;
    if (!switchedInFault) results.push(judged(b, false, null, 'the replica never took over, so nothing returned'));
    else if (delayMs !== undefined && delayMs <= deadlineMs) results.push(judged(b, true, seconds(delayMs)));
    else if (delayMs === undefined && context.observedUntilMs < span.endMs + deadlineMs) results.push(inconclusive(b, 'the run ended before the deadline'));
    else results.push(judged(b, false, delayMs === undefined ? null : seconds(delayMs), delayMs === undefined ? 'the replica was still serving at the end of the run' : undefined));
  }
  return results;
}
