import { ERROR_KINDS, emptyErrorCounts } from './error-kind.ts';
import { createLatencyHistogram, type LatencyHistogram } from './latency-histogram.ts';
import type { SecondBucket } from './second-buckets.ts';

interface Sent {
  requests: number;
  iterations: number;
  dropped: number;
  unsent: number;
  errors: SecondBucket['errors'];
  latency: LatencyHistogram;
  sendLag: LatencyHistogram;
}

function copy(histogram: LatencyHistogram): LatencyHistogram {
  const snapshot = createLatencyHistogram('storage');
  snapshot.add(histogram);
  return snapshot;
}

function minus(now: LatencyHistogram, before: LatencyHistogram | undefined): LatencyHistogram {
  const delta = copy(now);
  if (before) delta.subtract(before);
  return delta;
}

/**
 * What changed in the recorder's buckets since it was last asked: a bucket
 * can still grow after it was handed over (a slow response recorded at its
 * intended send time, a late worker flush), so consumers that add up (live
 * counters) get deltas, and the totals they reach equal the report's exactly.
 */
export class BucketDeltas {
  private readonly sent = new Map<string, Sent>();

  take(buckets: readonly SecondBucket[], lastSecond: number): SecondBucket[] {
    const deltas: SecondBucket[] = [];
    for (const bucket of buckets) {
      if (bucket.second > lastSecond) continue;
      const key = `${bucket.phase}\u0000${bucket.second}`;
      const before = this.sent.get(key);
      const errorsChanged = ERROR_KINDS.some((kind) => bucket.errors[kind] !== (before?.errors[kind] ?? 0));
      const unchanged =
        before &&
        before.requests === bucket.requests &&
        before.iterations === bucket.iterations &&
        before.dropped === bucket.dropped &&
        before.unsent === bucket.unsent &&
        !errorsChanged &&
        before.latency.totalCount === bucket.latency.totalCount &&
        before.sendLag.totalCount === bucket.sendLag.totalCount;
      if (unchanged) continue;
      const errors = emptyErrorCounts();
      for (const kind of ERROR_KINDS) errors[kind] = bucket.errors[kind] - (before?.errors[kind] ?? 0);
      deltas.push({
        phase: bucket.phase,
        second: bucket.second,
        requests: bucket.requests - (before?.requests ?? 0),
        iterations: bucket.iterations - (before?.iterations ?? 0),
        dropped: bucket.dropped - (before?.dropped ?? 0),
        unsent: bucket.unsent - (before?.unsent ?? 0),
        errors,
        latency: minus(bucket.latency, before?.latency),
        sendLag: minus(bucket.sendLag, before?.sendLag),
      });
      this.sent.set(key, {
        requests: bucket.requests,
        iterations: bucket.iterations,
        dropped: bucket.dropped,
        unsent: bucket.unsent,
        errors: { ...bucket.errors },
        latency: copy(bucket.latency),
        sendLag: copy(bucket.sendLag),
      });
    }
    return deltas;
  }
}
