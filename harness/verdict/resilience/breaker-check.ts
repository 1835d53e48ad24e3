import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { scrapeKey } from '../../signals/scrape-key.ts';
import { DEFAULT_QUERIES } from './default-queries.ts';
import { faultSpan, firstAt, inconclusive, judged, seconds, seriesPoints, type ResilienceContext } from './resilience-context.ts';

type BreakerCheck = Extract<ResilienceCheck, { kind: 'breaker' }>;

export const breakerQuery = (check: BreakerCheck): string =>
  check.source === 'scrape' ? scrapeKey(check.metric ?? `circuit_breaker_state{breaker="${check.breaker}"}`) : (check.query ?? DEFAULT_QUERIES.breakerState(check.breaker));

/** The breaker opens (state 2) within T of the fault starting, and closes (state 0) within T of it ending. */
export function evaluateBreaker(check: BreakerCheck, context: ResilienceContext): CheckResult[] {
  const opensWithinMs = parseDurationMs(check.opensWithin)!;
  const openBase = { name: `breaker ${check.breaker} opens within ${check.opensWithin}`, phase: check.phase, metric: 'breaker' as const, expected: `open within ${check.opensWithin}` };
  const closeBase = { name: `breaker ${check.breaker} closes within ${check.closesWithin}`, phase: check.phase, metric: 'breaker' as const, expected: `closed within ${check.closesWithin} after the fault` };
  const span = faultSpan(context, check.phase);
  const points = seriesPoints(context.signals.series.get(breakerQuery(check)), breakerQuery(check));
  const results: CheckResult[] = [];
  if (!span) return [inconclusive(openBase, 'the phase did not run')];
  if (typeof points === 'string') {
    results.push(inconclusive(openBase, points));
    if (check.closesWithin) results.push(inconclusive(closeBase, points));
    return results;
  }
  const opened = firstAt(points, span.startMs, (v) => v >= 2);
  const openDelayMs = opened ? opened.atMs - span.startMs : undefined;
  if (openDelayMs !== undefined && openDelayMs <= opensWithinMs) results.push(judged(openBase, true, seconds(openDelayMs)));
  else if (openDelayMs === undefined && context.observedUntilMs < span.startMs + opensWithinMs) results.push(inconclusive(openBase, 'the run ended before the deadline'));
  else results.push(judged(openBase, false, openDelayMs === undefined ? null : seconds(openDelayMs), openDelayMs === undefined ? 'the breaker never opened' : undefined));
  if (check.closesWithin) {
    const closesWithinMs = parseDurationMs(check.closesWithin)!;
    const closed = firstAt(points, span.endMs, (v) => v === 0);
    const closeDelayMs = closed ? closed.atMs - span.endMs : undefined;
    if (closeDelayMs !== undefined && closeDelayMs <= closesWithinMs) results.push(judged(closeBase, true, seconds(closeDelayMs)));
    else if (closeDelayMs === undefined && context.observedUntilMs < span.endMs + closesWithinMs) results.push(inconclusive(closeBase, 'the run ended before the breaker could be seen closing'));
    else results.push(judged(closeBase, false, closeDelayMs === undefined ? null : seconds(closeDelayMs), closeDelayMs === undefined ? 'the breaker never closed' : undefined));
  }
  return results;
}
