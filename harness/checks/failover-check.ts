import { z } from 'zod';
import { seriesRead, type SeriesRead } from './series-reads.ts';
import { defineCheckKind, type MissingRead } from './check-kind.ts';
import { duration, kindName, phase, query } from './check-fields.ts';
import type { TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import type { Duration } from '../notation/duration.ts';
import {
  faultSpan,
  firstAt,
  heldAtStart,
  inconclusive,
  judged,
  seconds,
  seriesPoints,
  sinceText,
  spanTargetOf,
  type ResilienceContext,
  type ResultBase,
} from './resilience-context.ts';

const KIND = 'failover';

const failoverSchema = z.strictObject({
  kind: kindName(KIND, 'traffic moves to a replica while the primary is down'),
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
  totalQuery: query.describe("PromQL of all the traffic (primary and replica), in replicaQuery's unit, for minShare."),
  /** After the fault ends, the replica is idle again (traffic back on the primary) within this long. */
  returnsWithin: duration
    .optional()
    .describe('After the fault ends, the replica is idle again (traffic back on the primary) within this long.'),
});
type FailoverCheck = z.output<typeof failoverSchema>;

// A backup's traffic may not exist before the first failover (a counter appears on first use).
const failoverReads = (check: FailoverCheck): SeriesRead[] => [
  ...(check.replicaQuery
    ? [
        seriesRead('prometheus', check.replicaQuery, 'replica traffic', 'replicaQuery', {
          mayAppearLater: true,
          chart: { name: 'replica serving', unit: 'req/s' },
        }),
      ]
    : []),
  ...(check.totalQuery
    ? [
        seriesRead('prometheus', check.totalQuery, 'all traffic', 'totalQuery', {
          mayAppearLater: true,
          chart: { name: 'all traffic', unit: 'req/s' },
        }),
      ]
    : []),
];

function missingFailoverRead(check: FailoverCheck): MissingRead | undefined {
  if (check.replicaQuery && check.minShare !== undefined && !check.totalQuery)
    return {
      field: 'totalQuery',
      message:
        "is required by minShare: PromQL of all the traffic in the unit of replicaQuery (e.g. totalQuery: 'sum(rate(bank_calls_total[10s]))')",
    };
  return check.replicaQuery
    ? undefined
    : {
        field: 'replicaQuery',
        message:
          'is required for a failover check on your own service: PromQL that is > 0 while the backup serves (e.g. replicaQuery: \'sum(rate(bank_calls_total{target="secondary"}[10s]))\')',
      };
}

/** How long clients saw errors in a phase: first failing second to last, inclusive (0 when none). */
export function errorWindowMs(
  context: ResilienceContext,
  phase: string,
): { failed: number; windowMs: number; requests: number } {
  const seconds = context.load.filter((s) => s.phase === phase);
  const failing = seconds.filter((s) => s.errors > 0);
  return {
    failed: failing.reduce((sum, s) => sum + s.errors, 0),
    requests: seconds.reduce((sum, s) => sum + s.requests, 0),
    windowMs: failing.length === 0 ? 0 : failing.at(-1)!.atMs - failing[0]!.atMs + 1_000,
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The replica's share of the traffic once it has taken over: per step,
 * replicaQuery ÷ totalQuery, and the median of the later half of the steps
 * from `fromMs` (the switch, or the fault's start when it was already serving)
 * to the fault's end. The earlier half is left out because a rate window
 * (`rate(…[10s])`) ramps up after a switch: a backup that carries all the
 * traffic reads ~100 %, not the 91–98 % an average from the switch gives.
 */
export function replicaShare(
  replica: readonly TimePoint[],
  totals: readonly TimePoint[],
  fromMs: number,
  toMs: number,
): number | undefined {
  // Joined by step: series read together share their instants (one clock offset per read).
  const totalAt = new Map(totals.map((p) => [Math.round(p.atMs), p.value]));
  const totalNear = (atMs: number): number => totalAt.get(Math.round(atMs)) ?? 0;
  const shares = replica
    .filter((p) => p.atMs > fromMs && p.atMs <= toMs && totalNear(p.atMs) > 0)
    .map((p) => Math.min(1, p.value / totalNear(p.atMs)));
  if (shares.length === 0) return undefined;
  return median(shares.slice(Math.floor(shares.length / 2)));
}

/**
 * Phases back to back whose faults hit the same dependency (the next phase
 * starts where this one ends and faults a proxy this one faults): the
 * previous one, if this phase continues it, and when the last of the run of
 * such faults ends (the primary can only come back after it).
 */
export function consecutiveFaults(
  context: Pick<ResilienceContext, 'windows' | 'faults'>,
  phase: string,
): { previous?: string; lastEndMs: number } | undefined {
  const order = [...context.windows].sort((a, b) => a[1].startMs - b[1].startMs).map(([name]) => name);
  const proxiesOf = (name: string | undefined): Set<string> =>
    new Set(context.faults.filter((f) => f.phase === name).map(spanTargetOf));
  const shares = (a: string | undefined, b: string | undefined): boolean =>
    [...proxiesOf(a)].some((proxy) => proxiesOf(b).has(proxy));
  const index = order.indexOf(phase);
  if (index < 0 || proxiesOf(phase).size === 0) return undefined;
  let last = index;
  while (last + 1 < order.length && shares(order[last], order[last + 1])) last += 1;
  const lastSpan = faultSpan(context as ResilienceContext, order[last]!)!;
  const previous = index > 0 && shares(order[index - 1], phase) ? order[index - 1] : undefined;
  return { ...(previous ? { previous } : {}), lastEndMs: lastSpan.endMs };
}

type Base = (what: string, expected: string, unit?: string) => ResultBase;

/** What the replica's series says about this fault: when it took over, or why no switch can be credited. */
interface Takeover {
  points: TimePoint[];
  span: { startMs: number; endMs: number };
  /** The faults back to back on this dependency, if any. */
  run: ReturnType<typeof consecutiveFaults>;
  /** Serving when the fault began (the point that shows it), if it was. */
  carried: ReturnType<typeof heldAtStart>;
  /** The previous phase this one continues (the replica took over there), if any. */
  continues?: string;
  /** Where the replica stopped serving mid-fault while continuing, if it did. */
  stopped?: TimePoint;
  tookOverAtMs?: number;
}

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
  const base: Base = (what, expected, unit) => ({
    name: `failover ${what}`,
    phase: check.phase,
    metric: KIND,
    expected,
    ...(unit ? { unit } : {}),
  });
  const served = base(
    check.switchWithin ? `to the replica within ${check.switchWithin}` : 'to the replica',
    check.switchWithin ? `replica serves within ${check.switchWithin}` : 'replica serves traffic',
    check.switchWithin ? 's' : '(replicaQuery peak)',
  );
  if (!window || !span) return [inconclusive(served, 'the phase did not run')];
  const results = errorResults(check, context, base);
  const [replica] = failoverReads(check);
  const points = replica
    ? seriesPoints(context.signals.series.get(replica.key), replica.text)
    : 'the check names no replicaQuery';
  if (typeof points === 'string') return [...results, inconclusive(served, points)];
  const takeover = takeoverOf(points, span, check.phase, context);
  results.push(switchResult(check, takeover, served, context));
  if (check.minShare !== undefined) results.push(shareResult(check, check.minShare, takeover, base, context));
  if (check.returnsWithin) results.push(returnResult(check.returnsWithin, takeover, base, context));
  return results;
}

/** What clients saw: failed requests and how long errors lasted, each against its bound if given. */
function errorResults(check: FailoverCheck, context: ResilienceContext, base: Base): CheckResult[] {
  const results: CheckResult[] = [];
  const errors = errorWindowMs(context, check.phase);
  if (check.maxFailedRequests !== undefined) {
    const b = base(
      `failed requests <= ${check.maxFailedRequests}`,
      `<= ${check.maxFailedRequests} failed requests`,
      'requests',
    );
    results.push(
      errors.requests === 0
        ? inconclusive(b, 'no request completed in this phase')
        : judged(b, errors.failed <= check.maxFailedRequests, errors.failed),
    );
  }
  if (check.maxErrorWindow) {
    const b = base(`error window <= ${check.maxErrorWindow}`, `errors for <= ${check.maxErrorWindow}`, 's');
    results.push(
      errors.requests === 0
        ? inconclusive(b, 'no request completed in this phase')
        : judged(b, errors.windowMs <= check.maxErrorWindow.ms, seconds(errors.windowMs)),
    );
  }
  return results;
}

/**
 * A switch caused by this fault: the backup starts serving after it began. Already serving at its start is a
 * continuation when the previous phase faulted the same dependency back to back (it must keep serving through
 * this one), and otherwise a state carried over that no switch can be credited for.
 */
function takeoverOf(
  points: TimePoint[],
  span: { startMs: number; endMs: number },
  phase: string,
  context: ResilienceContext,
): Takeover {
  const run = consecutiveFaults(context, phase);
  const carried = heldAtStart(points, span.startMs, (v) => v > 0, context);
  const continues = carried && run?.previous ? run.previous : undefined;
  const stopped = continues
    ? points.find((p) => p.atMs > span.startMs && p.atMs <= span.endMs && p.value <= 0)
    : undefined;
  const switched = carried ? undefined : firstAt(points, span.startMs, (v) => v > 0);
  const switchedInFault = switched && switched.atMs <= span.endMs ? switched : undefined;
  const tookOverAtMs = continues && !stopped ? span.startMs : switchedInFault?.atMs;
  return { points, span, run, carried, continues, stopped, tookOverAtMs };
}

/** Whether (and how fast) the replica took over. */
function switchResult(
  check: FailoverCheck,
  takeover: Takeover,
  served: ResultBase,
  context: ResilienceContext,
): CheckResult {
  const { points, span, carried, continues, stopped, tookOverAtMs } = takeover;
  const continuation = `already serving when the fault began, since the previous phase ${continues} faulted the same dependency back to back; it kept serving through this one`;
  if (continues && stopped) {
    return judged(
      served,
      false,
      0,
      `the replica stopped serving at +${seconds(stopped.atMs - span.startMs)} s into the fault while the primary was still down (it had taken over in ${continues})`,
    );
  }
  if (carried && !continues) {
    return inconclusive(
      served,
      `the replica was already serving when the fault began (${sinceText(carried, context)}): no switch to credit to this fault`,
    );
  }
  if (check.switchWithin) {
    const deadlineMs = check.switchWithin.ms;
    const delayMs = tookOverAtMs === undefined ? undefined : tookOverAtMs - span.startMs;
    if (delayMs !== undefined && delayMs <= deadlineMs)
      return judged(served, true, seconds(delayMs), continues ? continuation : undefined);
    return judged(
      served,
      false,
      delayMs === undefined ? null : seconds(delayMs),
      delayMs === undefined ? 'the replica served no traffic while the primary was down' : undefined,
    );
  }
  if (tookOverAtMs !== undefined) {
    const peak = Math.max(...points.filter((p) => p.atMs >= tookOverAtMs && p.atMs <= span.endMs).map((p) => p.value));
    return judged(served, true, peak, continues ? continuation : undefined);
  }
  return judged(served, false, 0, 'the replica served no traffic while the primary was down');
}

/** The replica's share of the traffic once it took over (with totalQuery). */
function shareResult(
  check: FailoverCheck,
  minShare: number,
  takeover: Takeover,
  base: Base,
  context: ResilienceContext,
): CheckResult {
  const { points, span, carried, continues, tookOverAtMs } = takeover;
  const b = base(
    `share of traffic >= ${minShare}`,
    `replica >= ${minShare * 100}% of traffic once it took over (median of the later half of the steps)`,
    '%',
  );
  const [, total] = failoverReads(check);
  const totals = total
    ? seriesPoints(context.signals.series.get(total.key), total.text)
    : 'the check names no totalQuery';
  if (typeof totals === 'string') return inconclusive(b, totals);
  if (carried && !continues)
    return inconclusive(b, `the replica was already serving when the fault began (${sinceText(carried, context)})`);
  if (tookOverAtMs === undefined) return judged(b, false, 0, 'no switch to the replica');
  // From the step after the switch: the switch's own step mixes the old path's traffic with the new one's.
  const share = replicaShare(points, totals, tookOverAtMs, span.endMs);
  return share === undefined
    ? inconclusive(b, 'no traffic at all after the switch')
    : judged(b, share >= minShare, Math.round(share * 1_000) / 10);
}

/** Back to the primary after the last of the faults back to back on this dependency: not before it could be. */
function returnResult(
  returnsWithin: Duration,
  takeover: Takeover,
  base: Base,
  context: ResilienceContext,
): CheckResult {
  const { points, span, run, carried, continues, tookOverAtMs } = takeover;
  const fromMs = run?.lastEndMs ?? span.endMs;
  const after =
    fromMs > span.endMs
      ? ` after the last of the back-to-back faults (+${seconds(fromMs - span.endMs)} s after this one)`
      : ' after the fault';
  const b = base(`back to the primary within ${returnsWithin}`, `replica idle within ${returnsWithin}${after}`, 's');
  const deadlineMs = returnsWithin.ms;
  const idle = firstAt(points, fromMs, (v) => v <= 0);
  const delayMs = idle ? idle.atMs - fromMs : undefined;
  if (tookOverAtMs === undefined)
    return carried && !continues
      ? inconclusive(b, `the replica was already serving when the fault began (${sinceText(carried, context)})`)
      : judged(b, false, null, 'the replica never took over, so nothing returned');
  if (delayMs !== undefined && delayMs <= deadlineMs) return judged(b, true, seconds(delayMs));
  if (delayMs === undefined && context.observedUntilMs < fromMs + deadlineMs)
    return inconclusive(b, 'the run ended before the deadline');
  return judged(
    b,
    false,
    delayMs === undefined ? null : seconds(delayMs),
    delayMs === undefined ? 'the replica was still serving at the end of the run' : undefined,
  );
}

export const failoverKind = defineCheckKind({
  kind: KIND,
  schema: failoverSchema,
  source: () => 'prometheus',
  reads: failoverReads,
  missingRead: missingFailoverRead,
  describe: (check) =>
    `failover to the replica${check.switchWithin ? ` within ${check.switchWithin}` : ''}${check.minShare !== undefined ? `, carrying >= ${check.minShare * 100}% of traffic` : ''}${check.maxFailedRequests !== undefined ? `, <= ${check.maxFailedRequests} failed requests` : ''}${check.maxErrorWindow ? `, errors for <= ${check.maxErrorWindow}` : ''}${check.returnsWithin ? `, back on the primary within ${check.returnsWithin} after` : ''}`,
  evaluate: evaluateFailover,
});
