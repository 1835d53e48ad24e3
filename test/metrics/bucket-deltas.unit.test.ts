import { describe, expect, it } from 'vitest';
import { BucketDeltas } from '../../harness/metrics/bucket-deltas.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';

describe('BucketDeltas', () => {
  it('hands over each second once, then only what it grew by (a late response), so the totals add up exactly', () => {
    const recorder = new PhaseRecorder(0);
    const deltas = new BucketDeltas();
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
});
