import type { MetricValueWithName, Registry } from 'prom-client';
import type { LatencyHistogram } from '../metrics/latency-histogram.ts';

/** Prometheus' default latency buckets, in seconds. */
export const LATENCY_BUCKETS_SEC = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How many recorded values are ≤ `valueMicros`: a binary search over percentiles (hdr-histogram-js has no rank query). */
function countAtOrBelow(histogram: LatencyHistogram, valueMicros: number): number {
  const total = histogram.totalCount;
  if (total === 0) return 0;
  if (histogram.getValueAtPercentile(100) <= valueMicros) return total;
  let low = 0;
  let high = total;
  // Find the largest k with value(k-th smallest) <= valueMicros.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (histogram.getValueAtPercentile((mid / total) * 100) <= valueMicros) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * A Prometheus histogram fed from ordeal's HDR histograms (one per
 * phase-second, recorded in the load workers) rather than from single
 * observations, which the main thread never sees: prom-client's Histogram
 * only takes one value at a time, so this is a small custom metric that
 * prom-client's registry exposes like its own.
 */
export class HdrHistogramMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, { buckets: number[]; count: number; sum: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
    private readonly boundsSec: readonly number[] = LATENCY_BUCKETS_SEC,
  ) {
    registry.registerMetric(this as never);
  }

  /** Adds every value of `histogram` (µs) to the series of `phase`. */
  add(phase: string, histogram: LatencyHistogram): void {
    if (histogram.totalCount === 0) return;
    const entry = this.series.get(phase) ?? { buckets: this.boundsSec.map(() => 0), count: 0, sum: 0 };
    this.boundsSec.forEach((bound, i) => (entry.buckets[i]! += countAtOrBelow(histogram, bound * 1_000_000)));
    entry.count += histogram.totalCount;
    entry.sum += (histogram.mean * histogram.totalCount) / 1_000_000;
    this.series.set(phase, entry);
  }

  /** What prom-client's registry asks every metric for. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValueWithName<string>[] } {
    const values: MetricValueWithName<string>[] = [];
    for (const [phase, entry] of this.series) {
      this.boundsSec.forEach((bound, i) =>
        values.push({ metricName: `${this.name}_bucket`, labels: { phase, le: bound }, value: entry.buckets[i]! }),
      );
      values.push({ metricName: `${this.name}_bucket`, labels: { phase, le: '+Inf' }, value: entry.count });
      values.push({ metricName: `${this.name}_sum`, labels: { phase }, value: entry.sum });
      values.push({ metricName: `${this.name}_count`, labels: { phase }, value: entry.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
