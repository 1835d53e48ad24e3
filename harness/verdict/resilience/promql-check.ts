import { EXPECTATION, type ResilienceCheck } from '../../scenario/check-schema.ts';
import { parseDurationMs } from '../../scenario/duration.ts';
import type { TimePoint } from '../../signals/recorded-signals.ts';
import type { CheckResult } from '../evaluate-check.ts';
import {
  graceText,
  inconclusive,
  judged,
  judgedFromMs,
  seconds,
  seriesPoints,
  type ResilienceContext,
} from './resilience-context.ts';

type PromqlCheck = Extract<ResilienceCheck, { kind: 'promql' }>;

const COMPARE: Record<string, (value: number, bound: number) => boolean> = {
  '<': (v, b) => v < b,
  '<=': (v, b) => v <= b,
  '>': (v, b) => v > b,
  '>=': (v, b) => v >= b,
  '==': (v, b) => v === b,
  '!=': (v, b) => v !== b,
};

/** The comparison a check's values must meet, as a predicate. */
export function expectation(text: string): (value: number) => boolean {
  const [, operator, bound] = EXPECTATION.exec(text)!;
  return (value) => COMPARE[operator!]!(value, Number(bound));
}

/** The longest unbroken run of steps meeting the condition, starting at or after `fromMs` (steps 1 s apart; a gap over 1.5 s breaks it). */
function heldFrom(points: readonly TimePoint[], ok: (value: number) => boolean, fromMs: number): number {
  let heldMs = 0;
  let previous: number | undefined;
  for (const p of points.filter((q) => q.atMs >= fromMs)) {
    if (!ok(p.value) || (previous !== undefined && p.atMs - previous > 1_500)) break;
    if (previous !== undefined) heldMs += p.atMs - previous;
    previous = p.atMs;
  }
  return previous === undefined ? -1 : heldMs;
}

/**
 * A user's own PromQL judged per phase: every step meets `expect`; or, with
 * `within`, it first does within T of the phase start (and, with `for`, then
 * holds that long); or, with `for` alone, it holds that long somewhere in the phase.
 */
export function evaluatePromql(check: PromqlCheck, context: ResilienceContext): CheckResult[] {
  const ok = expectation(check.expect);
  const expected = `${check.expect.replace(/\s+/g, '')}${check.within ? ` within ${check.within}` : ''}${check.for ? ` for ${check.for}` : ''}${!check.within && !check.for ? ' throughout' : ''}${graceText(check.after)}`;
  return check.phases.map((phase) => {
    const base = { name: `${check.name} ${expected}`, phase, metric: 'promql' as const, expected };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    const points = seriesPoints(context.signals.series.get(check.query), check.query);
    if (typeof points === 'string') return inconclusive(base, points);
    const fromMs = judgedFromMs(window, check.after);
    const inPhase = points.filter((p) => p.atMs >= fromMs && p.atMs <= window.endMs);
    if (inPhase.length === 0) return inconclusive(base, `the query "${check.query}" has no value during the phase`);
    const forMs = check.for ? parseDurationMs(check.for)! : 0;
    if (check.within) {
      const withinMs = parseDurationMs(check.within)!;
      const first = inPhase.find(
        (p) => ok(p.value) && p.atMs - fromMs <= withinMs && heldFrom(inPhase, ok, p.atMs) >= forMs,
      );
      if (first) return judged(base, true, seconds(first.atMs - fromMs));
      if (context.observedUntilMs < fromMs + withinMs + forMs)
        return inconclusive(base, 'the run ended before the deadline');
      return judged(
        base,
        false,
        null,
        `never ${check.expect.trim()}${forMs ? ` for ${check.for}` : ''} within ${check.within} (last value ${inPhase.at(-1)!.value})`,
      );
    }
    if (forMs > 0) {
      const longest = Math.max(...inPhase.map((p) => heldFrom(inPhase, ok, p.atMs)));
      return judged(
        base,
        longest >= forMs,
        longest < 0 ? null : seconds(longest),
        longest >= forMs ? undefined : `held ${check.expect.trim()} for at most ${seconds(Math.max(longest, 0))} s`,
      );
    }
    const failing = inPhase.filter((p) => !ok(p.value));
    const worst = failing[0] ?? inPhase.at(-1)!;
    return judged(
      base,
      failing.length === 0,
      worst.value,
      failing.length === 0
        ? undefined
        : `${failing.length} of ${inPhase.length} steps did not meet ${check.expect.trim()} (first at +${seconds(failing[0]!.atMs - window.startMs)} s into the phase: ${failing[0]!.value})`,
    );
  });
}
