import { describe, expect, it } from 'vitest';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { judgeRun } from '../../harness/verdict/judge-run.ts';
import type { RecordedRun } from '../../harness/verdict/recorded-run.ts';
import { onePhaseRun } from '../support/one-phase-run.ts';

/**
 * A phase whose first two seconds are slow (a proxy detecting a dead primary),
 * then fast: the whole-phase p95 FAILS; judged from +2s (slo.after) it PASSES;
 * a slow second after the grace still FAILS.
 */
function runWith(after: string | undefined, slowSeconds: number[]): RecordedRun {
  const scenario = validateScenario({
    name: 'grace',
    target: { baseUrl: 'http://127.0.0.1:8080' },
    requests: [{ path: '/' }],
    load: { warmup: false },
    phases: [{ name: 'switch', duration: '10s', rate: 50 }],
    slos: [{ http_req_duration: ['p(95)<100'], ...(after ? { after } : {}) }],
  });
  const startedAtMs = 1_000_000;
  const recorder = new PhaseRecorder(startedAtMs);
  for (let second = 0; second < 10; second++) {
    for (let i = 0; i < 50; i++)
      recorder.recordResponse('switch', startedAtMs + second * 1_000 + i * 20, slowSeconds.includes(second) ? 900 : 10);
    recorder.recordSendLag('switch', startedAtMs + second * 1_000, 0.5);
  }
  return onePhaseRun(scenario, recorder, startedAtMs, startedAtMs + 10_000);
}

describe('an SLO judged after a grace at the phase start (slo.after)', () => {
  it('whole phase: the first two slow seconds FAIL p95', () => {
    const [check] = judgeRun(runWith(undefined, [0, 1])).checks;
    expect(check).toMatchObject({ status: 'fail', expected: 'p(95)<100' });
  });

  it('from +2s: PASS, and the report says from when', () => {
    const [check] = judgeRun(runWith('2s', [0, 1])).checks;
    expect(check).toMatchObject({ status: 'pass', expected: 'p(95)<100 from +2s' });
    expect(check!.observed).toBeLessThan(100);
  });

  it('from +2s, with slow seconds after the grace: still FAIL', () => {
    const [check] = judgeRun(runWith('2s', [0, 1, 5])).checks;
    expect(check).toMatchObject({ status: 'fail' });
  });
});
