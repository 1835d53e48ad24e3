import type { ResilienceCheck } from '../../scenario/check-schema.ts';
import { matchesSelector, parseMetricSelector } from '../../signals/metric-selector.ts';
import type { FiringAlert } from '../../signals/recorded-signals.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { CheckResult } from '../evaluate-check.ts';
import { faultSpan, graceText, inconclusive, judged, judgedFromMs, seconds, type ResilienceContext } from './resilience-context.ts';

type AlertCheck = Extract<ResilienceCheck, { kind: 'alert' }>;
type NoAlertCheck = Extract<ResilienceCheck, { kind: 'no-alert' }>;

const STEP_MS = 1_000;

/** A named alert fires within T of the fault starting, and resolves within T of it ending. */
export function evaluateAlert(check: AlertCheck, context: ResilienceContext): CheckResult[] {
  const fires = { name: `alert ${check.alert} fires within ${check.firesWithin}`, phase: check.phase, metric: 'alert' as const, expected: `firing within ${check.firesWithin}` };
  const resolves = { name: `alert ${check.alert} resolves within ${check.resolvesWithin}`, phase: check.phase, metric: 'alert' as const, expected: `resolved within ${check.resolvesWithin} after the fault` };
  const span = faultSpan(context, check.phase);
  if (!span) return [inconclusive(fires, 'the phase did not run')];
  const { alerts } = context.signals;
  if ('error' in alerts) return [inconclusive(fires, alerts.error), ...(check.resolvesWithin ? [inconclusive(resolves, alerts.error)] : [])];
  const firing = firingTimes(alerts.firing, check.alert);
  const results: CheckResult[] = [];
  const firesWithinMs = parseDurationMs(check.firesWithin)!;
  // It must start firing after the fault began: a firing carried over from an earlier phase is not this fault's.
  const firingAtStart = firing.some((t) => t <= span.startMs && t > span.startMs - 2 * STEP_MS);
  const firedAt = firingAtStart ? firstRestart(firing, span.startMs) : firing.find((t) => t >= span.startMs);
  const fireDelayMs = firedAt === undefined ? undefined : firedAt - span.startMs;
  if (fireDelayMs !== undefined && fireDelayMs <= firesWithinMs) results.push(judged(fires, true, seconds(fireDelayMs)));
  else if (fireDelayMs === undefined && firingAtStart) results.push(inconclusive(fires, `${check.alert} was already firing when the fault began (from an earlier phase): it cannot show this fault was detected`));
  else if (fireDelayMs === undefined && context.observedUntilMs < span.startMs + firesWithinMs) results.push(inconclusive(fires, 'the run ended before the deadline'));
  else results.push(judged(fires, false, fireDelayMs === undefined ? null : seconds(fireDelayMs), fireDelayMs === undefined ? `${check.alert} never fired (is the rule loaded?)` : undefined));
  if (check.resolvesWithin) {
    const resolvesWithinMs = parseDurationMs(check.resolvesWithin)!;
    const firedDuringFault = firing.some((t) => t >= span.startMs && t <= span.endMs + resolvesWithinMs);
    // Resolved at the first step after the fault's end at which the alert is no longer firing.
    let resolvedAt = span.endMs;
    for (const t of firing.filter((t) => t >= span.endMs - STEP_MS)) {
      if (t <= resolvedAt + STEP_MS) resolvedAt = t + STEP_MS;
      else break;
    }
    const delayMs = resolvedAt - span.endMs;
    if (!firedDuringFault) results.push(judged(resolves, false, null, `${check.alert} never fired, so nothing resolved`));
    else if (resolvedAt > context.observedUntilMs) {
      results.push(context.observedUntilMs < span.endMs + resolvesWithinMs ? inconclusive(resolves, 'the run ended while the alert was still firing') : judged(resolves, false, null, 'still firing at the end of the run'));
    } else results.push(judged(resolves, delayMs <= resolvesWithinMs, seconds(delayMs)));
  }
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
  const matching = selector && Object.keys(selector.labels).length > 0
    ? (entry.series ?? []).filter((s) => matchesSelector(selector, selector.name, s.labels)).flatMap((s) => s.points)
    : entry.points;
  return [...new Set(matching.filter((p) => p.value > 0).map((p) => p.atMs))].sort((a, b) => a - b);
}

/** For an alert already firing at the fault's start: when it starts firing again after a gap (a new firing). */
function firstRestart(firing: readonly number[], fromMs: number): number | undefined {
  for (let i = 1; i < firing.length; i++) {
    if (firing[i]! > fromMs && firing[i]! - firing[i - 1]! > 2 * STEP_MS) return firing[i];
  }
  return undefined;
}

/** No alert (of a severity, or by name) fires during the given phases: no false positives. */
export function evaluateNoAlert(check: NoAlertCheck, context: ResilienceContext): CheckResult[] {
  const { alerts } = context.signals;
  const what = check.alert ?? (check.severity ? `${check.severity} alert` : 'alert');
  return check.phases.map((phase) => {
    const base = { name: `no ${what} during ${phase}`, phase, metric: 'no-alert' as const, expected: `no ${what} firing${graceText(check.after)}` };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    if ('error' in alerts) return inconclusive(base, alerts.error);
    const wanted = check.alert ? parseMetricSelector(check.alert)?.name ?? check.alert : undefined;
    const offenders = [...alerts.firing]
      .filter(([name, a]) => (wanted ? name === wanted : true) && (check.severity ? a.severity === check.severity : true))
      .filter(([name]) => firingTimes(alerts.firing, check.alert ?? name).some((t) => t >= judgedFromMs(window, check.after) && t <= window.endMs))
      .map(([name]) => name);
    return judged(base, offenders.length === 0, offenders.length, offenders.length ? `firing: ${offenders.join(', ')}` : undefined);
  });
}
