import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../harness/report/compare-runs.ts';
import { mannWhitneyGreater, normalCdf } from '../../harness/report/mann-whitney.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';

describe('mannWhitneyGreater', () => {
  it('matches the textbook U and normal-approximation p-value', () => {
    // Two samples with no ties: U for the first = number of (a, b) pairs with a > b.
    const result = mannWhitneyGreater([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
    expect(result.u).toBe(17);
    // mean 10, sd sqrt(5·4·10/12) = 4.082; z = (17 − 10 − 0.5)/4.082 = 1.592
    expect(result.z).toBeCloseTo(1.592, 3);
    expect(result.pValue).toBeCloseTo(0.0557, 3);
  });

  it('says "no shift" for identical samples, and handles all-tied values', () => {
    expect(mannWhitneyGreater([5, 5, 5], [5, 5, 5])!.pValue).toBe(1);
    expect(mannWhitneyGreater([1, 2, 3, 4], [1, 2, 3, 4])!.pValue).toBeGreaterThan(0.5);
  });

  it('normalCdf is the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-1.645)).toBeCloseTo(0.05, 3);
  });
});

describe('compareRuns', () => {
  const baseline = syntheticReport('base', [
    { name: 'warm', p95PerSecondMs: noisy(50, 10, 20, 1) },
    { name: 'peak', p95PerSecondMs: noisy(200, 30, 30, 2), errorsPerSecond: Array(30).fill(0) },
  ]);

  it('flags a regression beyond tolerance: per phase, per metric, with the Mann-Whitney p-value', () => {
    const slower = syntheticReport('slow', [
      { name: 'warm', p95PerSecondMs: noisy(50, 10, 20, 3) },
      { name: 'peak', p95PerSecondMs: noisy(320, 30, 30, 4), errorsPerSecond: Array(30).fill(3) },
    ]);
    const comparison = compareRuns(slower, baseline);
    const regressions = comparison.findings.filter((f) => f.regression).map((f) => `${f.phase} ${f.metric}`);
    expect(regressions).toEqual(['peak p95', 'peak p99', 'peak error rate']);
    const p95 = comparison.findings.find((f) => f.phase === 'peak' && f.metric === 'p95')!;
    expect(p95.changePercent).toBeGreaterThan(40);
    expect(p95.pValue).toBeLessThan(0.001);
    expect(comparison.summary).toMatch(/^3 regression\(s\) against base: peak p95, peak p99, peak error rate$/);
  });

  it('does not flag the same run compared with itself', () => {
    const comparison = compareRuns(baseline, baseline);
    expect(comparison.regressions).toBe(0);
    expect(comparison.findings.every((f) => f.status === 'ok')).toBe(true);
  });

  it('does not call noise a regression: a phase median over tolerance by chance, per-second values not shifted', () => {
    // Same distribution, different draw; tolerance 0 makes every rise "beyond tolerance", so only the test decides.
    const again = syntheticReport('again', [
      { name: 'warm', p95PerSecondMs: noisy(50, 10, 20, 7) },
      { name: 'peak', p95PerSecondMs: noisy(200, 30, 30, 8), errorsPerSecond: Array(30).fill(0) },
    ]);
    const comparison = compareRuns(again, baseline, {
      latencyTolerancePercent: 0,
      errorRateTolerance: 0,
      alpha: 0.05,
      minSeconds: 5,
    });
    expect(comparison.regressions).toBe(0);
    // The test, not the tolerance, said no: at least one rise was beyond tolerance and judged noise by Mann-Whitney.
    const judgedNoise = comparison.findings.filter((f) =>
      /^beyond tolerance \(\+0%\) but within noise \(Mann-Whitney p = [\d.e-]+ ≥ 0\.05\)$/.test(f.reason),
    );
    expect(judgedNoise.length).toBeGreaterThan(0);
    for (const finding of judgedNoise) expect(finding.pValue!).toBeGreaterThanOrEqual(0.05);
  });

  it('with too few seconds, a rise beyond tolerance is inconclusive, never a regression', () => {
    const short = syntheticReport('short', [{ name: 'warm', p95PerSecondMs: [500, 520] }]);
    const finding = compareRuns(short, baseline).findings.find((f) => f.metric === 'p95')!;
    expect(finding).toMatchObject({ status: 'inconclusive', regression: false });
    expect(finding.reason).toMatch(/too few to tell from noise/);
  });

  it("a rise within twice ordeal's own send lag is not the service's: ok, saying why; beyond it, judged as usual", () => {
    // A fast service (1 ms) measured again 40 % slower, by 0.4 ms, while ordeal's send lag p99 was 0.5 ms.
    const fast = syntheticReport('fast', [{ name: 'peak', p95PerSecondMs: noisy(1, 0.05, 20, 11) }]);
    const jittery = syntheticReport('jittery', [{ name: 'peak', p95PerSecondMs: noisy(1.4, 0.05, 20, 12) }]);
    const p95 = compareRuns(jittery, fast).findings.find((f) => f.metric === 'p95')!;
    expect(p95).toMatchObject({ status: 'ok', regression: false, pValue: null });
    expect(p95.reason).toMatch(
      /^a rise of 0\.\d+ ms, within twice ordeal's own send lag \(p99 0\.5 ms\): not the service's$/,
    );
    // 60 ms slower is the service, whatever the generator's lateness.
    const slow = syntheticReport('slow', [{ name: 'peak', p95PerSecondMs: noisy(61, 0.05, 20, 13) }]);
    expect(compareRuns(slow, fast).findings.find((f) => f.metric === 'p95')).toMatchObject({ status: 'regression' });
  });
});
