import { describe, expect, it } from 'vitest';
import { chartData } from '../../harness/report/html/chart-data.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { syntheticReport } from '../support/synthetic-report.ts';

type Second = RunReport['timeseries'][number];
const second = (s: number, phase: string, requests: number, coveredMs: number, targetRate: number | null): Second => ({
  second: s,
  phase,
  targetRate,
  coveredMs,
  requests,
  dropped: 0,
  unsent: 0,
  errors: 0,
  p50Ms: 1,
  p95Ms: 2,
  p99Ms: 3,
  sendLagP99Ms: 0.1,
});

function withSeconds(timeseries: Second[], durationMs: number): RunReport {
  const base = syntheticReport('rates', [{ name: 'a', p95PerSecondMs: [1] }]);
  return { ...base, timeseries, durationMs, endedAt: new Date(Date.parse(base.startedAt) + durationMs).toISOString() };
}

describe('the rate chart at phase edges and at the end of a run', () => {
  it("a second two phases share: both phases' requests over the time-weighted target, not one phase's target", () => {
    // 0.3 s of a 100 req/s phase, then 0.7 s of a 300 req/s phase, each sending exactly its share.
    const data = chartData(
      withSeconds(
        [
          second(0, 'a', 100, 1_000, 100),
          second(1, 'a', 30, 300, 100),
          second(1, 'b', 210, 700, 300),
          second(2, 'b', 300, 1_000, 300),
        ],
        3_000,
      ),
    );
    expect(data.targetRate).toEqual([100, 240, 300]);
    expect(data.achievedRate).toEqual([100, 240, 300]);
  });

  it('a gap between phases (faults being applied) is not counted as time the load ran', () => {
    // 0.4 s of phase a, 0.1 s applying a fault, 0.5 s of phase b, both at 200 req/s.
    const data = chartData(withSeconds([second(0, 'a', 80, 400, 200), second(0, 'b', 100, 500, 200)], 1_000));
    expect(data.achievedRate).toEqual([200]);
    expect(data.targetRate).toEqual([200]);
  });

  it('the last, partial second is a rate over the part the load covered, not a dip', () => {
    const data = chartData(withSeconds([second(0, 'a', 100, 1_000, 100), second(1, 'a', 40, 400, 100)], 1_400));
    expect(data.achievedRate).toEqual([100, 100]);
  });

  it('a tail too short to be a rate is folded into the second before it', () => {
    const data = chartData(withSeconds([second(0, 'a', 100, 1_000, 100), second(1, 'a', 5, 50, 100)], 1_050));
    expect(data.x).toEqual([0.5]);
    expect(data.achievedRate).toEqual([100]);
    expect(data.targetRate).toEqual([100]);
  });

  it('a generator that fell behind still shows as a shortfall (the chart is honest in both directions)', () => {
    const data = chartData(withSeconds([second(0, 'a', 50, 1_000, 100), second(1, 'a', 20, 400, 100)], 1_400));
    expect(data.achievedRate).toEqual([50, 50]);
    expect(data.targetRate).toEqual([100, 100]);
  });

  it('a report written before coverage was recorded splits each second evenly among its phases', () => {
    const old = second(0, 'a', 100, 0, 100);
    delete (old as Partial<Second>).coveredMs;
    expect(chartData(withSeconds([old], 1_000)).achievedRate).toEqual([100]);
  });
});
