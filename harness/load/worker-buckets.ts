import {
  addLatencyHistogram,
  createLatencyHistogram,
  encodeLatencyHistogram,
  percentileMs,
} from '../metrics/latency-histogram.ts';
import { SecondBuckets } from '../metrics/second-buckets.ts';
import type { EncodedBucket } from './worker-protocol.ts';

/**
 * Per-second buckets inside a load worker (dense histograms, fast to record
 * into). `flush()` hands over what was recorded since the last flush (deltas),
 * so the main thread adds them exactly.
 */
export class WorkerBuckets extends SecondBuckets {
  constructor() {
    super(0, 'recording');
  }

  /** Median latency of everything recorded and not yet flushed. */
  medianLatencyMs(): number | undefined {
    const merged = createLatencyHistogram('recording');
    for (const bucket of this.buckets.values()) addLatencyHistogram(merged, bucket.latency);
    return merged.totalCount > 0 ? percentileMs(merged, 50) : undefined;
  }

  /** Requests recorded and not yet flushed (a warm-up's count). */
  requestCount(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) count += bucket.requests;
    return count;
  }

  flush(): EncodedBucket[] {
    return this.drain().map((b) => ({
      ...b,
      latency: encodeLatencyHistogram(b.latency),
      sendLag: encodeLatencyHistogram(b.sendLag),
    }));
  }
}
