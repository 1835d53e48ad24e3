import { describe, expect, it } from 'vitest';
import { BucketDeltas } from '../../harness/metrics/bucket-deltas.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';

describe('BucketDeltas', () => {
  it('hands over each second once, then only what it grew by (a late response), so the totals add up exactly', () => {
    const recorder = new PhaseRecorder(0);
    const deltas = new BucketDeltas(5);
    for (let i = 0; i < 10; i++) recorder.recordResponse('peak', 100 + i, 5);
    recorder.recordResponse('peak', 1_500, 7);
    const first = deltas.take(recorder.allSeconds(), 0);
    expect(first.map((b) => [b.second, b.requests, b.latency.totalCount])).toEqual([[0, 10, 10]]);
    expect(deltas.take(recorder.allSeconds(), 0)).toEqual([]);
    // A slow request sent in second 0 completes later: recorded at its send time, into the second already handed over.
    recorder.recordResponse('peak', 900, 2_400, 'http_5xx');
    recorder.recordFailure('peak', 950, 'timeout');
    const later = deltas.take(recorder.allSeconds(), Number.POSITIVE_INFINITY);
    expect(later.map((b) => [b.second, b.requests, b.latency.totalCount, b.errors.http_5xx, b.errors.timeout])).toEqual(
      [
        [0, 2, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
    );
    expect(later[0]!.latency.maxValue).toBeGreaterThan(2_000_000);
    const total = [...first, ...later].reduce((sum, b) => sum + b.requests, 0);
    expect(total).toBe(recorder.allSeconds().reduce((sum, b) => sum + b.requests, 0));
  });

  it('remembers a second only while it can still grow: over a long run it keeps a bounded window, and the totals still add up', () => {
    const recorder = new PhaseRecorder(0);
    const deltas = new BucketDeltas(5);
    let handedOver = 0;
    for (let second = 0; second < 1_200; second++) {
      for (let i = 0; i < 20; i++) recorder.recordResponse('soak', second * 1_000 + i * 50, 3);
      // Two seconds behind the clock, as the live feed asks.
      const open = recorder.secondsBetween(deltas.firstOpenSecond, second - 2);
      expect(open.length).toBeLessThanOrEqual(6);
      for (const b of deltas.take(open, second - 2)) handedOver += b.requests;
      expect(deltas.remembered).toBeLessThanOrEqual(6);
    }
    for (const b of deltas.take(recorder.allSeconds(), Number.POSITIVE_INFINITY)) handedOver += b.requests;
    expect(handedOver).toBe(1_200 * 20);
  });

  it('a response landing in a second still within the window is handed over; the settled seconds are not sent again', () => {
    const recorder = new PhaseRecorder(0);
    const deltas = new BucketDeltas(5);
    for (let second = 0; second < 20; second++) recorder.recordResponse('p', second * 1_000, 1);
    const first = deltas.take(recorder.allSeconds(), 19);
    expect(first).toHaveLength(20);
    // Second 16 is within 5 s of the last handed over (19): its late response is a delta.
    recorder.recordResponse('p', 16_500, 4_000);
    expect(deltas.take(recorder.allSeconds(), 19).map((b) => [b.second, b.requests])).toEqual([[16, 1]]);
    expect(deltas.take(recorder.allSeconds(), 19)).toEqual([]);
  });
});
