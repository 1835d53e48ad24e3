import { describe, expect, it } from 'vitest';
import { evaluateResilienceCheck } from '../../harness/checks/check-registry.ts';
import type { FaultSpanRecord, ResilienceContext } from '../../harness/checks/resilience-context.ts';
import type { Clock } from '../../harness/clock/clock.ts';
import type { ProcessIdentity } from '../../harness/process/process-identity.ts';
import { watchForRestart } from '../../harness/faults/restart-watch.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { until } from '../support/until.ts';

const KILL_AT_MS = 10_000;
const PHASE = { startMs: KILL_AT_MS - 5, endMs: KILL_AT_MS + 15_000 };

/** A scenario killing "primary" in phase "killed", with a restart check of `fields`. */
const scenario = (fields: Record<string, unknown>, faults = [{ process: 'primary', kind: 'kill' }]) => ({
  name: 'restart',
  target: { baseUrl: 'http://127.0.0.1:8080' },
  processes: [{ name: 'primary', pidFile: '/run/primary.pid' }],
  requests: [{ path: '/' }],
  phases: [{ name: 'killed', duration: '15s', rate: 1, faults }],
  slos: [],
  checks: [{ kind: 'restart', phase: 'killed', process: 'primary', within: '5s', ...fields }],
});

/** The kill's record: its outcome at the phase's end and what the watch saw, relative to the kill (ms). */
function kill(outcome: string, back?: { notBackAfterMs: number; seenBackAfterMs?: number }): FaultSpanRecord {
  return {
    phase: 'killed',
    fault: { kind: 'kill', process: 'primary' },
    appliedAtMs: KILL_AT_MS,
    removedAtMs: PHASE.endMs,
    process: {
      outcome,
      ...(back
        ? {
            back: {
              lookedNotBackAtMs: KILL_AT_MS + back.notBackAfterMs,
              ...(back.seenBackAfterMs !== undefined ? { seenBackAtMs: KILL_AT_MS + back.seenBackAfterMs } : {}),
            },
          }
        : {}),
    },
  };
}

function judge(faults: FaultSpanRecord[], fields: Record<string, unknown> = {}) {
  const context: ResilienceContext = {
    windows: new Map([['killed', PHASE]]),
    faults,
    load: [],
    signals: { series: new Map(), alerts: { firing: new Map() }, health: new Map() },
    observedUntilMs: PHASE.endMs,
  };
  const [result] = evaluateResilienceCheck(validateScenario(scenario(fields)).checks[0]!, context);
  return { status: result!.status, observed: result!.observed, reason: result!.reason };
}

const BACK = 'running again as pid 4242 (node ledger.js)';

describe('restart: a killed process runs again within a bound', () => {
  it('PASSES when it was seen back within the bound, observed in seconds after the kill', () => {
    expect(judge([kill(BACK, { notBackAfterMs: 700, seenBackAfterMs: 812 })])).toEqual({
      status: 'pass',
      observed: 0.8,
      reason: undefined,
    });
  });

  it('FAILS when it was not running again past the bound, or came back only after it', () => {
    const never = judge([kill("not running again at the phase's end (no such process)", { notBackAfterMs: 14_900 })]);
    expect(never.status).toBe('fail');
    expect(never.reason).toMatch(/not running again 14.9 s after the kill/);
    const late = judge([kill(BACK, { notBackAfterMs: 7_000, seenBackAfterMs: 7_110 })]);
    expect(late).toMatchObject({ status: 'fail', observed: 7.1 });
    expect(late.reason).toMatch(/only 7.1 s after the kill/);
  });

  it('is INCONCLUSIVE when the evidence cannot say: no kill, a kill that did not end it, a phase too short, a paused ordeal', () => {
    expect(judge([])).toMatchObject({
      status: 'inconclusive',
      reason: 'no kill of "primary" was applied in this phase',
    });
    const survived = judge([kill('still running as pid 17: the signal did not end it', { notBackAfterMs: 14_900 })]);
    expect(survived).toMatchObject({ status: 'inconclusive' });
    expect(survived.reason).toMatch(/the kill did not end it/);
    // The phase (or the watch) ended 3 s after the kill, before the 5-s bound: no FAIL on a look never taken.
    const short = judge([kill("not running again at the phase's end", { notBackAfterMs: 3_000 })]);
    expect(short).toMatchObject({ status: 'inconclusive' });
    expect(short.reason).toMatch(/last looked 3 s after the kill, before 5s had passed/);
    // ordeal paused from 4 s to 6.5 s: back somewhere in there, across the bound.
    const paused = judge([kill(BACK, { notBackAfterMs: 4_000, seenBackAfterMs: 6_500 })]);
    expect(paused).toMatchObject({ status: 'inconclusive' });
    expect(paused.reason).toMatch(/between 4 s and 6.5 s after the kill: ordeal did not look for 2.5 s/);
    // A gap well before the bound is no excuse: back at 6.5 s, last seen gone at 5.8 s (past the bound) is a FAIL.
    expect(judge([kill(BACK, { notBackAfterMs: 5_800, seenBackAfterMs: 6_500 })]).status).toBe('fail');
    expect(judge([kill(BACK)])).toMatchObject({ status: 'inconclusive' });
  });

  it('refuses a check on a phase that does not kill its process (exit 2 before any load)', () => {
    expect(() => validateScenario(scenario({}, []))).toThrow(
      /checks\[0\]\.process.*is not killed in phase "killed" \(add a fault \{ process: "primary", kind: "kill" \}/s,
    );
    expect(() => validateScenario(scenario({}, [{ process: 'primary', kind: 'pause' }]))).toThrow(/is not killed/);
  });
});

/** A clock whose sleeps take no real time (each resolves on the next turn, advancing now by its length). */
function fakeClock(): Clock {
  let nowMs = 1_000;
  return {
    nowMs: () => nowMs,
    sleep: (durationMs, signal) =>
      new Promise((resolve) => {
        if (!signal?.aborted) nowMs += durationMs;
        setImmediate(resolve);
      }),
  };
}

describe('watchForRestart', () => {
  const killed: ProcessIdentity = { pid: 100, startTicks: 5, command: 'node service.js' };

  it('sees the process back (a new pid) after looks that found it gone or still the killed one, then stops looking', async () => {
    const answers: (ProcessIdentity | undefined)[] = [killed, undefined, undefined, { ...killed, pid: 101 }];
    let looks = 0;
    const clock = fakeClock();
    const watch = watchForRestart(
      killed,
      clock.nowMs(),
      async () => {
        const answer = answers[looks++];
        if (!answer) throw new Error('not running');
        return answer;
      },
      clock,
    );
    await until(() => looks === 4, 5_000, 1);
    await watch.stop();
    expect(looks).toBe(4);
    // Looked at 1000 (the killed one), 1100, 1200 (gone), 1300 (back): came back after 1200, seen by 1300.
    expect(watch.sighting).toEqual({ lookedNotBackAtMs: 1_200, seenBackAtMs: 1_300 });
  });

  it('a process that never comes back (or the same pid and start time): looks until told to stop, then stops', async () => {
    const clock = fakeClock();
    let looks = 0;
    const watch = watchForRestart(killed, clock.nowMs(), async () => (looks++, killed), clock);
    await until(() => looks >= 5, 5_000, 1);
    await watch.stop();
    const looksAtStop = looks;
    await new Promise((resolve) => setImmediate(resolve));
    expect(looks).toBe(looksAtStop);
    expect(watch.sighting.seenBackAtMs).toBeUndefined();
    expect(watch.sighting.lookedNotBackAtMs).toBeGreaterThanOrEqual(1_400);
  });
});
