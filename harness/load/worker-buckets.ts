import { encodeLatencyHistogram } from '../metrics/latency-histogram.ts';
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

  flush(): EncodedBucket[] {
    return this.drain().map((b) => ({ ...b, latency: encodeLatencyHistogram(b.latency) }));
  }
}
