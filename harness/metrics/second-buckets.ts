import { emptyErrorCounts, ERROR_KINDS, type ErrorCounts, type ErrorKind } from './error-kind.ts';
import {
  addLatencyHistogram,
  createLatencyHistogram,
  recordLatencyMs,
  type LatencyHistogram,
} from './latency-histogram.ts';

/** One second of one phase: memory grows with run time, never with request count. */
export interface SecondBucket {
  phase: string;
  /** Whole seconds since the run started. */
  second: number;
  requests: number;
  /**
   * Flow iterations that ended (an arrival's, or a virtual user's turn): with
   * multi-step flows fewer than requests. Drivers without flows leave it 0,
   * and each request counts as one.
   */
  iterations: number;
  /** Open model: arrivals not sent because the in-flight cap was full (the service was too slow to keep up). */
  dropped: number;
  /** Open model: arrivals the generator could not send before the phase ended (the generator fell behind). */
  unsent: number;
  errors: ErrorCounts;
  latency: LatencyHistogram;
  /** Open model: how late each request was sent after its intended time (µs, like latency). */
  sendLag: LatencyHistogram;
}

/**
 * Outcomes recorded into per-second, per-phase buckets. The main thread keeps
 * them for the whole run (PhaseRecorder); load workers keep them until they
 * hand them over (WorkerBuckets).
 */
export class SecondBuckets {
  protected buckets = new Map<string, SecondBucket>();
  /** The same buckets by second (every phase's, two at a phase edge): a window is read without a pass over the run. */
  protected bySecond = new Map<number, SecondBucket[]>();
  /** The latest second any bucket is for. */
  protected maxSecond = -1;
  /** The bucket used last: nearly every outcome lands in the same one as the previous (hot path). */
  private last?: SecondBucket;

  constructor(
    /** Epoch ms that second 0 starts at. */
    public runStartMs: number,
    private readonly purpose: 'storage' | 'recording',
  ) {}

  protected bucketOfSecond(phase: string, second: number): SecondBucket {
    const last = this.last;
    if (last && last.second === second && last.phase === phase) return last;
    const key = `${phase}\u0000${second}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        phase,
        second,
        requests: 0,
        iterations: 0,
        dropped: 0,
        unsent: 0,
        errors: emptyErrorCounts(),
        latency: createLatencyHistogram(this.purpose),
        sendLag: createLatencyHistogram(this.purpose),
      };
      this.buckets.set(key, bucket);
      const ofSecond = this.bySecond.get(second);
      if (ofSecond) ofSecond.push(bucket);
      else this.bySecond.set(second, [bucket]);
      if (second > this.maxSecond) this.maxSecond = second;
    }
    this.last = bucket;
    return bucket;
  }

  private bucketAt(phase: string, atMs: number): SecondBucket {
    return this.bucketOfSecond(phase, Math.max(0, Math.floor((atMs - this.runStartMs) / 1_000)));
  }

  /** A response arrived (any status); `errorKind` is set for status >= 400. */
  recordResponse(phase: string, atMs: number, latencyMs: number, errorKind?: ErrorKind): void {
    const bucket = this.bucketAt(phase, atMs);
    bucket.requests += 1;
    recordLatencyMs(bucket.latency, latencyMs);
    if (errorKind) bucket.errors[errorKind] += 1;
  }

  /** A request ended without a response (timeout, refused, reset). */
  recordFailure(phase: string, atMs: number, errorKind: ErrorKind): void {
    const bucket = this.bucketAt(phase, atMs);
    bucket.requests += 1;
    bucket.errors[errorKind] += 1;
  }

  /** A flow iteration that began at `atMs` (an arrival's intended time) has ended. */
  recordIteration(phase: string, atMs: number): void {
    this.bucketAt(phase, atMs).iterations += 1;
  }

  /** An open-model arrival was due but not sent: the in-flight cap was full. */
  recordDropped(phase: string, atMs: number): void {
    this.bucketAt(phase, atMs).dropped += 1;
  }

  /** An open-model arrival the generator did not get to before the phase ended. */
  recordUnsent(phase: string, atMs: number): void {
    this.bucketAt(phase, atMs).unsent += 1;
  }

  /** An open-model request due at `intendedMs` went out `lagMs` later. */
  recordSendLag(phase: string, intendedMs: number, lagMs: number): void {
    recordLatencyMs(this.bucketAt(phase, intendedMs).sendLag, lagMs);
  }

  /** Adds a bucket recorded elsewhere (a load worker): histograms add exactly. */
  merge(phase: string, second: number, part: Omit<SecondBucket, 'phase' | 'second'>): void {
    const bucket = this.bucketOfSecond(phase, second);
    bucket.requests += part.requests;
    bucket.iterations += part.iterations ?? 0;
    bucket.dropped += part.dropped;
    bucket.unsent += part.unsent;
    for (const kind of ERROR_KINDS) bucket.errors[kind] += part.errors[kind];
    addLatencyHistogram(bucket.latency, part.latency);
    addLatencyHistogram(bucket.sendLag, part.sendLag);
  }

  /** Empties the buckets and returns what they held. */
  protected drain(): SecondBucket[] {
    const all = [...this.buckets.values()];
    this.buckets = new Map();
    this.bySecond = new Map();
    this.maxSecond = -1;
    this.last = undefined;
    return all;
  }
}
