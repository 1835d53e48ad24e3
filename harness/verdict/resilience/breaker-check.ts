import { breakerStateReads, readsOf } from '../../scenario/check-reads.ts';
import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { TimePoint } from '../../signals/recorded-signals.ts';
import type { CheckResult } from '../evaluate-check.ts';
import {
  faultSpan,
  firstAt,
  heldAtStart,
  holdWindow,
  inconclusive,
  nextFaultStartMs,
  nextFaultTooSoon,
  judged,
  seconds,
  seriesPoints,
  sinceText,
  stableFrom,
  type ResilienceContext,
  type ResultBase,
  judgeSettled,
} from './resilience-context.ts';

type BreakerCheck = Extract<ResilienceCheck, { kind: 'breaker' }>;

/** ordeal's own reading of a breaker, whatever the service exports. */
export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

export const breakerLabel = (check: BreakerCheck): string => `breaker ${check.breaker ?? check.preset ?? ''}`.trimEnd();

/**
 * The breaker's state over the run as 0 closed / 1 half-open / 2 open, from
 * one state number (mapped by `values`, default open 2, half-open 1) or from
 * one series per state (> 0 while in it; a step with no sample counts as 0).
 * A string says why there is no state to judge.
 */
export function breakerStateSeries(
  check: BreakerCheck,
  context: Pick<ResilienceContext, 'signals'>,
): TimePoint[] | string {
  const states = breakerStateReads(check);
  if (!states) {
    const [state] = readsOf(check);
    if (!state) return 'the check names no breaker state series (query, metric, states or preset)';
    const points = seriesPoints(context.signals.series.get(state.key), state.text);
    if (typeof points === 'string') return points;
    const open = check.values?.open ?? BREAKER_STATE.open;
    const halfOpen = check.values?.halfOpen ?? (check.values ? undefined : BREAKER_STATE.halfOpen);
    return points.map((p) => ({
      atMs: p.atMs,
      value:
        p.value === open ? BREAKER_STATE.open : p.value === halfOpen ? BREAKER_STATE.halfOpen : BREAKER_STATE.closed,
    }));
  }
  const open = seriesPoints(context.signals.series.get(states.open.key), states.open.text);
  if (typeof open === 'string') return open;
  const halfOpen = states.halfOpen
    ? seriesPoints(context.signals.series.get(states.halfOpen.key), states.halfOpen.text)
    : [];
  if (typeof halfOpen === 'string') return halfOpen;
  const isOpen = new Map(open.map((p) => [p.atMs, p.value > 0]));
  const isHalfOpen = new Map(halfOpen.map((p) => [p.atMs, p.value > 0]));
  return [...new Set([...isOpen.keys(), ...isHalfOpen.keys()])]
    .sort((a, b) => a - b)
    .map((atMs) => ({
      atMs,
      value: isOpen.get(atMs)
        ? BREAKER_STATE.open
        : isHalfOpen.get(atMs)
          ? BREAKER_STATE.halfOpen
          : BREAKER_STATE.closed,
    }));
}

/** The breaker opens within T of the fault starting, and closes within T of it ending. */
export function evaluateBreaker(check: BreakerCheck, context: ResilienceContext): CheckResult[] {
  const opensWithinMs = parseDurationMs(check.opensWithin)!;
  const label = breakerLabel(check);
  const openBase = {
    name: `${label} opens within ${check.opensWithin}`,
    phase: check.phase,
    metric: 'breaker' as const,
    expected: `open within ${check.opensWithin}`,
  };
  const closeBase = {
    name: `${label} closes within ${check.closesWithin}`,
    phase: check.phase,
    metric: 'breaker' as const,
    expected: `closed within ${check.closesWithin} after the fault`,
  };
  const span = faultSpan(context, check.phase);
  const points = breakerStateSeries(check, context);
  const results: CheckResult[] = [];
  if (!span) return [inconclusive(openBase, 'the phase did not run')];
  if (typeof points === 'string') {
    results.push(inconclusive(openBase, points));
    if (check.closesWithin) results.push(inconclusive(closeBase, points));
    return results;
  }
  // A breaker not closed when the fault began (opened by an earlier phase, or by the load) cannot show it opened for this fault.
  const carried = heldAtStart(points, span.startMs, (v) => v !== BREAKER_STATE.closed, context);
  const opened = carried ? undefined : firstAt(points, span.startMs, (v) => v === BREAKER_STATE.open);
  const openDelayMs = opened ? opened.atMs - span.startMs : undefined;
  if (carried)
    results.push(
      inconclusive(
        openBase,
        `the breaker was already open when the fault began (${sinceText(carried, context)}): an opening for this fault cannot be told apart; give it time to close first`,
      ),
    );
  else if (openDelayMs !== undefined && openDelayMs <= opensWithinMs)
    results.push(judged(openBase, true, seconds(openDelayMs)));
  else if (openDelayMs === undefined && context.observedUntilMs < span.startMs + opensWithinMs)
    results.push(inconclusive(openBase, 'the run ended before the deadline'));
  else
    results.push(
      judged(
        openBase,
        false,
        openDelayMs === undefined ? null : seconds(openDelayMs),
        openDelayMs === undefined ? 'the breaker never opened' : undefined,
      ),
    );
  if (check.closesWithin) results.push(judgeClosing(check, points, span, context, closeBase));
  return results;
}

/**
 * "Closes within": closed for good — the first moment after the fault's end
 * from which the breaker stays closed until the deadline (or `stableFor`), at
 * least 2 s. A close that reopens (a half-open probe failing) is not one.
 */
function judgeClosing(
  check: BreakerCheck,
  points: readonly TimePoint[],
  span: { startMs: number; endMs: number },
  context: ResilienceContext,
  base: ResultBase,
): CheckResult {
  const closesWithinMs = parseDurationMs(check.closesWithin!)!;
  const deadlineMs = span.endMs + closesWithinMs;
  const everOpen = points.some(
    (p) => p.atMs >= span.startMs && p.atMs <= deadlineMs && p.value !== BREAKER_STATE.closed,
  );
  if (!everOpen) return judged(base, false, null, 'the breaker never opened, so it had nothing to close');
  const tooSoon = nextFaultTooSoon(context, check.phase, span.endMs, 'the breaker closing');
  if (tooSoon) return inconclusive(base, tooSoon);
  const holdMs = check.stableFor ? parseDurationMs(check.stableFor)! : undefined;
  const holdUntil = holdWindow(context, check.phase, span.endMs, deadlineMs, holdMs);
  const closed = stableFrom(
    points,
    span.endMs,
    (v) => v === BREAKER_STATE.closed,
    holdUntil,
    context.observedUntilMs,
    nextFaultStartMs(context, span.endMs, check.phase),
  );
  return judgeSettled(
    base,
    closed,
    { endMs: span.endMs, withinMs: closesWithinMs, observedUntilMs: context.observedUntilMs },
    {
      flapped: 'it closed and opened again',
      settled: 'closed',
      subject: 'the breaker',
      unseen: 'the run ended before the breaker could be seen closing',
      never: 'the breaker never closed',
    },
  );
}
