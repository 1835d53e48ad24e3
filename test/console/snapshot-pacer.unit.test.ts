import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapshotPacer } from '../../harness/console/live-snapshot.ts';

describe('the live console paces its snapshots', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A pacer whose work takes `workMs`, recording when each run began. */
  function pacerTaking(workMs: number) {
    const startsMs: number[] = [];
    let running = 0;
    let overlapped = false;
    const pacer = new SnapshotPacer(
      async () => {
        if (running++ > 0) overlapped = true;
        startsMs.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, workMs));
        running -= 1;
      },
      () => undefined,
    );
    return { pacer, startsMs, overlapped: () => overlapped };
  }

  it('every 2 s when a snapshot is cheap', async () => {
    const { pacer, startsMs } = pacerTaking(10);
    const t0 = Date.now();
    pacer.start();
    await vi.advanceTimersByTimeAsync(10_000);
    pacer.stop();
    const gaps = startsMs.slice(1).map((at, i) => at - startsMs[i]!);
    expect(startsMs[0]).toBe(t0);
    expect(gaps.every((gap) => gap >= 2_000 && gap <= 2_100)).toBe(true);
    expect(startsMs.length).toBeGreaterThanOrEqual(4);
  });

  it('a slow snapshot waits nine times its cost before the next: never more than a tenth of the time', async () => {
    const { pacer, startsMs } = pacerTaking(800);
    pacer.start();
    await vi.advanceTimersByTimeAsync(60_000);
    pacer.stop();
    const gaps = startsMs.slice(1).map((at, i) => at - startsMs[i]!);
    // Started every 8.8 s: 0.8 s of work, then 8 s of rest.
    expect(gaps.every((gap) => gap >= 8_000)).toBe(true);
    expect((startsMs.length * 800) / 60_000).toBeLessThanOrEqual(0.1 + 1e-9);
  });

  it('one at a time, also when woken (a page connecting) while one runs; nothing after stop', async () => {
    const { pacer, startsMs, overlapped } = pacerTaking(1_000);
    pacer.start();
    await vi.advanceTimersByTimeAsync(100);
    pacer.wake();
    pacer.wake();
    await vi.advanceTimersByTimeAsync(500);
    expect(startsMs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20_000);
    pacer.stop();
    const count = startsMs.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(startsMs).toHaveLength(count);
    expect(overlapped()).toBe(false);
  });

  it('a wake comes soon, but never sooner than 250 ms after the last snapshot began', async () => {
    const { pacer, startsMs } = pacerTaking(10);
    pacer.start();
    await vi.advanceTimersByTimeAsync(50);
    pacer.wake();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(startsMs[1]! - startsMs[0]!).toBe(250);
    // Woken long after the last one: at once, not at the next tick (2 s after the last).
    pacer.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(startsMs[2]! - startsMs[1]!).toBe(800);
    pacer.stop();
  });

  it('a failing snapshot is reported and the next one still comes', async () => {
    const errors: string[] = [];
    let calls = 0;
    const pacer = new SnapshotPacer(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('Prometheus did not answer');
      },
      (error) => errors.push(error.message),
    );
    pacer.start();
    await vi.advanceTimersByTimeAsync(4_500);
    pacer.stop();
    expect(errors).toEqual(['Prometheus did not answer']);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
