import { describe, expect, it } from 'vitest';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { buildTimeline } from '../../harness/scenario/timeline.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { evaluateCheck } from '../../harness/verdict/evaluate-check.ts';
import { judgeWithinBar, lagErrorBarMs } from '../../harness/verdict/lag-error-bar.ts';
import { computePhaseStats } from '../../harness/verdict/phase-stats.ts';

describe('the send lag as an error bar', () => {
  it.each([
    // observed, bar, threshold → outcome
    [480, 10, '<', 500, 'pass'], // meets it: no lag could make it worse than observed
    [500, 10, '<', 500, 'within-lag'], // the service's own value is 490–500
    [505, 10, '<', 500, 'within-lag'],
    [509.9, 10, '<', 500, 'within-lag'],
    [511, 10, '<', 500, 'fail'], // 501 even without any lag
    [18, 28, '<', 500, 'pass'], // a busy host (lag 28 ms) cannot spoil a wide margin
    [600, 0, '<', 500, 'fail'], // no lag: plain comparison
    [499, 0, '<', 500, 'pass'],
    [520, 30, '>', 500, 'within-lag'], // the other direction: the observed value is the high end
    [540, 30, '>', 500, 'pass'],
    [490, 30, '>', 500, 'fail'],
    [5, 20, '<=', 10, 'pass'], // the low end is clamped at 0
  ] as const)('observed %s ms, lag %s ms, threshold %s %s → %s', (observed, barMs, operator, expected, outcome) => {
    expect(judgeWithinBar(observed, barMs, operator, expected)).toBe(outcome);
  });

  it('is twice the lag (late to send, late to read the answer): its p99 for percentiles up to 99 and averages, its maximum for max and percentiles above 99', () => {
    const lag = { p99: 12, max: 80 };
    expect(lagErrorBarMs(lag, { kind: 'percentile', percentile: 50 })).toBe(24);
    expect(lagErrorBarMs(lag, { kind: 'percentile', percentile: 95 })).toBe(24);
    expect(lagErrorBarMs(lag, { kind: 'percentile', percentile: 99 })).toBe(24);
    expect(lagErrorBarMs(lag, { kind: 'avg' })).toBe(24);
    expect(lagErrorBarMs(lag, { kind: 'percentile', percentile: 99.9 })).toBe(160);
    expect(lagErrorBarMs(lag, { kind: 'max' })).toBe(160);
    expect(lagErrorBarMs(null, { kind: 'max' })).toBe(0);
  });
});

describe('evaluateCheck on a phase sent late by a busy host', () => {
  const scenario = validateScenario({
    name: 'busy',
    target: { baseUrl: 'http://127.0.0.1:1' },
    requests: [{ path: '/' }],
    phases: [{ name: 'peak', duration: '10s', rate: 50 }],
    slos: [
      { http_req_duration: ['p(95)<500', 'p(95)<30'], http_req_failed: ['rate<0.01'], http_reqs: ['ratio>=0.95'] },
    ],
  });
  const timeline = buildTimeline(scenario);
  const phase = timeline.phases[0]!;

  /** 500 arrivals over 10 s, each sent `lagMs` late; latency (from the intended time) = `serviceMs` + the lag. */
  function judge(options: { serviceMs: number; lagMs: number; unsent?: number; failed?: number; timeouts?: number }) {
    const recorder = new PhaseRecorder(0);
    for (let i = 0; i < 500; i++) {
      const atMs = i * 20;
      recorder.recordIteration('peak', atMs);
      recorder.recordSendLag('peak', atMs, options.lagMs);
      if (i < (options.failed ?? 0))
        recorder.recordResponse('peak', atMs, options.serviceMs + options.lagMs, 'http_5xx');
      else if (i < (options.failed ?? 0) + (options.timeouts ?? 0)) recorder.recordFailure('peak', atMs, 'timeout');
      else recorder.recordResponse('peak', atMs, options.serviceMs + options.lagMs);
    }
    for (let i = 0; i < (options.unsent ?? 0); i++) recorder.recordUnsent('peak', 9_990);
    const stats = computePhaseStats(phase, { startMs: 0, endMs: 10_000 }, recorder.seconds('peak'));
    return Object.fromEntries(timeline.checks.map((check) => [check.threshold.source, evaluateCheck(check, stats)]));
  }

  it('PASSES a wide margin although the lag (28 ms) is over the 10 ms limit, and judges the error rate and the rate', () => {
    const checks = judge({ serviceMs: 10, lagMs: 28 });
    expect(checks['p(95)<500']).toMatchObject({ status: 'pass' });
    expect(checks['rate<0.01']).toMatchObject({ status: 'pass' });
    expect(checks['ratio>=0.95']).toMatchObject({ status: 'pass' });
  });

  it('is INCONCLUSIVE when the observed value lies within the lag of its threshold, with the numbers', () => {
    const checks = judge({ serviceMs: 10, lagMs: 28 });
    expect(checks['p(95)<30']!.status).toBe('inconclusive');
    expect(checks['p(95)<30']!.reason).toMatch(
      /^observed 38\.\d ms is within the generator's own lateness \(5\d\.\d ms: twice its send lag, for sending and for reading the answer\) of p\(95\)<30: the service's own value lies between 0\.0 and 38\.\d ms/,
    );
  });

  it('FAILS when the observed value minus twice the lag still breaks the threshold', () => {
    const checks = judge({ serviceMs: 600, lagMs: 28 });
    expect(checks['p(95)<500']).toMatchObject({ status: 'fail' });
  });

  it('FAILS an error rate on a busy host (the lag causes no error)', () => {
    expect(judge({ serviceMs: 10, lagMs: 28, failed: 25 })['rate<0.01']).toMatchObject({
      status: 'fail',
      observed: 0.05,
    });
  });

  it('where the generator left arrivals unsent: no pass, no latency or rate failure; an error rate fails only without its timeouts', () => {
    const saturated = judge({ serviceMs: 600, lagMs: 900, unsent: 100 });
    for (const source of ['p(95)<500', 'p(95)<30', 'rate<0.01', 'ratio>=0.95']) {
      expect(saturated[source]!.status, source).toBe('inconclusive');
      expect(saturated[source]!.reason).toMatch(/^the generator could not keep up/);
    }
    expect(judge({ serviceMs: 10, lagMs: 900, unsent: 100, timeouts: 50 })['rate<0.01']!.status).toBe('inconclusive');
    expect(judge({ serviceMs: 10, lagMs: 900, unsent: 100, failed: 50 })['rate<0.01']!.status).toBe('fail');
  });

  it("arrivals due in the phase's last send lag, left unsent at its end, do not void it (a busy host, not a saturated generator)", () => {
    // 300 ms late at 50/s: the arrivals of the last 300 ms (15) may be unsent when the phase ends. 10 are: 2 %, judged.
    const busy = judge({ serviceMs: 10, lagMs: 300, unsent: 10 });
    expect(busy['rate<0.01']).toMatchObject({ status: 'pass' });
    expect(busy['p(95)<500']).toMatchObject({ status: 'pass' });
    // More than those, and more than 1 %: the generator did not offer the load.
    expect(judge({ serviceMs: 10, lagMs: 300, unsent: 20 })['rate<0.01']!.status).toBe('inconclusive');
  });
});
