import { describe, expect, it } from 'vitest';
import { WorkerBuckets } from '../../harness/load/worker-buckets.ts';
import {
  createLatencyHistogram,
  decodeLatencyHistogram,
  recordLatencyMs,
  summarizeLatencyMs,
} from '../../harness/metrics/latency-histogram.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { computePhaseStats } from '../../harness/verdict/phase-stats.ts';

describe('histograms recorded in workers', () => {
  it('merge exactly: percentiles of the merged workers equal those of one histogram of all the data', () => {
    const workers = [new WorkerBuckets(), new WorkerBuckets(), new WorkerBuckets()];
    const whole = createLatencyHistogram();
    const recorder = new PhaseRecorder(0);
    let seed = 42;
    for (let i = 0; i < 30_000; i++) {
      seed = (seed * 48_271) % 2_147_483_647;
      const latencyMs = (seed % 2_000_000) / 1_000 + 0.05; // 0.05 ms .. 2 s
      workers[i % 3]!.recordResponse('peak', (i / 30_000) * 10_000, latencyMs);
      recordLatencyMs(whole, latencyMs);
      if (i % 7_000 === 0)
        for (const worker of workers)
          for (const b of worker.flush())
            recorder.merge(b.phase, b.second, {
              ...b,
              latency: decodeLatencyHistogram(b.latency),
              sendLag: decodeLatencyHistogram(b.sendLag),
            });
    }
    for (const worker of workers)
      for (const b of worker.flush())
        recorder.merge(b.phase, b.second, {
          ...b,
          latency: decodeLatencyHistogram(b.latency),
          sendLag: decodeLatencyHistogram(b.sendLag),
        });
    const phase = {
      index: 0,
      name: 'peak',
      startOffsetMs: 0,
      durationMs: 10_000,
      fromRatePerSec: 3_000,
      toRatePerSec: 3_000,
      faults: [],
    };
    const stats = computePhaseStats(phase, { startMs: 0, endMs: 10_000 }, recorder.seconds('peak'));
    expect(stats.requests).toBe(30_000);
    expect(stats.latencyMs).toEqual(summarizeLatencyMs(whole));
  });
});
