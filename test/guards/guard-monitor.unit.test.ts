import { describe, expect, it } from 'vitest';
import type { Clock } from '../../harness/clock/clock.ts';
import { GuardMonitor } from '../../harness/guards/guard-monitor.ts';
import type { GuardTrip } from '../../harness/verdict/run-records.ts';
import { GuardStreak } from '../../harness/guards/guard-streak.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { guardSchema, type Guard } from '../../harness/scenario/guard-schema.ts';

const RUN_START_MS = 1_000_000;

function fakeClock(): Clock & { set(ms: number): void } {
  let now = RUN_START_MS;
  return { nowMs: () => now, sleep: async () => undefined, set: (ms) => (now = ms) };
}

/** Records `perSecond` requests in each of `seconds`, a share of them failing, at `latencyMs`. */
function record(
  recorder: PhaseRecorder,
  phase: string,
  seconds: number[],
  perSecond: number,
  failShare: number,
  latencyMs = 10,
): void {
  for (const second of seconds) {
    for (let i = 0; i < perSecond; i++) {
      const atMs = RUN_START_MS + second * 1_000 + i;
      if (i < failShare * perSecond) recorder.recordResponse(phase, atMs, latencyMs, 'http_5xx');
      else recorder.recordResponse(phase, atMs, latencyMs);
    }
  }
}

async function judgeUpTo(guards: Guard[], recorder: PhaseRecorder, untilSecond: number): Promise<GuardTrip[]> {
  const clock = fakeClock();
  const trips: GuardTrip[] = [];
  const monitor = new GuardMonitor(guards, {
    recorder,
    clock,
    currentPhase: () => 'peak',
    onTrip: (trip) => trips.push(trip),
  });
  // Evaluate second by second, as the timer would.
  for (let second = 0; second <= untilSecond + 2; second++) {
    clock.set(RUN_START_MS + (second + 1) * 1_000);
    await monitor.tick();
  }
  return trips;
}

const guard = (input: unknown): Guard => guardSchema.parse(input);

describe('GuardStreak', () => {
  it('trips only after the condition held without a break for the whole duration', () => {
    const streak = new GuardStreak(3_000);
    expect(streak.observe(0, 1_000, true)).toBe(false);
    expect(streak.observe(1_000, 2_000, true)).toBe(false);
    expect(streak.observe(2_000, 3_000, false)).toBe(false);
    expect(streak.observe(3_000, 4_000, true)).toBe(false);
    expect(streak.observe(4_000, 5_000, undefined)).toBe(false);
    expect(streak.observe(5_000, 6_000, true)).toBe(true);
  });

  it('with no duration, trips on the first observation that holds', () => {
    expect(new GuardStreak(0).observe(5, 5, true)).toBe(true);
  });
});

describe('GuardMonitor', () => {
  it('trips "error rate > 20 % for 10 s" when errors stay above 20 % for 10 seconds', async () => {
    const recorder = new PhaseRecorder(RUN_START_MS);
    record(recorder, 'peak', [0, 1, 2, 3, 4], 100, 0.01);
    record(recorder, 'peak', [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 100, 0.5);
    const trips = await judgeUpTo(
      [guard({ name: 'errors', metric: 'http_req_failed', trip: 'rate>0.2', for: '10s' })],
      recorder,
      15,
    );
    expect(trips).toHaveLength(1);
    expect(trips[0]!.name).toBe('errors');
    expect(trips[0]!.observed).toMatch(/^rate 0\.500 > 0\.2 in every second for 10s$/);
  });

  it('does not trip when a healthy second breaks the streak, nor on seconds without requests', async () => {
    const recorder = new PhaseRecorder(RUN_START_MS);
    record(recorder, 'peak', [0, 1, 2, 3, 4, 5, 6, 7, 8], 100, 0.5);
    record(recorder, 'peak', [9], 100, 0);
    record(recorder, 'peak', [10, 11, 12, 13, 14, 15, 16, 17, 18], 100, 0.5);
    expect(await judgeUpTo([guard({ metric: 'http_req_failed', trip: 'rate>0.2', for: '10s' })], recorder, 40)).toEqual(
      [],
    );
  });

  it('trips "p99 > 3 s for 2 s" on slow seconds, and only in the phases it watches', async () => {
    const recorder = new PhaseRecorder(RUN_START_MS);
    record(recorder, 'warm', [0, 1, 2, 3], 50, 0, 4_000);
    record(recorder, 'peak', [4, 5], 50, 0, 20);
    record(recorder, 'peak', [6, 7, 8], 50, 0, 4_000);
    const slow = guard({ name: 'slow', metric: 'http_req_duration', trip: 'p(99)>3000', for: '2s', phases: ['peak'] });
    const trips = await judgeUpTo([slow], recorder, 8);
    expect(trips).toHaveLength(1);
    expect(trips[0]!.observed).toMatch(/^p\(99\) 40\d\d(\.\d+)? > 3000 in every second for 2s$/);
  });

  it('never trips on a run without data', async () => {
    const recorder = new PhaseRecorder(RUN_START_MS);
    expect(await judgeUpTo([guard({ metric: 'http_req_failed', trip: 'rate>0' })], recorder, 30)).toEqual([]);
  });
});
