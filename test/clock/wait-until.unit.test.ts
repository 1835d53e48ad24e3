import { describe, expect, it } from 'vitest';
import type { Clock } from '../../harness/clock/clock.ts';
import { waitUntil } from '../../harness/clock/wait-until.ts';

/** A clock whose sleeps advance time at once: waiting logic runs in microseconds. */
function fakeClock(): Clock & { slept: number[] } {
  let nowMs = 1_000;
  const slept: number[] = [];
  return {
    slept,
    nowMs: () => nowMs,
    sleep: async (durationMs) => {
      slept.push(durationMs);
      nowMs += durationMs;
    },
  };
}

describe('waitUntil (fake clock)', () => {
  it('polls at the interval until the check holds', async () => {
    const clock = fakeClock();
    let calls = 0;
    await waitUntil(() => ++calls === 4, { timeoutMs: 10_000, intervalMs: 250, clock });
    expect(calls).toBe(4);
    expect(clock.slept).toEqual([250, 250, 250]);
  });

  it('gives up at the deadline with the last error, never sleeping past it', async () => {
    const clock = fakeClock();
    await expect(
      waitUntil(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 600, intervalMs: 250, clock, what: 'Toxiproxy' },
      ),
    ).rejects.toThrow('Toxiproxy did not hold within 600 ms (last: connection refused)');
    expect(clock.slept).toEqual([250, 250, 100]);
  });
});
