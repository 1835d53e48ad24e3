import { z } from 'zod';
import { defineCheckKind, type CheckIssue } from './check-kind.ts';
import { duration, kindName, phase } from './check-fields.ts';
import type { CheckResult } from './check-result.ts';
import type { TimePoint } from './recorded-signals.ts';
import { inconclusive, judged, seriesPoints, type ResilienceContext, type ResultBase } from './resilience-context.ts';
import { seriesRead, type SeriesRead } from './series-reads.ts';

const KIND = 'drift';
const MS_PER_HOUR = 3_600_000;
/** Fewer points than this give no slope worth a verdict. */
const MIN_POINTS = 10;
/** Two-sided 95 %: the slope's bounds are its estimate ± this many standard errors. */
const Z_95 = 1.96;

const driftSchema = z.strictObject({
  kind: kindName(
    KIND,
    "the end of a long phase (a soak) stays like its start: latency, errors or any PromQL don't creep",
  ),
  phase: phase.describe('The phase judged (a long steady one).'),
  latency: z
    .enum(['p50', 'p90', 'p95', 'p99'])
    .optional()
    .describe('Judge this percentile of the client-side latency (exact per window: merged histograms).'),
  errorRate: z.literal(true).optional().describe('Judge the client-side error rate.'),
  query: z
    .string()
    .min(1)
    .optional()
    .describe('Judge this PromQL over the phase (service RSS, open file descriptors, queue depth…).'),
  window: duration
    .optional()
    .describe(
      'With maxRatio: the length of the first and the last stretch of the phase compared (e.g. "30m"; default: a quarter of the phase as it ran, so a time-scaled run compares quarters too).',
    ),
  maxRatio: z
    .number()
    .positive()
    .optional()
    .describe('The last window may be at most this many times the first (e.g. 1.2: p95 may grow 20 %).'),
  maxGrowthPerHour: z
    .number()
    .optional()
    .describe(
      "The series' least-squares slope, in its unit per hour, must stay under this with 95 % confidence (e.g. 50e6: memory grows < 50 MB/h); above it with 95 % confidence FAILS, in between is INCONCLUSIVE.",
    ),
});
type DriftCheck = z.output<typeof driftSchema>;

const subject = (check: DriftCheck): string =>
  check.latency ? `${check.latency} latency` : check.errorRate ? 'error rate' : (check.query ?? '');

const driftReads = (check: DriftCheck): SeriesRead[] =>
  check.query
    ? [seriesRead('prometheus', check.query, 'value', 'query', { chart: { name: check.query, unit: 'value' } })]
    : [];

function driftIssues(check: DriftCheck): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const what = [check.latency && 'latency', check.errorRate && 'errorRate', check.query && 'query'].filter(Boolean);
  if (what.length !== 1)
    issues.push({
      path: [],
      input: what.join(' and ') || 'nothing',
      message: 'is what a drift check judges: give exactly one of latency (e.g. "p95"), errorRate: true or query',
    });
  if (check.maxRatio === undefined && check.maxGrowthPerHour === undefined)
    issues.push({
      path: [],
      input: 'no limit',
      message: 'needs a limit: maxRatio (the last window at most this many times the first) or maxGrowthPerHour',
    });
  return issues;
}

/** The judged quantity over [fromMs, toMs): a latency percentile, an error rate, or the query's mean. */
function windowValue(
  check: DriftCheck,
  context: ResilienceContext,
  points: readonly TimePoint[],
  fromMs: number,
  toMs: number,
): number | null {
  if (check.latency)
    return context.latencyPercentileMs?.(check.phase, fromMs, toMs, Number(check.latency.slice(1))) ?? null;
  if (check.errorRate) {
    const seconds = context.load.filter((s) => s.phase === check.phase && s.atMs >= fromMs && s.atMs < toMs);
    const requests = seconds.reduce((sum, s) => sum + s.requests, 0);
    return requests > 0 ? seconds.reduce((sum, s) => sum + s.errors, 0) / requests : null;
  }
  const inside = points.filter((p) => p.atMs >= fromMs && p.atMs < toMs);
  return inside.length > 0 ? inside.reduce((sum, p) => sum + p.value, 0) / inside.length : null;
}

/** The series a slope is fitted to: the query's points, or the client's per-second p95 or error rate. */
function slopeSeries(check: DriftCheck, context: ResilienceContext, points: readonly TimePoint[]): TimePoint[] {
  if (check.query) return [...points];
  return context.load
    .filter((s) => s.phase === check.phase && s.requests > 0)
    .flatMap((s) => {
      const value = check.errorRate ? s.errors / s.requests : s.p95Ms;
      return value === null ? [] : [{ atMs: s.atMs, value }];
    });
}

/** Least squares: the slope per hour and its standard error (residuals assumed independent). */
export function fitSlopePerHour(points: readonly TimePoint[]): { slope: number; standardError: number } {
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.atMs, 0) / n;
  const meanV = points.reduce((sum, p) => sum + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.atMs - meanT) ** 2;
    sxy += (p.atMs - meanT) * (p.value - meanV);
  }
  const slopePerMs = sxx > 0 ? sxy / sxx : 0;
  const residuals = points.reduce((sum, p) => sum + (p.value - meanV - slopePerMs * (p.atMs - meanT)) ** 2, 0);
  const standardErrorPerMs = n > 2 && sxx > 0 ? Math.sqrt(residuals / (n - 2) / sxx) : Infinity;
  return { slope: slopePerMs * MS_PER_HOUR, standardError: standardErrorPerMs * MS_PER_HOUR };
}

const round = (value: number): number => Number(value.toPrecision(3));

function judgeRatio(check: DriftCheck, context: ResilienceContext, points: readonly TimePoint[]): CheckResult {
  const window = context.windows.get(check.phase)!;
  const endMs = Math.min(window.endMs, context.observedUntilMs);
  const windowMs = check.window ? check.window.ms : Math.floor((endMs - window.startMs) / 4);
  const base: ResultBase = {
    name: `drift of ${subject(check)}: last ${check.window ?? 'quarter'} <= ${check.maxRatio} × first`,
    phase: check.phase,
    metric: KIND,
    expected: `ratio <= ${check.maxRatio}`,
  };
  if (windowMs < 1_000 || endMs - window.startMs < 2 * windowMs)
    return inconclusive(
      base,
      `the phase ran ${round((endMs - window.startMs) / 1_000)} s: shorter than two windows of ${check.window ?? 'a second'}`,
    );
  const first = windowValue(check, context, points, window.startMs, window.startMs + windowMs);
  const last = windowValue(check, context, points, endMs - windowMs, endMs);
  if (first === null || last === null)
    return inconclusive(base, `no ${subject(check)} was recorded in the ${first === null ? 'first' : 'last'} window`);
  if (first === 0)
    return last === 0
      ? judged(base, true, 1, `${subject(check)} was 0 in both windows`)
      : inconclusive(
          base,
          `${subject(check)} was 0 in the first window: a ratio to it says nothing (last: ${round(last)})`,
        );
  const ratio = last / first;
  return judged(base, ratio <= check.maxRatio!, round(ratio), `first ${round(first)}, last ${round(last)}`);
}

function judgeSlope(check: DriftCheck, context: ResilienceContext, points: readonly TimePoint[]): CheckResult {
  const limit = check.maxGrowthPerHour!;
  const base: ResultBase = {
    name: `drift of ${subject(check)}: grows < ${limit}/h`,
    phase: check.phase,
    metric: KIND,
    expected: `slope < ${limit} per hour (95 % confidence)`,
  };
  const window = context.windows.get(check.phase)!;
  const series = slopeSeries(check, context, points).filter((p) => p.atMs >= window.startMs && p.atMs <= window.endMs);
  if (series.length < MIN_POINTS)
    return inconclusive(
      base,
      `${series.length} points of ${subject(check)} in the phase: a slope needs at least ${MIN_POINTS}`,
    );
  const { slope, standardError } = fitSlopePerHour(series);
  const low = slope - Z_95 * standardError;
  const high = slope + Z_95 * standardError;
  const fit = `slope ${round(slope)}/h, 95 % between ${round(low)} and ${round(high)} (${series.length} points)`;
  if (high < limit) return judged(base, true, round(slope), fit);
  if (low >= limit) return judged(base, false, round(slope), fit);
  return inconclusive(base, `${fit}: too noisy or too short to tell against ${limit}/h (a longer phase narrows it)`);
}

/** The end of the phase against its start: a ratio of windows, a slope, or both. */
export function evaluateDrift(check: DriftCheck, context: ResilienceContext): CheckResult[] {
  const phaseRan = context.windows.get(check.phase);
  const bases = [check.maxRatio !== undefined && 'ratio', check.maxGrowthPerHour !== undefined && 'slope'].filter(
    (mode): mode is 'ratio' | 'slope' => mode !== false,
  );
  if (!phaseRan)
    return bases.map((mode) =>
      inconclusive(
        { name: `drift of ${subject(check)} (${mode})`, phase: check.phase, metric: KIND, expected: mode },
        'the phase did not run',
      ),
    );
  let points: TimePoint[] = [];
  if (check.query) {
    const read = seriesPoints(context.signals.series.get(check.query), check.query);
    if (typeof read === 'string')
      return bases.map((mode) =>
        inconclusive(
          { name: `drift of ${subject(check)} (${mode})`, phase: check.phase, metric: KIND, expected: mode },
          read,
        ),
      );
    points = read;
  }
  return bases.map((mode) =>
    mode === 'ratio' ? judgeRatio(check, context, points) : judgeSlope(check, context, points),
  );
}

export const driftKind = defineCheckKind({
  kind: KIND,
  schema: driftSchema,
  source: (check) => (check.query ? 'prometheus' : 'load'),
  reads: driftReads,
  issues: driftIssues,
  describe: (check) =>
    [
      check.maxRatio !== undefined &&
        `${subject(check)} of the last ${check.window ?? 'quarter'} <= ${check.maxRatio} × the first`,
      check.maxGrowthPerHour !== undefined && `${subject(check)} grows < ${check.maxGrowthPerHour}/h (95 % confidence)`,
    ]
      .filter(Boolean)
      .join(', '),
  observedUnit: (expected) => (expected.startsWith('ratio') ? '×' : 'per hour'),
  evaluate: evaluateDrift,
});
