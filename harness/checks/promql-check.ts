import { z } from 'zod';
import { defineCheckKind } from './check-kind.ts';
import { duration, graceAfter, kindName, phase, withGrace } from './check-fields.ts';
import { seriesRead } from './series-reads.ts';
import type { TimePoint } from './recorded-signals.ts';
import type { CheckResult } from './check-result.ts';
import {
  graceText,
  inconclusive,
  judged,
  judgedFromMs,
  seconds,
  seriesPoints,
  type ResilienceContext,
} from './resilience-context.ts';

const KIND = 'promql';
/** A comparison a PromQL check's values must meet: "<0.05", ">0", ">=2", "==0". */
const EXPECTATION = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

const promqlSchema = z.strictObject({
  kind: kindName(KIND, 'any PromQL expression meets a condition'),
  /** What the check is about, for the report: "payment error ratio". */
  name: z.string().min(1).describe('What the check is about, for the report: "payment error ratio".'),
  /** PromQL judged over each phase (a range query, 1 s steps). */
  query: z.string().min(1).describe('PromQL judged over each phase (a range query, 1 s steps).'),
  phases: z.array(phase).min(1).describe('The phases judged, each on its own.'),
  /** The condition each value must meet: "<0.05", ">0", ">=2", "==0". */
  expect: z
    .string()
    .refine((text) => EXPECTATION.test(text), { error: 'is not a comparison (use e.g. "<0.05", ">0", ">=2", "==0")' })
    .describe('The condition each value must meet: "<0.05", ">0", ">=2", "==0".'),
  /** The condition must first hold within this long of the phase start (without it: at every step of the phase). */
  within: duration
    .optional()
    .describe("The condition must first hold within this long of the phase's start (without it: at every step)."),
  /** …and then hold this long without a break (without `within`: for this long somewhere in the phase). */
  for: duration
    .optional()
    .describe('…and then hold this long without a break (without within: this long somewhere in the phase).'),
  /** Judge from each phase's start + this grace (an alert's rate window or a breaker's wait carried over from the last fault). */
  after: graceAfter,
  /** Its series may not exist before the fault (a counter first incremented by it): `plan` warns instead of refusing. */
  appearsLater: z
    .boolean()
    .default(false)
    .describe(
      'Its series may not exist before the fault (a counter first incremented by it): plan warns about a selector that matches nothing yet instead of refusing it.',
    ),
});
type PromqlCheck = z.output<typeof promqlSchema>;

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
    const base = { name: `${check.name} ${expected}`, phase, metric: KIND, expected };
    const window = context.windows.get(phase);
    if (!window) return inconclusive(base, 'the phase did not run');
    const points = seriesPoints(context.signals.series.get(check.query), check.query);
    if (typeof points === 'string') return inconclusive(base, points);
    const fromMs = judgedFromMs(window, check.after);
    const inPhase = points.filter((p) => p.atMs >= fromMs && p.atMs <= window.endMs);
    if (inPhase.length === 0) return inconclusive(base, `the query "${check.query}" has no value during the phase`);
    const forMs = check.for?.ms ?? 0;
    if (check.within) {
      const withinMs = check.within.ms;
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

export const promqlKind = defineCheckKind({
  kind: KIND,
  schema: promqlSchema,
  source: () => 'prometheus',
  reads: (check) => [
    seriesRead('prometheus', check.query, 'value', 'query', {
      mayAppearLater: check.appearsLater,
      chart: { name: check.name, unit: 'value' },
    }),
  ],
  describe: (check) =>
    withGrace(
      check.after,
      `${check.name}: ${check.expect.trim()}${check.within ? ` within ${check.within}` : ''}${check.for ? ` for ${check.for}` : ''}${!check.within && !check.for ? ' throughout' : ''}`,
    ),
  evaluate: evaluatePromql,
});
