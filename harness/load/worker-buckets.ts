import { emptyErrorCounts, type ErrorCounts, type ErrorKind } from '../metrics/error-kind.ts';
import { createLatencyHistogram, encodeLatencyHistogram, recordLatencyMs, type LatencyHistogram } from '../metrics/latency-histogram.ts';
import type { EncodedBucket } from './worker-protocol.ts';

interface LocalBucket {
  phase: string;
  second: number;
  requests: number;
  dropped: number;
  errors: ErrorCounts;
  latency: LatencyHistogram;
}

/**
 * Per-second buckets inside a load worker. `flush()` hands over what was
 * recorded since the last flush (deltas), so the main thread adds them exactly.
 */
export class WorkerBuckets {
  private buckets = new Map<string, LocalBucket>();
  /** The bucket used last: nearly every response lands in the same one as the previous (hot path). */
  private last?: LocalBucket;
  runStartEpochMs = 0;

  private bucket(phase: string, atEpochMs: number): LocalBucket {
    const second = Math.max(0, Math.floor((atEpochMs - this.runStartEpochMs) / 1_000));
    const last = this.last;
    if (last && last.second === second && last.phase === phase) return last;
    const key = `${phase}\u0000${second}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { phase, second, requests: 0, dropped: 0, errors: emptyErrorCounts(), latency: createLatencyHistogram('recording') };
      this.buckets.set(key, bucket);
    }
    this.last = bucket;
    return bucket;
  }

  response(phase: string, atEpochMs: number, latencyMs: number, errorKind?: ErrorKind): void {
    const bucket = this.bucket(phase, atEpochMs);
    bucket.requests += 1;
    recordLatencyMs(bucket.latency, latencyMs);
    if (errorKind) bucket.errors[errorKind] += 1;
  }

  failure(phase: string, atEpochMs: number, errorKind: ErrorKind): void {
    const bucket = this.bucket(phase, atEpochMs);
    bucket.requests += 1;
    bucket.errors[errorKind] += 1;
  }

  dropped(phase: string, atEpochMs: number): void {
    this.bucket(phase, atEpochMs).dropped += 1;
  }

  flush(): EncodedBucket[] {
    const out = [...this.buckets.values()].map((b) => ({
      phase: b.phase,
      second: b.second,
      requests: b.requests,
      dropped: b.dropped,
      errors: b.errors,
      latency: encodeLatencyHistogram(b.latency),
    }));
    this.buckets = new Map();
    this.last = undefined;
    return out;
  }
}
