import { describe, expect, it } from 'vitest';
import { liveViewOf } from '../../harness/console/live-snapshot.ts';
import { renderReportBody } from '../../harness/report/html/render-html.ts';
import { settleMarginMs } from '../../harness/run/check-settling.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';

describe('when a live check is settled', () => {
  const scenario = validateScenario({
    name: 'settling',
    target: { baseUrl: 'http://127.0.0.1:9' },
    load: { timeout: '3s' },
    prometheus: { url: 'http://127.0.0.1:9090' },
    requests: [{ path: '/' }],
    phases: [
      { name: 'calm', duration: '10s', rate: 5 },
      { name: 'outage', duration: '10s', rate: 5 },
    ],
    checks: [{ kind: 'alert', phase: 'outage', alert: 'ServiceDown', firesWithin: '30s', resolvesWithin: '1m' }],
  });

  it("a phase's checks may change until its last requests' timeout, or every window a signal check names plus Prometheus' 2 s", () => {
    expect(settleMarginMs(scenario, 'calm')).toBe(3_000);
    expect(settleMarginMs(scenario, 'outage')).toBe(30_000 + 60_000 + 2_000);
  });

  it('settled after that margin, so far while its phase runs or the margin lasts, pending before its phase', () => {
    const report = syntheticReport('live', [
      { name: 'calm', p95PerSecondMs: noisy(100, 5, 10) },
      { name: 'outage', p95PerSecondMs: noisy(100, 5, 10) },
      { name: 'later', p95PerSecondMs: [] },
    ]);
    report.phases[2] = { ...report.phases[2]!, start: null, end: null };
    const calmEnd = Date.parse(report.phases[0]!.end!);
    const view = (nowMs: number, runningPhase?: string) =>
      liveViewOf({ report, nowMs, settledAtMs: { calm: calmEnd + 3_000 }, ...(runningPhase ? { runningPhase } : {}) });
    const check = (phase: string) => ({ name: 'http_req_failed rate<0.01', phase });
    expect(view(calmEnd + 1_000, 'outage').checkState(check('calm'))).toBe('provisional');
    expect(view(calmEnd + 3_000, 'outage').checkState(check('calm'))).toBe('settled');
    expect(view(calmEnd + 3_000, 'outage').checkState(check('outage'))).toBe('provisional');
    expect(view(calmEnd + 3_000, 'outage').checkState(check('later'))).toBe('pending');
  });

  it('mid-run, a check judged so far on too little evidence waits: it is not shown inconclusive, and its reason (about a run that ended) is not shown', () => {
    const report = syntheticReport('live', [{ name: 'outage', p95PerSecondMs: noisy(100, 5, 10) }], {
      checks: [
        {
          name: 'alert ServiceDown fires within 30s',
          phase: 'outage',
          metric: 'alert',
          expected: 'firing within 30s',
          status: 'inconclusive',
          passed: false,
          observed: null,
          reason: 'the run ended before the deadline',
        },
        {
          name: 'http_req_failed rate<0.01',
          phase: 'outage',
          metric: 'http_req_failed',
          expected: 'rate<0.01',
          status: 'pass',
          passed: true,
          observed: 0,
        },
      ],
    });
    const live = liveViewOf({
      report,
      nowMs: Date.parse(report.phases[0]!.end!),
      settledAtMs: {},
      runningPhase: 'outage',
    });
    const { html } = renderReportBody(report, live);
    expect(html).toContain(
      'data-check-status="waiting" data-check-state="provisional"><td>alert ServiceDown fires within 30s',
    );
    expect(html).not.toContain('the run ended before the deadline');
    expect(html).toContain('1 passed');
    // The finished report says it as it is.
    expect(renderReportBody(report).html).toContain('the run ended before the deadline');
  });
});
