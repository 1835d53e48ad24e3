import { describe, expect, it } from 'vitest';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { buildReport } from '../../harness/report/build-report.ts';
import { chartData } from '../../harness/report/html/chart-data.ts';
import { stepSecondsOf, WHOLE_TIMELINE_UP_TO_S } from '../../harness/report/timeline-rollup.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import type { RecordedRun } from '../../harness/verdict/recorded-run.ts';
import { onePhaseRun } from '../support/one-phase-run.ts';

const HOUR_S = 3_600;
const TWO_HOURS_S = 2 * HOUR_S;
const SLOW_SECOND = 5_000;

/**
 * Two hours at 10 req/s (10 ms each, 900 ms all through one second far from anything), an error in every second of one
 * minute, a latency fault from +1 h for a minute: a long run's record as the recorder holds it.
 */
function twoHourRun(): RecordedRun {
  const scenario = validateScenario({
    name: 'long',
    target: { baseUrl: 'http://127.0.0.1:8080' },
    requests: [{ path: '/' }],
    load: { warmup: false },
    phases: [{ name: 'soak', duration: '2h', rate: 10 }],
    slos: [{ http_req_duration: ['p(99)<100'] }],
    errorBudget: { objective: 0.999, period: '24h' },
  });
  const startedAtMs = 1_000_000;
  const recorder = new PhaseRecorder(startedAtMs);
  for (let second = 0; second < TWO_HOURS_S; second++) {
    for (let i = 0; i < 10; i++) {
      const atMs = startedAtMs + second * 1_000 + i * 100;
      if (second >= 6_000 && second < 6_060 && i === 0) recorder.recordFailure('soak', atMs, 'http_5xx');
      else recorder.recordResponse('soak', atMs, second === SLOW_SECOND ? 900 : 10);
    }
    recorder.recordSendLag('soak', startedAtMs + second * 1_000, 0.5);
  }
  return onePhaseRun(scenario, recorder, startedAtMs, startedAtMs + TWO_HOURS_S * 1_000, {
    faults: [
      {
        id: 'f1',
        phase: 'soak',
        fault: { proxy: 'db', kind: 'latency', latencyMs: 100 } as RecordedRun['faults'][number]['fault'],
        appliedAtMs: startedAtMs + HOUR_S * 1_000,
        removedAtMs: startedAtMs + (HOUR_S + 60) * 1_000,
      },
    ],
  });
}

describe("a long run's timeline in the report: whole seconds where it matters, 10 s and 1 min elsewhere", () => {
  it('the step of a second: whole in a short run and near a moment, coarser farther away', () => {
    const moments = [0, HOUR_S, TWO_HOURS_S];
    expect(stepSecondsOf(900, moments, WHOLE_TIMELINE_UP_TO_S)).toBe(1);
    expect(stepSecondsOf(30, moments, TWO_HOURS_S)).toBe(1);
    expect(stepSecondsOf(115, moments, TWO_HOURS_S)).toBe(1);
    expect(stepSecondsOf(125, moments, TWO_HOURS_S)).toBe(1);
    expect(stepSecondsOf(135, moments, TWO_HOURS_S)).toBe(10);
    expect(stepSecondsOf(599, moments, TWO_HOURS_S)).toBe(10);
    expect(stepSecondsOf(665, moments, TWO_HOURS_S)).toBe(60);
    expect(stepSecondsOf(HOUR_S - 605, moments, TWO_HOURS_S)).toBe(10);
    expect(stepSecondsOf(HOUR_S - 100, moments, TWO_HOURS_S)).toBe(1);
    expect(stepSecondsOf(TWO_HOURS_S - 1, moments, TWO_HOURS_S)).toBe(1);
  });

  it('sums stay exact, every second is in one entry, the moments keep their seconds, and verdicts do not change', () => {
    const report = buildReport(twoHourRun());
    const entries = report.timeseries;
    // 7,200 seconds in under 900 entries: ~560 whole seconds around the four moments, the rest 10 s and 1 min.
    expect(entries.length).toBeLessThan(900);
    // Every second once, in order: each entry starts where the one before ended.
    let next = 0;
    for (const entry of entries) {
      expect(entry.second).toBe(next);
      next = entry.second + (entry.seconds ?? 1);
    }
    expect(next).toBe(TWO_HOURS_S);
    expect(entries.reduce((sum, e) => sum + e.requests, 0)).toBe(report.phases[0]!.requests);
    expect(entries.reduce((sum, e) => sum + e.errors, 0)).toBe(60);
    expect(entries.reduce((sum, e) => sum + (e.coveredMs ?? 0), 0)).toBe(TWO_HOURS_S * 1_000);
    const at = (second: number) => entries.find((e) => e.second <= second && second < e.second + (e.seconds ?? 1))!;
    // Whole around the edges and the fault; 1 min in the quiet middle; the slow second shows in its entry's p99.
    for (const second of [0, 119, HOUR_S - 1, HOUR_S, HOUR_S + 60, HOUR_S + 179, TWO_HOURS_S - 1])
      expect(at(second).seconds).toBeUndefined();
    expect(at(HOUR_S / 2).seconds).toBe(60);
    expect(at(HOUR_S - 600).seconds).toBe(10);
    expect(at(SLOW_SECOND).p99Ms).toBeGreaterThan(800);
    expect(at(SLOW_SECOND + 120).p99Ms).toBeLessThan(20);
    expect(at(HOUR_S / 2)).toMatchObject({ requests: 600, targetRate: 10, coveredMs: 60_000 });
    // The phase's own figures come from the full record: ten slow requests in 72,000 leave p99 at 10 ms.
    expect(report.phases[0]!.latencyMs!.p99).toBeLessThan(11);
    expect(report.checks[0]).toMatchObject({ status: 'pass' });
    // The burn-rate windows still count whole seconds: the 60 failing seconds are 60 s, not one entry.
    // 60 errors in 72,000 requests burn 0.83× for 2 h of a 24-h period: 6.9 % of the budget (one entry per minute
    // counted as a second would say 0.1 %).
    expect(report.errorBudget!.total.errors).toBe(60);
    expect(report.errorBudget!.total.budgetShare).toBeCloseTo((60 / 72_000 / 0.001) * (2 / 24), 4);
  });

  it("the chart draws an entry at its span's middle, as a rate over the time it covers", () => {
    const report = buildReport(twoHourRun());
    const data = chartData(report);
    const index = data.x.findIndex((x) => x === 1_800 + 30);
    expect(index).toBeGreaterThan(0);
    expect(data.achievedRate[index]).toBe(10);
    expect(data.targetRate[index]).toBe(10);
    expect(data.x.length).toBe(report.timeseries.length);
  });
});
