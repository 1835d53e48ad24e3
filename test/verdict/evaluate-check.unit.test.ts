import { describe, expect, it } from 'vitest';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { buildTimeline } from '../../harness/scenario/timeline.ts';
import { evaluateCheck } from '../../harness/verdict/evaluate-check.ts';
import { computePhaseStats } from '../../harness/verdict/phase-stats.ts';
import { decideVerdict, exitCodeOf } from '../../harness/verdict/run-verdict.ts';

const scenario = validateScenario({
  name: 'judge',
  target: { baseUrl: 'http://127.0.0.1:1' },
  requests: [{ path: '/' }],
  phases: [{ name: 'peak', duration: '10s', rate: 100 }],
  slos: [
    {
      http_req_duration: ['p(95)<500', 'p(99)<1000', 'max<2000'],
      http_req_failed: ['rate<0.01'],
      http_reqs: ['ratio>=0.95'],
    },
  ],
});
const timeline = buildTimeline(scenario);
const phase = timeline.phases[0]!;

/** 1000 requests over 10 s: `slow` of them at 900 ms, the rest at 20 ms; `failed` 5xx. */
function judge(options: { slow?: number; failed?: number; requests?: number; ran?: boolean }) {
  const recorder = new PhaseRecorder(0);
  const requests = options.requests ?? 1_000;
  for (let i = 0; i < requests; i++) {
    const atMs = (i / requests) * 10_000;
    if (i < (options.failed ?? 0)) recorder.recordResponse('peak', atMs, 20, 'http_5xx');
    else recorder.recordResponse('peak', atMs, i % 100 < (options.slow ?? 0) ? 900 : 20);
  }
  const stats = computePhaseStats(
    phase,
    options.ran === false ? undefined : { startMs: 0, endMs: 10_000 },
    recorder.seconds('peak'),
  );
  const checks = timeline.checks.map((check) => evaluateCheck(check, stats));
  return { checks, stats, byName: Object.fromEntries(checks.map((c) => [c.expected, c])) };
}

describe('evaluateCheck', () => {
  it('passes a healthy phase, with observed values', () => {
    const { checks, stats } = judge({});
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    expect(stats.latencyMs?.p95).toBeCloseTo(20, 0);
    expect(stats.achievedRate).toBe(100);
  });

  it('fails p(95)<500 when 10 % of requests take 900 ms', () => {
    const { byName } = judge({ slow: 10 });
    expect(byName['p(95)<500']).toMatchObject({ status: 'fail', passed: false });
    expect(byName['p(95)<500']!.observed).toBeGreaterThan(890);
    expect(byName['p(99)<1000']!.status).toBe('pass');
  });

  it('fails rate<0.01 when 2 % of responses are 5xx', () => {
    expect(judge({ failed: 20 }).byName['rate<0.01']).toMatchObject({ status: 'fail', observed: 0.02 });
  });

  it('fails ratio>=0.95 when the achieved rate falls short', () => {
    expect(judge({ requests: 500 }).byName['ratio>=0.95']).toMatchObject({ status: 'fail', observed: 0.5 });
  });

  it('is inconclusive, never pass, without data', () => {
    const empty = judge({ requests: 0 });
    expect(empty.byName['p(95)<500']).toMatchObject({ status: 'inconclusive', passed: false, observed: null });
    expect(empty.byName['rate<0.01']!.status).toBe('inconclusive');
    const notRun = judge({ ran: false });
    expect(notRun.checks.every((c) => c.status === 'inconclusive')).toBe(true);
  });
});

describe('decideVerdict', () => {
  const pass = judge({}).checks;
  const fail = judge({ failed: 50 }).checks;
  const unknown = judge({ requests: 0 }).checks.filter((c) => c.status === 'inconclusive');

  it('is pass only when every check passed', () => {
    expect(decideVerdict({ checks: pass }).verdict).toBe('pass');
    expect(decideVerdict({ checks: [...pass, ...fail] }).verdict).toBe('fail');
    expect(decideVerdict({ checks: [...pass, ...unknown] }).verdict).toBe('inconclusive');
    expect(decideVerdict({ checks: [] }).verdict).toBe('inconclusive');
  });

  it('puts an abort before everything and a harness error before checks', () => {
    expect(decideVerdict({ checks: pass, abortedBy: 'SIGINT' })).toEqual({
      verdict: 'aborted',
      reason: 'stopped by SIGINT',
    });
    expect(decideVerdict({ checks: fail, infrastructureError: 'toxiproxy vanished' }).verdict).toBe('inconclusive');
  });
});

describe('exitCodeOf', () => {
  it('gives CI a code per outcome: aborted and inconclusive apart from a failed check and from a broken harness', () => {
    const codes = [
      exitCodeOf({ verdict: 'pass' }),
      exitCodeOf({ verdict: 'fail' }),
      exitCodeOf({ verdict: 'inconclusive', infrastructureError: 'Toxiproxy stopped answering mid-run' }),
      exitCodeOf({ verdict: 'aborted', abortedBy: 'guard "error storm" (rate 1 > 0.2)' }),
      exitCodeOf({ verdict: 'inconclusive' }),
      exitCodeOf({ verdict: 'aborted', abortedBy: 'SIGINT' }),
      exitCodeOf({ verdict: 'aborted', abortedBy: 'SIGTERM' }),
      exitCodeOf({ verdict: 'aborted', abortedBy: 'SIGHUP' }),
    ];
    expect(codes).toEqual([0, 1, 3, 4, 5, 130, 143, 129]);
  });
});
