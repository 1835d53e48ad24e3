import { describe, expect, it } from 'vitest';
import { checkpointReport, finishInterrupted } from '../../harness/report/checkpoint-report.ts';
import type { CheckResult } from '../../harness/checks/check-result.ts';
import { syntheticReport } from '../support/synthetic-report.ts';

const check = (phase: string, status: CheckResult['status']): CheckResult => ({
  name: 'http_req_duration p(95)<500',
  phase,
  metric: 'http_req_duration',
  expected: 'p(95)<500',
  observed: 120,
  status,
  passed: status === 'pass',
});

function soFar() {
  const report = syntheticReport(
    'R-checkpoint',
    [
      { name: 'baseline', p95PerSecondMs: [100, 110] },
      { name: 'peak', p95PerSecondMs: [120, 130] },
      { name: 'recovery', p95PerSecondMs: [] },
    ],
    { verdict: 'pass', verdictReason: 'all checks passed', exitCode: 0 },
  );
  report.checks = [check('baseline', 'pass'), check('peak', 'pass'), check('recovery', 'pass')];
  const startMs = Date.parse(report.startedAt);
  // baseline settled at +3 s; peak ended but its data is not complete until +6 s; the checkpoint is at +5 s.
  return {
    report,
    runningPhase: 'recovery',
    settledAtMs: { baseline: startMs + 3_000, peak: startMs + 6_000 },
    nowMs: startMs + 5_000,
  };
}

describe('a checkpoint of a run still going', () => {
  it('keeps the settled phases judged, makes every other check inconclusive "so far", and is never a PASS', () => {
    const report = checkpointReport(soFar(), '2026-11-27T10:00:05.000Z');
    expect(report.verdict).toBe('inconclusive');
    expect(report.exitCode).toBe(5);
    expect(report.verdictReason).toBe(
      'checkpoint at +5.0 s during phase recovery: the run was still going (1 of 3 phases settled)',
    );
    expect(report.checks.map((c) => [c.phase, c.status])).toEqual([
      ['baseline', 'pass'],
      ['peak', 'inconclusive'],
      ['recovery', 'inconclusive'],
    ]);
    expect(report.checks[1]!.reason).toMatch(/^so far \(pass\): the phase had not ended/);
    expect(report.checkpoint).toEqual({
      at: '2026-11-27T10:00:05.000Z',
      runningPhase: 'recovery',
      settledPhases: ['baseline'],
    });
  });

  it('left by a run that died, it becomes an interrupted final report: aborted, exit 4, the settled phases still judged', () => {
    const final = finishInterrupted(checkpointReport(soFar(), '2026-11-27T10:00:05.000Z'));
    expect(final.verdict).toBe('aborted');
    expect(final.exitCode).toBe(4);
    expect(final.verdictReason).toBe(
      'interrupted: ordeal stopped during phase recovery and never finished the run; this is its last checkpoint (+5.0 s), with 1 of 3 phases judged',
    );
    expect(final.checkpoint?.interrupted).toBe(true);
    expect(final.checks.filter((c) => c.status === 'pass').map((c) => c.phase)).toEqual(['baseline']);
    // Finishing twice changes nothing; a report that is no checkpoint is left as it is.
    expect(finishInterrupted(final)).toBe(final);
    const whole = soFar().report;
    expect(finishInterrupted(whole)).toBe(whole);
  });
});
