import { describe, expect, it } from 'vitest';
import { evaluateResilienceCheck } from '../../harness/checks/check-registry.ts';
import { fitSlopePerHour } from '../../harness/checks/drift-check.ts';
import type { TimePoint } from '../../harness/checks/recorded-signals.ts';
import type { LoadSecond, ResilienceContext } from '../../harness/checks/resilience-context.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

const QUERY = 'max(app_pool_bytes{pool="sessions"})';
const PHASE_MS = 600_000;
const window = { startMs: 0, endMs: PHASE_MS };
/** One point a second over the phase. */
const series = (value: (atMs: number) => number): TimePoint[] =>
  Array.from({ length: PHASE_MS / 1_000 }, (_, s) => ({ atMs: s * 1_000, value: value(s * 1_000) }));

function context(points: TimePoint[] | undefined, extra: Partial<ResilienceContext> = {}): ResilienceContext {
  return {
    windows: new Map([['soak', window]]),
    faults: [],
    load: [],
    signals: {
      series: new Map(points ? [[QUERY, { points }]] : []),
      alerts: { firing: new Map() },
      health: new Map(),
    },
    observedUntilMs: PHASE_MS,
    ...extra,
  };
}

/** A drift check as a scenario gives it (validated: its own rules apply). */
function drift(fields: Record<string, unknown>) {
  return validateScenario({
    name: 'drift',
    target: { baseUrl: 'http://127.0.0.1:8080' },
    prometheus: { url: 'http://127.0.0.1:9090' },
    requests: [{ path: '/' }],
    phases: [{ name: 'soak', duration: '10m', rate: 1 }],
    slos: [],
    checks: [{ kind: 'drift', phase: 'soak', ...fields }],
  }).checks[0]!;
}

const judge = (fields: Record<string, unknown>, ctx: ResilienceContext) =>
  evaluateResilienceCheck(drift(fields), ctx).map((r) => ({
    status: r.status,
    observed: r.observed,
    reason: r.reason,
  }));

describe('drift: the end of a soak against its start', () => {
  it('a memory that grows 1 MB a minute FAILS "grows < 50 MB/h"; a steady one PASSES; a noisy short one is INCONCLUSIVE, never PASS', () => {
    const limit = { query: QUERY, maxGrowthPerHour: 50e6 };
    const [leaking] = judge(limit, context(series((t) => 200e6 + (t / 60_000) * 1e6)));
    expect(leaking).toMatchObject({ status: 'fail', observed: 60e6 });
    const [steady] = judge(limit, context(series(() => 200e6)));
    expect(steady).toMatchObject({ status: 'pass', observed: 0 });
    // ±20 MB of noise over 30 s: the slope's 95 % bounds straddle 50 MB/h.
    const noisy = series((t) => 200e6 + (Math.floor(t / 1_000) % 2 ? 20e6 : -20e6)).slice(0, 30);
    const [unsure] = judge(limit, context(noisy));
    expect(unsure!.status).toBe('inconclusive');
    expect(unsure!.reason).toMatch(/95 % between .* too noisy or too short/);
  });

  it('evidence missing or too thin is INCONCLUSIVE with the reason: no series, too few points, a phase that did not run', () => {
    const limit = { query: QUERY, maxGrowthPerHour: 50e6 };
    expect(judge(limit, context(undefined))[0]!.reason).toMatch(/was not run/);
    expect(judge(limit, context(series(() => 1).slice(0, 5)))[0]!.reason).toMatch(/5 points .* at least 10/);
    expect(judge(limit, { ...context(series(() => 1)), windows: new Map() })[0]!.reason).toBe('the phase did not run');
  });

  it('a ratio of the last window to the first: PASS within it, FAIL beyond it, INCONCLUSIVE on a first window of 0 or a phase shorter than two windows', () => {
    const ratio = { query: QUERY, window: '2m', maxRatio: 1.2 };
    expect(judge(ratio, context(series((t) => 100 + t / 10_000)))[0]).toMatchObject({ status: 'fail', observed: 1.45 });
    expect(judge(ratio, context(series(() => 100)))[0]).toMatchObject({ status: 'pass', observed: 1 });
    expect(judge(ratio, context(series((t) => (t < 120_000 ? 0 : 5))))[0]!.reason).toMatch(/0 in the first window/);
    expect(
      judge(
        ratio,
        context(
          series(() => 100),
          { observedUntilMs: 200_000 },
        ),
      )[0]!.reason,
    ).toMatch(/shorter than two windows of 2m/);
  });

  it('without a window, the first and last quarter of the phase as it ran (a time-scaled run compares quarters too)', () => {
    const quarters = { query: QUERY, maxRatio: 1.2 };
    // 150 s quarters of a 600 s phase: the first averages 107.45, the last 152.45.
    const [result] = judge(quarters, context(series((t) => 100 + t / 10_000)));
    expect(result).toMatchObject({ status: 'fail', observed: 1.42 });
    expect(evaluateResilienceCheck(drift(quarters), context(series(() => 1)))[0]!.name).toMatch(/last quarter/);
  });

  it('client latency: the percentile of each window, exact from merged histograms; the error rate from the recorded seconds', () => {
    const latency = (phase: string, fromMs: number) => (phase === 'soak' ? (fromMs === 0 ? 100 : 150) : null);
    const [p95] = judge(
      { latency: 'p95', window: '1m', maxRatio: 1.2 },
      context(undefined, { latencyPercentileMs: latency }),
    );
    expect(p95).toMatchObject({ status: 'fail', observed: 1.5 });
    const load: LoadSecond[] = series(() => 0).map((p) => ({
      atMs: p.atMs,
      phase: 'soak',
      requests: 100,
      errors: p.atMs < 60_000 ? 1 : 1,
      p95Ms: 10,
    }));
    expect(judge({ errorRate: true, window: '1m', maxRatio: 1.5 }, context(undefined, { load }))[0]).toMatchObject({
      status: 'pass',
      observed: 1,
    });
  });

  it('a scenario error, not a verdict: nothing to judge, two things at once, no limit', () => {
    expect(() => drift({ maxGrowthPerHour: 1 })).toThrow(/give exactly one of latency/);
    expect(() => drift({ query: QUERY, errorRate: true, maxGrowthPerHour: 1 })).toThrow(/give exactly one of latency/);
    expect(() => drift({ query: QUERY })).toThrow(/needs a limit: maxRatio .* or maxGrowthPerHour/);
  });

  it('fits a slope exactly on a line, with no error', () => {
    expect(fitSlopePerHour(series((t) => 5 + t / 1_000))).toEqual({ slope: 3_600, standardError: 0 });
  });
});
