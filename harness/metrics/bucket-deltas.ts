import { ERROR_KINDS, emptyErrorCounts } from './error-kind.ts';
import { addLatencyHistogram, createLatencyHistogram, type LatencyHistogram } from './latency-histogram.ts';
import type { SecondBucket } from './second-buckets.ts';

interface Sent {
  second: number;
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
  addLatencyHistogram(snapshot, histogram);
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
 *
 * Bounded: what was handed over is remembered only while it can still grow —
 * `settleSeconds` (the load's timeout, and the hand-over) behind the last
 * second handed over; older seconds are settled, skipped and forgotten. (It
 * kept a copy of every second's histograms for the whole run: half of
 * ordeal's memory growth over a long run.)
 */
export class BucketDeltas {
  private readonly sent = new Map<string, Sent>();
  /** Seconds at or before this can no longer change: handed over for good. */
  private settledThrough = Number.NEGATIVE_INFINITY;

  constructor(private readonly settleSeconds: number) {}

  /** The first second that can still change: what `take` needs to be given (the seconds before are settled). */
  get firstOpenSecond(): number {
    return this.settledThrough + 1;
  }

  /** How many seconds' copies it holds now (at most settleSeconds + 1 per phase). */
  get remembered(): number {
    return this.sent.size;
  }

  take(buckets: readonly SecondBucket[], lastSecond: number): SecondBucket[] {
    const deltas: SecondBucket[] = [];
    for (const bucket of buckets) {
      if (bucket.second > lastSecond || bucket.second <= this.settledThrough) continue;
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
        second: bucket.second,
        requests: bucket.requests,
        iterations: bucket.iterations,
        dropped: bucket.dropped,
        unsent: bucket.unsent,
        errors: { ...bucket.errors },
        latency: copy(bucket.latency),
        sendLag: copy(bucket.sendLag),
      });
    }
    if (Number.isFinite(lastSecond)) this.settle(lastSecond - this.settleSeconds);
    return deltas;
  }

  private settle(throughSecond: number): void {
    if (throughSecond <= this.settledThrough) return;
    this.settledThrough = throughSecond;
    for (const [key, sent] of this.sent) if (sent.second <= throughSecond) this.sent.delete(key);
  }
}
