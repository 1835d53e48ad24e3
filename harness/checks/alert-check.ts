import { z } from 'zod';
import { defineCheckKind } from './check-kind.ts';
import { alertName, duration, graceAfter, kindName, phase, withGrace } from './check-fields.ts';
import { matchesSelector, parseMetricSelector } from '../notation/metric-selector.ts';
import type { FiringAlert, TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import {
  faultSpan,
  graceText,
  heldAtStart,
  holdWindow,
  inconclusive,
  nextFaultStartMs,
  nextFaultTooSoon,
  judged,
  judgedFromMs,
  seconds,
  sinceText,
  stableFrom,
  type ResilienceContext,
  type ResultBase,
  judgeSettled,
} from './resilience-context.ts';

const ALERT = 'alert';
const NO_ALERT = 'no-alert';

const alertSchema = z.strictObject({
  kind: kindName(ALERT, 'a Prometheus alert fires during a fault (and resolves after it)'),
  /** The alert's name, optionally with label matchers: 'HAProxyServerDown{server="primary"}'. */
  alert: alertName.describe(
    "The alert's name, optionally with label matchers: 'HAProxyServerDown{server=\"primary\"}'.",
  ),
  phase: phase.describe('The phase with the fault the alert must fire for.'),
  firesWithin: duration.describe(
    "The alert must start firing within this long of the fault's start (already firing: INCONCLUSIVE).",
  ),
  resolvesWithin: duration
    .optional()
    .describe(
      "…and resolve within this long of the fault's end (resolved for good: firing again within the deadline, or within stableFor, is not resolving).",
    ),
  /** Resolved counts once the alert stays resolved this long (default: until the resolvesWithin deadline, and at least 2 s). */
  stableFor: duration
    .optional()
    .describe(
      'Resolved counts once the alert stays resolved this long (default: until the resolvesWithin deadline, at least 2s).',
    ),
});
type AlertCheck = z.output<typeof alertSchema>;

const noAlertSchema = z.strictObject({
  kind: kindName(NO_ALERT, 'no alert fires during phases that should be quiet'),
  phases: z.array(phase).min(1).describe('The quiet phases.'),
  /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
  after: graceAfter,
  severity: z.enum(['warning', 'critical']).optional().describe('Only alerts of this severity count.'),
  alert: alertName.optional().describe('Only this alert counts (with optional label matchers).'),
});
type NoAlertCheck = z.output<typeof noAlertSchema>;

const STEP_MS = 1_000;

/** A named alert fires within T of the fault starting, and resolves within T of it ending. */
export function evaluateAlert(check: AlertCheck, context: ResilienceContext): CheckResult[] {
  const fires = {
    name: `alert ${check.alert} fires within ${check.firesWithin}`,
    phase: check.phase,
    metric: ALERT,
    expected: `firing within ${check.firesWithin}`,
  };
  const resolves = {
    name: `alert ${check.alert} resolves within ${check.resolvesWithin}`,
    phase: check.phase,
    metric: ALERT,
    expected: `resolved within ${check.resolvesWithin} after the fault`,
  };
  const span = faultSpan(context, check.phase);
  if (!span) return [inconclusive(fires, 'the phase did not run')];
  const { alerts } = context.signals;
  if ('error' in alerts)
    return [inconclusive(fires, alerts.error), ...(check.resolvesWithin ? [inconclusive(resolves, alerts.error)] : [])];
  const firing = firingTimes(alerts.firing, check.alert);
  const results: CheckResult[] = [];
  const firesWithinMs = check.firesWithin.ms;
  // Firing when the fault began (carried over from an earlier phase, or the load): it cannot show this fault was detected.
  const carried = heldAtStart(firingSeries(firing), span.startMs, (v) => v > 0, context);
  const firedAt = carried ? undefined : firing.find((t) => t >= span.startMs);
  const fireDelayMs = firedAt === undefined ? undefined : firedAt - span.startMs;
  if (carried)
    results.push(
      inconclusive(
        fires,
        `${check.alert} was already firing when the fault began (${sinceText(carried, context)}): it cannot show this fault was detected`,
      ),
    );
  else if (fireDelayMs !== undefined && fireDelayMs <= firesWithinMs)
    results.push(judged(fires, true, seconds(fireDelayMs)));
  else if (fireDelayMs === undefined && context.observedUntilMs < span.startMs + firesWithinMs)
    results.push(inconclusive(fires, 'the run ended before the deadline'));
  else
    results.push(
      judged(
        fires,
        false,
        fireDelayMs === undefined ? null : seconds(fireDelayMs),
        fireDelayMs === undefined ? `${check.alert} never fired (is the rule loaded?)` : undefined,
      ),
    );
  if (check.resolvesWithin) results.push(judgeResolving(check, firing, span, context, resolves));
  return results;
}

/**
 * The seconds an alert fired, by name or by name with label matchers
 * (`HAProxyServerDown{server="primary"}`: only the series with those labels).
 */
export function firingTimes(firing: ReadonlyMap<string, FiringAlert>, alert: string): number[] {
  const selector = parseMetricSelector(alert);
  const entry = firing.get(selector?.name ?? alert);
  if (!entry) return [];
  const matching =
    selector && Object.keys(selector.labels).length > 0
      ? (entry.series ?? []).filter((s) => matchesSelector(selector, selector.name, s.labels)).flatMap((s) => s.points)
      : entry.points;
  return [...new Set(matching.filter((p) => p.value > 0).map((p) => p.atMs))].sort((a, b) => a - b);
}

/** No alert (of a severity, or by name) fires during the given phases: no false positives. */
export function evaluateNoAlert(check: NoAlertCheck, context: ResilienceContext): CheckResult[] {
  const { alerts } = context.signals;
  const what = check.alert ?? (check.severity ? `${check.severity} alert` : 'alert');
  return check.phases.map((phase) => {
    const base = {
      name: `no ${what} during ${phase}`,
      phase,
      metric: NO_ALERT,
      expected: `no ${what} firing${graceText(check.after)}`,
    };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    if ('error' in alerts) return inconclusive(base, alerts.error);
    const wanted = check.alert ? (parseMetricSelector(check.alert)?.name ?? check.alert) : undefined;
    const offenders = [...alerts.firing]
      .filter(
        ([name, a]) => (wanted ? name === wanted : true) && (check.severity ? a.severity === check.severity : true),
      )
      .filter(([name]) =>
        firingTimes(alerts.firing, check.alert ?? name).some(
          (t) => t >= judgedFromMs(window, check.after) && t <= window.endMs,
        ),
      )
      .map(([name]) => name);
    return judged(
      base,
      offenders.length === 0,
      offenders.length,
      offenders.length ? `firing: ${offenders.join(', ')}` : undefined,
    );
  });
}

/**
 * An alert's firing seconds as a series: 1 at each firing sample, 0 one step
 * after the end of each firing stretch (a missing step inside a stretch is
 * not a resolution).
 */
function firingSeries(firing: readonly number[]): TimePoint[] {
  const points: TimePoint[] = [];
  firing.forEach((t, i) => {
    points.push({ atMs: t, value: 1 });
    const next = firing[i + 1];
    if (next === undefined || next - t > 2 * STEP_MS) points.push({ atMs: t + STEP_MS, value: 0 });
  });
  return points;
}

/**
 * "Resolves within": resolved for good — the first moment after the fault's
 * end from which the alert stays resolved for the rest of the window (until
 * the deadline, or `stableFor`), at least 2 s. An alert that goes quiet at the
 * fault's end and fires again (flapping with a breaker's half-open probes)
 * has not resolved.
 */
function judgeResolving(
  check: AlertCheck,
  firing: readonly number[],
  span: { startMs: number; endMs: number },
  context: ResilienceContext,
  base: ResultBase,
): CheckResult {
  const resolvesWithinMs = check.resolvesWithin!.ms;
  const deadlineMs = span.endMs + resolvesWithinMs;
  if (!firing.some((t) => t >= span.startMs && t <= deadlineMs))
    return judged(base, false, null, `${check.alert} never fired, so nothing resolved`);
  const series = firingSeries(firing);
  // Quiet at the fault's end unless a firing sample is within a step of it.
  const quietAtEnd = !firing.some((t) => t > span.endMs - 2 * STEP_MS && t <= span.endMs);
  const points = quietAtEnd ? [...series, { atMs: span.endMs, value: 0 }].sort((a, b) => a.atMs - b.atMs) : series;
  const tooSoon = nextFaultTooSoon(context, check.phase, span.endMs, 'the alert resolving');
  if (tooSoon) return inconclusive(base, tooSoon);
  const holdMs = check.stableFor?.ms;
  const resolved = stableFrom(
    points,
    span.endMs,
    (v) => v === 0,
    holdWindow(context, check.phase, span.endMs, deadlineMs, holdMs),
    context.observedUntilMs,
    nextFaultStartMs(context, span.endMs, check.phase),
  );
  return judgeSettled(
    base,
    resolved,
    { endMs: span.endMs, withinMs: resolvesWithinMs, observedUntilMs: context.observedUntilMs },
    {
      flapped: 'it went quiet and fired again',
      settled: 'resolved',
      subject: 'the alert',
      unseen: 'the run ended while the alert was still firing',
      never: 'still firing at the end of the run',
    },
  );
}

export const alertKind = defineCheckKind({
  kind: ALERT,
  schema: alertSchema,
  source: () => 'prometheus',
  reads: () => [],
  alertSelector: (check) => check.alert,
  describe: (check) =>
    `alert ${check.alert} fires within ${check.firesWithin}${check.resolvesWithin ? `, resolves within ${check.resolvesWithin} after` : ''}`,
  observedUnit: (expected) => (/within/.test(expected) ? 's' : undefined),
  evaluate: evaluateAlert,
});

export const noAlertKind = defineCheckKind({
  kind: NO_ALERT,
  schema: noAlertSchema,
  source: () => 'prometheus',
  reads: () => [],
  alertSelector: (check) => check.alert,
  describe: (check) =>
    withGrace(check.after, `no ${check.alert ?? check.severity ?? ''} alert firing`.replace('  ', ' ')),
  observedUnit: () => 'alerts firing',
  evaluate: evaluateNoAlert,
});
