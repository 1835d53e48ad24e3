import * as hdr from 'hdr-histogram-js';

export type LatencyHistogram = hdr.Histogram;

/** Latencies are recorded in microseconds, 1 µs to 1 h, 3 significant digits, sparse (packed) storage. */
export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export function recordLatencyMs(histogram: LatencyHistogram, latencyMs: number): void {
  histogram.recordValue(Math.max(1, Math.min(3_600_000_000, Math.round(latencyMs * 1_000))));
}

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
  avg: number;
}

const round3 = (value: number): number => Math.round(value * 1_000) / 1_000;

export function summarizeLatencyMs(histogram: LatencyHistogram): LatencySummaryMs | undefined {
  if (histogram.totalCount === 0) return undefined;
  const ms = (micros: number): number => round3(micros / 1_000);
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    min: ms(histogram.minNonZeroValue),
    avg: ms(histogram.mean),
  };
}

export function percentileMs(histogram: LatencyHistogram, percentile: number): number {
  return round3(histogram.getValueAtPercentile(percentile) / 1_000);
}
