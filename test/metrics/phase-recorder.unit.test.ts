import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  recordLatencyMs,
  summarizeLatencyMs,
} from '../../harness/metrics/latency-histogram.ts';
import { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { computePhaseStats } from '../../harness/verdict/phase-stats.ts';

describe('PhaseRecorder', () => {
  it('keeps one bucket per second per phase, not one entry per request', () => {
    const recorder = new PhaseRecorder(1_000);
    for (let i = 0; i < 50_000; i++) recorder.recordResponse('peak', 1_000 + (i % 5_000), 5 + (i % 7));
    recorder.recordFailure('peak', 6_500, 'timeout');
    expect(recorder.seconds('peak').map((b) => b.second)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recorder.seconds('peak').at(-1)).toMatchObject({ requests: 1, errors: { timeout: 1 } });
  });

  it('merges per-second histograms into the same percentiles as one histogram of all the data', () => {
    const recorder = new PhaseRecorder(0);
    const whole = createLatencyHistogram();
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const latencyMs = 1 + (seed % 100_000) / 100;
      recorder.recordResponse('peak', i, latencyMs);
      recordLatencyMs(whole, latencyMs);
    }
    const phase = {
      index: 0,
      name: 'peak',
      startOffsetMs: 0,
      durationMs: 20_000,
      fromRatePerSec: 1_000,
      toRatePerSec: 1_000,
      faults: [],
    };
    const stats = computePhaseStats(phase, { startMs: 0, endMs: 20_000 }, recorder.seconds('peak'));
    expect(recorder.seconds('peak')).toHaveLength(20);
    expect(stats.latencyMs).toEqual(summarizeLatencyMs(whole));
  });
});
