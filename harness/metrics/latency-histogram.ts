import * as hdr from 'hdr-histogram-js';

export type LatencyHistogram = hdr.Histogram;

/**
 * Latencies in microseconds, 1 µs to 1 h, 2 significant digits (every value
 * within 1 %). "storage" histograms (one per phase-second, kept for the whole
 * run) are sparse: ~2 KB each. "recording" histograms (live in load workers)
 * are dense 32-bit arrays: ~14 KB, and several times faster to record into,
 * encode and merge. Both merge exactly with each other.
 */
export function createLatencyHistogram(purpose: 'storage' | 'recording' = 'storage'): LatencyHistogram {
  return hdr.build({
    bitBucketSize: purpose === 'storage' ? 'packed' : 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
  });
}

/** The parts of hdr-histogram-js's JsHistogram (3.0.x) that adding by index needs; not in its public typings. */
interface CountsByIndex {
  bucketCount: number;
  subBucketCount: number;
  unitMagnitude: number;
  totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, count: number): void;
  setTotalCount(count: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

/**
 * `target.add(source)`, as hdr-histogram-js does it, over the source's recorded range only: its add() reads every
 * one of the ~3,200 counts, each a tree walk in a packed histogram — 2 ms per per-second histogram, so merging a
 * six-hour phase took tens of seconds and stalled the main thread at every checkpoint. Latencies of one second
 * span a few hundred counts at most. Histograms of another layout go through add().
 */
export function addLatencyHistogram(target: LatencyHistogram, source: LatencyHistogram): void {
  const into = target as unknown as CountsByIndex;
  const from = source as unknown as CountsByIndex;
  if (from.totalCount === 0) return;
  if (
    into.bucketCount !== from.bucketCount ||
    into.subBucketCount !== from.subBucketCount ||
    into.unitMagnitude !== from.unitMagnitude ||
    typeof from.getCountAtIndex !== 'function'
  ) {
    target.add(source);
    return;
  }
  const last = from.countsArrayIndex(from.maxValue);
  let added = 0;
  for (let index = from.countsArrayIndex(from.minNonZeroValue); index <= last; index++) {
    const count = from.getCountAtIndex(index);
    if (count > 0) {
      into.addToCountAtIndex(index, count);
      added += count;
    }
  }
  into.setTotalCount(into.totalCount + added);
  into.updatedMaxValue(Math.max(into.maxValue, from.maxValue));
  into.updateMinNonZeroValue(Math.min(into.minNonZeroValue, from.minNonZeroValue));
}

/** Histograms merged into a new dense one (quick to read percentiles from; not kept: ~14 KB). */
export function mergedLatencyHistogram(parts: Iterable<LatencyHistogram>): LatencyHistogram {
  const merged = createLatencyHistogram('recording');
  for (const part of parts) addLatencyHistogram(merged, part);
  return merged;
}

export function encodeLatencyHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeLatencyHistogram(encoded: string): LatencyHistogram {
  return hdr.decodeFromCompressedBase64(encoded, 32);
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
    // The top of the highest bucket: the same whether the histogram was recorded here or decoded from a worker.
    max: ms(histogram.getValueAtPercentile(100)),
    min: ms(histogram.minNonZeroValue),
    avg: ms(histogram.mean),
  };
}

export function percentileMs(histogram: LatencyHistogram, percentile: number): number {
  return round3(histogram.getValueAtPercentile(percentile) / 1_000);
}
