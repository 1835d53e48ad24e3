import { z } from 'zod';
import type { TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import { defineCheckKind, type CheckIssue, type MissingRead } from './check-kind.ts';
import { duration, kindName, metric, phase, query, source } from './check-fields.ts';
import { queryOrMetric, seriesRead, type SeriesRead } from './series-reads.ts';
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

const KIND = 'breaker';
/** Libraries whose breaker metrics ordeal knows by name (their documented shapes). */
export const BREAKER_PRESETS = ['resilience4j'] as const;

const breakerSchema = z.strictObject({
  kind: kindName(KIND, 'a circuit breaker opens under a fault and closes after it'),
  phase: phase.describe('The phase with the fault the breaker must react to.'),
  /** The breaker's name: shown in the report, and the `name` label a preset selects. */
  breaker: z
    .string()
    .min(1)
    .optional()
    .describe("The breaker's name: shown in the report, and the `name` label a preset selects."),
  opensWithin: duration.describe('The breaker must open within this long of the fault\'s start (e.g. "5s").'),
  closesWithin: duration
    .optional()
    .describe(
      "…and close again within this long of the fault's end (closed for good: reopening within the deadline, or within stableFor, is not closing).",
    ),
  /** Closed counts once it stays closed this long (default: until the closesWithin deadline, and at least 2 s). */
  stableFor: duration
    .optional()
    .describe(
      'Closed counts once the breaker stays closed this long (default: until the closesWithin deadline, at least 2s).',
    ),
  /** PromQL giving the breaker's state as one number over time (see `values`). */
  query: query.describe("PromQL giving the breaker's state as one number over time (see values)."),
  source: source.describe(
    'Where the state is read: "prometheus" (query) or "scrape" (metric, from the target\'s /metrics).',
  ),
  /** With source "scrape": the metric to read from /metrics (one number, see `values`). */
  metric: metric.describe(
    'With source "scrape": the metric selector to read from the metrics page (one number, see values).',
  ),
  /** What the state number means when it is one series: default open 2, half-open 1 (anything else is closed). */
  values: z
    .strictObject({
      open: z.number().describe('The number that means open.'),
      halfOpen: z.number().optional().describe('The number that means half-open.'),
    })
    .optional()
    .describe('What the state number means (default: open 2, half-open 1; anything else is closed).'),
  /**
   * One series per state (one-hot gauges, as Resilience4j/Micrometer export them): PromQL (or, with
   * source "scrape", a metric selector) that is > 0 while the breaker is in that state.
   */
  states: z
    .strictObject({
      open: z
        .string()
        .min(1)
        .describe('PromQL (or, with source "scrape", a metric selector) > 0 while the breaker is open.'),
      halfOpen: z.string().min(1).optional().describe('…> 0 while it is half-open.'),
    })
    .optional()
    .describe('One series per state (one-hot gauges, as Resilience4j/Micrometer export them).'),
  /** A library's own metric shape: "resilience4j" reads resilience4j_circuitbreaker_state{name=<breaker>,state=…}. */
  preset: z
    .enum(BREAKER_PRESETS)
    .optional()
    .describe(
      'A library\'s own metric shape: "resilience4j" reads resilience4j_circuitbreaker_state{name=<breaker>,state=…}.',
    ),
});
export type BreakerCheck = z.output<typeof breakerSchema>;

/** Whether a check is a breaker check (for the report's time to detect). */
export const isBreakerCheck = (check: { kind: string }): check is BreakerCheck => check.kind === KIND;

/** The per-state series a breaker check reads (one-hot gauges), or undefined when it reads one state number. */
export function breakerStateReads(check: BreakerCheck): { open: SeriesRead; halfOpen?: SeriesRead } | undefined {
  const source = check.source;
  if (check.preset === 'resilience4j') {
    // Micrometer's TaggedCircuitBreakerMetrics: one gauge per state, 1 for the current one.
    const name = JSON.stringify(check.breaker ?? '');
    const selector = (state: string) =>
      source === 'scrape'
        ? `resilience4j_circuitbreaker_state{name=${name},state="${state}"}`
        : `max(resilience4j_circuitbreaker_state{name=${name},state=~"${state === 'open' ? 'open|forced_open' : state}"})`;
    return {
      open: seriesRead(source, selector('open'), 'open', 'breaker'),
      halfOpen: seriesRead(source, selector('half_open'), 'half-open', 'breaker'),
    };
  }
  if (check.states) {
    return {
      open: seriesRead(source, check.states.open, 'open', 'states.open'),
      ...(check.states.halfOpen
        ? { halfOpen: seriesRead(source, check.states.halfOpen, 'half-open', 'states.halfOpen') }
        : {}),
    };
  }
  return undefined;
}

function breakerReads(check: BreakerCheck): SeriesRead[] {
  const states = breakerStateReads(check);
  return states ? [states.open, ...(states.halfOpen ? [states.halfOpen] : [])] : queryOrMetric(check, 'state');
}

function missingBreakerRead(check: BreakerCheck): MissingRead | undefined {
  if (check.preset)
    return check.breaker
      ? undefined
      : {
          field: 'breaker',
          message: `is required by preset "${check.preset}" (the breaker's name label, e.g. breaker: "payments")`,
        };
  if (check.states) return undefined;
  if (check.source === 'scrape') {
    return check.metric
      ? undefined
      : {
          field: 'metric',
          message:
            'is required to read a breaker from /metrics on your own service (e.g. metric: \'circuit_breaker_state{name="payments"}\', or states: { open: \'…{state="open"}\' }, or preset: "resilience4j")',
        };
  }
  return check.query
    ? undefined
    : {
        field: 'query',
        message:
          'is required for a breaker check on your own service: the PromQL of its state (e.g. query: \'max(circuit_breaker_state{name="payments"})\' with values: { open: 2, halfOpen: 1 }), or states: { open: \'max(…{state="open"})\' } for one-hot gauges, or preset: "resilience4j"',
      };
}

/** One way of reading a breaker: a state number, one series per state, or a preset. */
function breakerIssues(check: BreakerCheck): CheckIssue[] {
  const ways = [
    check.preset && 'preset',
    check.states && 'states',
    (check.query ?? check.metric) && (check.source === 'scrape' ? 'metric' : 'query'),
  ].filter(Boolean);
  return [
    ...(ways.length > 1
      ? [
          {
            path: [],
            input: ways.join(' and '),
            message:
              'are two ways of reading the same breaker (give one: a state number with query/metric, one series per state with states, or a preset)',
          },
        ]
      : []),
    ...(check.values && (check.states || check.preset)
      ? [
          {
            path: ['values'],
            input: check.values,
            message: 'applies to a state number (query or metric), not to one series per state',
          },
        ]
      : []),
  ];
}

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
    const [state] = breakerReads(check);
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
  const opensWithinMs = check.opensWithin.ms;
  const label = breakerLabel(check);
  const openBase = {
    name: `${label} opens within ${check.opensWithin}`,
    phase: check.phase,
    metric: KIND,
    expected: `open within ${check.opensWithin}`,
  };
  const closeBase = {
    name: `${label} closes within ${check.closesWithin}`,
    phase: check.phase,
    metric: KIND,
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
  const closesWithinMs = check.closesWithin!.ms;
  const deadlineMs = span.endMs + closesWithinMs;
  const everOpen = points.some(
    (p) => p.atMs >= span.startMs && p.atMs <= deadlineMs && p.value !== BREAKER_STATE.closed,
  );
  if (!everOpen) return judged(base, false, null, 'the breaker never opened, so it had nothing to close');
  const tooSoon = nextFaultTooSoon(context, check.phase, span.endMs, 'the breaker closing');
  if (tooSoon) return inconclusive(base, tooSoon);
  const holdMs = check.stableFor?.ms;
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

export const breakerKind = defineCheckKind({
  kind: KIND,
  schema: breakerSchema,
  source: (check) => check.source,
  reads: breakerReads,
  missingRead: missingBreakerRead,
  issues: breakerIssues,
  describe: (check) =>
    `${breakerLabel(check)} opens within ${check.opensWithin}${check.closesWithin ? `, closes within ${check.closesWithin} after` : ''}`,
  observedUnit: (expected) => (/within/.test(expected) ? 's' : undefined),
  chart: (check, signals) => {
    // The state as ordeal reads it (0/1/2), whatever the service's own encoding.
    const states = breakerStateSeries(check, { signals });
    return typeof states === 'string'
      ? []
      : [
          {
            key: `breaker:${breakerReads(check)
              .map((r) => r.key)
              .join('|')}`,
            name: breakerLabel(check),
            unit: '0 closed · 1 half-open · 2 open',
            points: states,
          },
        ];
  },
  evaluate: evaluateBreaker,
});
