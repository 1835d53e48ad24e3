import type { RecordedSignals, SeriesResult, TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import type { Duration } from '../notation/duration.ts';

/** A phase's span on the run's time base. */
export interface PhaseWindow {
  startMs: number;
  endMs: number;
  /** When the driver's load began and ended (its last request sent), if it knows: the achieved rate's denominator. */
  load?: { startMs: number; endMs: number };
}

/** A fault's span as the judge sees it (the run's fault records are of this shape). */
/** What a fault acted on: its proxy's name, its process's or its container's (starvation of the whole host: "host"). */
export const spanTargetOf = (span: FaultSpanRecord): string =>
  span.fault.proxy ?? span.fault.process ?? span.fault.container ?? 'host';

/**
 * What the watch saw of a killed process, on the run's time base: not running again at some moment after
 * `lookedNotBackAtMs` (the start of the last look that found it gone, or still the killed one), and running again
 * (a new pid or start time) by `seenBackAtMs` (the end of the first look that found it), if it was seen back. It
 * came back between the two; a wide gap means ordeal did not look (paused or starved), and a judge says so.
 */
export interface RestartSighting {
  lookedNotBackAtMs: number;
  seenBackAtMs?: number;
}

export interface FaultSpanRecord {
  readonly phase: string;
  /** A fault on a proxy names it; one on a process (pause, kill) names the process; a container_* one the container. */
  readonly fault: {
    readonly kind: string;
    readonly proxy?: string;
    readonly process?: string | undefined;
    readonly container?: string;
  };
  readonly appliedAtMs: number;
  /** Unset when it could not be removed. */
  readonly removedAtMs?: number;
  /** A fault on a process: what became of it, and for a kill when it was seen running again. */
  readonly process?: { readonly outcome?: string; readonly back?: RestartSighting };
}

/** A second of client-side load, for checks that look at failures over time. */
export interface LoadSecond {
  atMs: number;
  phase: string;
  requests: number;
  errors: number;
  p95Ms: number | null;
}

/** Everything a resilience check may look at; all recorded, so checks are pure. */
/** `F`: the run's own fault records (verdict/run-records.ts), of which checks read only the span. */
export interface ResilienceContext<F extends FaultSpanRecord = FaultSpanRecord> {
  windows: ReadonlyMap<string, PhaseWindow>;
  faults: readonly F[];
  load: readonly LoadSecond[];
  signals: RecordedSignals;
  /** The end of the recorded data: nothing after it was observed. */
  observedUntilMs: number;
  /** A percentile of the phase's client-side latency over [fromMs, toMs), exact (its seconds' histograms merged); null: no response then. */
  latencyPercentileMs?(phase: string, fromMs: number, toMs: number, percentile: number): number | null;
  /** When the run began, for "+12 s" in reasons (absent: times are left out). */
  startedAtMs?: number;
}

export type ResultBase = Pick<CheckResult, 'name' | 'phase' | 'metric' | 'expected'>;

export const inconclusive = (base: ResultBase, reason: string): CheckResult => ({
  ...base,
  status: 'inconclusive',
  passed: false,
  observed: null,
  reason,
});
export const judged = (base: ResultBase, passed: boolean, observed: number | null, reason?: string): CheckResult => ({
  ...base,
  status: passed ? 'pass' : 'fail',
  passed,
  observed,
  ...(reason ? { reason } : {}),
});

/** When the phase's faults began and ended (the phase edges when it has none). */
export function faultSpan(context: ResilienceContext, phase: string): { startMs: number; endMs: number } | undefined {
  const window = context.windows.get(phase);
  if (!window) return undefined;
  const faults = context.faults.filter((f) => f.phase === phase);
  if (faults.length === 0) return { startMs: window.startMs, endMs: window.endMs };
  return {
    startMs: Math.min(...faults.map((f) => f.appliedAtMs)),
    endMs: Math.max(...faults.map((f) => f.removedAtMs ?? window.endMs)),
  };
}

export function seriesPoints(result: SeriesResult | undefined, query: string): TimePoint[] | string {
  if (!result) return `the query "${query}" was not run`;
  if ('error' in result) return result.error;
  if (result.missingMetrics?.length)
    return `no metric named ${result.missingMetrics.join(', ')} was found for "${query}" (a typo, or a target that is not scraped?)`;
  if (result.points.length === 0) return `the query "${query}" returned no data (is the metric exported and scraped?)`;
  return result.points;
}

export function firstAt(
  points: readonly TimePoint[],
  fromMs: number,
  predicate: (value: number) => boolean,
): TimePoint | undefined {
  return points.find((p) => p.atMs >= fromMs && predicate(p.value));
}

export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** Where a check with a grace (`after`) starts judging a phase: its start + the grace. */
export const judgedFromMs = (window: { startMs: number }, after: Duration | undefined): number =>
  window.startMs + (after?.ms ?? 0);

/** " from +2s" for a check with a grace, for its expected text. */
export const graceText = (after: Duration | undefined): string => (after ? ` from +${after.text}` : '');

/**
 * The reacted state holding when a fault began, if it held: when that
 * stretch began (walking back over the samples while it holds) and during
 * which phase. A reaction already there at the fault's start cannot show a
 * reaction to this fault: the check is INCONCLUSIVE with this, never a FAIL on
 * a later blip, never a PASS.
 */
export function heldAtStart(
  points: readonly TimePoint[],
  atMs: number,
  predicate: (value: number) => boolean,
  context: Pick<ResilienceContext, 'windows'>,
): { sinceMs: number; phase?: string } | undefined {
  let index = points.findLastIndex((p) => p.atMs <= atMs);
  if (index < 0 || !predicate(points[index]!.value)) return undefined;
  while (index > 0 && predicate(points[index - 1]!.value)) index -= 1;
  const sinceMs = points[index]!.atMs;
  const phase = [...context.windows].find(([, w]) => w.startMs <= sinceMs && sinceMs < w.endMs)?.[0];
  return { sinceMs, ...(phase ? { phase } : {}) };
}

/** "since +12.0 s, during peak" (or "since before the run's first phase"). */
export function sinceText(
  held: { sinceMs: number; phase?: string },
  context: Pick<ResilienceContext, 'startedAtMs'>,
): string {
  const at = context.startedAtMs === undefined ? '' : `+${((held.sinceMs - context.startedAtMs) / 1_000).toFixed(1)} s`;
  const where = held.phase ? `during ${held.phase}` : 'before the first phase';
  return `since ${[at, where].filter(Boolean).join(', ')}`;
}

/** A state seen for less than this is a blip, not a resolution: it must hold at least two 1-s steps. */
export const MIN_HOLD_MS = 2_000;

/**
 * When a condition began to hold for good, at or after `fromMs`: the first
 * sample where it holds and keeps holding (no sample against it) until
 * `holdUntil(t)` (holdWindow: the rest of the window, at least MIN_HOLD_MS).
 * A state that flaps back before that is not resolved. `unsure` when the data
 * ends before the hold could be seen through.
 */
export function stableFrom(
  points: readonly TimePoint[],
  fromMs: number,
  predicate: (value: number) => boolean,
  holdUntil: (atMs: number) => number,
  observedUntilMs: number,
  /** No resolution is looked for from here on (the next fault began: what happens then is its own). */
  beforeMs = Number.POSITIVE_INFINITY,
): { atMs?: number; unsure?: true; flappedAtMs?: number } {
  // unsure: `atMs` began to hold, but the data ends before the hold could be seen through.
  let flappedAtMs: number | undefined;
  for (let i = 0; i < points.length; i++) {
    const candidate = points[i]!;
    if (candidate.atMs >= beforeMs) break;
    if (candidate.atMs < fromMs || !predicate(candidate.value)) continue;
    const untilMs = holdUntil(candidate.atMs);
    const broken = points.find((p) => p.atMs > candidate.atMs && p.atMs <= untilMs && !predicate(p.value));
    if (broken) {
      flappedAtMs ??= broken.atMs;
      i = points.indexOf(broken);
      continue;
    }
    if (untilMs > observedUntilMs)
      return { atMs: candidate.atMs, unsure: true, ...(flappedAtMs !== undefined ? { flappedAtMs } : {}) };
    return { atMs: candidate.atMs, ...(flappedAtMs !== undefined ? { flappedAtMs } : {}) };
  }
  return flappedAtMs !== undefined ? { flappedAtMs } : {};
}

/**
 * When the next fault on the same dependency as `phase`'s faults began, at or
 * after `afterMs` (a resolution need not hold into it: reacting to that one is
 * right), if one did. A fault on another dependency does not count.
 */
export function nextFaultStartMs(
  context: Pick<ResilienceContext, 'faults'>,
  afterMs: number,
  phase?: string,
): number | undefined {
  const proxies = new Set(context.faults.filter((f) => f.phase === phase).map(spanTargetOf));
  const later = context.faults
    .filter((f) => phase === undefined || proxies.has(spanTargetOf(f)))
    .map((f) => f.appliedAtMs)
    .filter((t) => t >= afterMs);
  return later.length > 0 ? Math.min(...later) : undefined;
}

/**
 * How long a resolution (a breaker closed, an alert resolved) must hold once
 * it begins at `t`: `stableFor` when the check states one (it must be seen
 * whole); otherwise the rest of the window — until the deadline, or the end of
 * what was observed if sooner — never into the next fault (reacting to that
 * one is right), and at least MIN_HOLD_MS (a blip is not a resolution).
 */
export function holdWindow(
  context: Pick<ResilienceContext, 'faults' | 'observedUntilMs'>,
  phase: string,
  faultEndMs: number,
  deadlineMs: number,
  stableForMs: number | undefined,
): (t: number) => number {
  const nextFaultMs = nextFaultStartMs(context, faultEndMs, phase) ?? Number.POSITIVE_INFINITY;
  return (t) =>
    Math.min(
      Math.max(
        stableForMs === undefined ? Math.min(deadlineMs, context.observedUntilMs) : t + stableForMs,
        t + MIN_HOLD_MS,
      ),
      nextFaultMs,
    );
}

/** Why a resolution cannot be judged when the next fault begins as this one ends (back to back): nothing is left to see it in. */
export function nextFaultTooSoon(
  context: Pick<ResilienceContext, 'faults' | 'windows'>,
  phase: string,
  faultEndMs: number,
  what: string,
): string | undefined {
  const nextMs = nextFaultStartMs(context, faultEndMs, phase);
  if (nextMs === undefined || nextMs >= faultEndMs + MIN_HOLD_MS) return undefined;
  const next = context.faults.find((f) => f.appliedAtMs === nextMs)?.phase;
  return `the next fault on the same dependency (${next ? `phase ${next}` : 'another phase'}) began as this one ended: ${what} cannot be seen in between (put a fault-free phase between them)`;
}

/** How a settling check (a breaker closing, an alert resolving) words its outcome. */
export interface SettleWords {
  /** "it closed and opened again", "it went quiet and fired again". */
  flapped: string;
  /** "closed", "resolved". */
  settled: string;
  /** "the breaker", "the alert". */
  subject: string;
  /** The run ended before the deadline, never settled: "the run ended before the breaker could be seen closing". */
  unseen: string;
  /** Never settled by the end: "the breaker never closed". */
  never: string;
}

/**
 * Judges a state that must settle for good within `withinMs` of the fault's end (stableFrom's answer): on time,
 * late (naming a flap), not seen through before the run ended (INCONCLUSIVE), or never. One place for the breaker's
 * close and the alert's resolution.
 */
export function judgeSettled(
  base: ResultBase,
  settledFor: ReturnType<typeof stableFrom>,
  window: { endMs: number; withinMs: number; observedUntilMs: number },
  words: SettleWords,
): CheckResult {
  const { endMs, withinMs, observedUntilMs } = window;
  const flapped =
    settledFor.flappedAtMs !== undefined
      ? `${words.flapped} at +${seconds(settledFor.flappedAtMs - endMs)} s after the fault`
      : undefined;
  if (settledFor.atMs !== undefined && !(settledFor.unsure && settledFor.atMs - endMs > withinMs)) {
    const delayMs = settledFor.atMs - endMs;
    const late = delayMs > withinMs;
    if (settledFor.unsure && !late)
      return inconclusive(
        base,
        flapped
          ? `${flapped}; the run ended before it could be seen staying ${words.settled}`
          : `the run ended before ${words.subject} could be seen staying ${words.settled}`,
      );
    return judged(
      base,
      !late,
      seconds(delayMs),
      late && flapped ? `${flapped}; ${words.settled} for good only after ${seconds(delayMs)} s` : undefined,
    );
  }
  if (observedUntilMs < endMs + withinMs)
    return inconclusive(base, flapped ? `${flapped}; the run ended before the deadline` : words.unseen);
  return judged(base, false, null, flapped ? `${flapped}: it never stayed ${words.settled}` : words.never);
}
