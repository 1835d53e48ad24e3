import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { readsOf } from '../../scenario/check-reads.ts';
import { inconclusive, judged, seconds, seriesPoints, type ResilienceContext } from './resilience-context.ts';

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

/** When the primary goes down: at most N failed requests, at most T of errors, and the replica serves. */
export function evaluateFailover(check: FailoverCheck, context: ResilienceContext): CheckResult[] {
  const window = context.windows.get(check.phase);
  const base = (what: string, expected: string) => ({ name: `failover ${what}`, phase: check.phase, metric: 'failover' as const, expected });
  const results: CheckResult[] = [];
  const served = base('to the replica', 'replica serves traffic');
  if (!window) return [inconclusive(served, 'the phase did not run')];
  const errors = errorWindowMs(context, check.phase);
  if (check.maxFailedRequests !== undefined) {
    const b = base(`failed requests <= ${check.maxFailedRequests}`, `<= ${check.maxFailedRequests} failed requests`);
    results.push(errors.requests === 0 ? inconclusive(b, 'no request completed in this phase') : judged(b, errors.failed <= check.maxFailedRequests, errors.failed));
  }
  if (check.maxErrorWindow) {
    const b = base(`error window <= ${check.maxErrorWindow}`, `errors for <= ${check.maxErrorWindow}`);
    results.push(errors.requests === 0 ? inconclusive(b, 'no request completed in this phase') : judged(b, errors.windowMs <= parseDurationMs(check.maxErrorWindow)!, seconds(errors.windowMs)));
  }
  const [replica] = readsOf(check);
  const points = replica ? seriesPoints(context.signals.series.get(replica.key), replica.text) : 'the check names no replicaQuery';
  if (typeof points === 'string') results.push(inconclusive(served, points));
  else {
    const peak = Math.max(0, ...points.filter((p) => p.atMs >= window.startMs && p.atMs <= window.endMs).map((p) => p.value));
    results.push(judged(served, peak > 0, peak, peak > 0 ? undefined : 'the replica served no traffic while the primary was down'));
  }
  return results;
}
