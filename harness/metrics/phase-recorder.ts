import { emptyErrorCounts, ERROR_KINDS, type ErrorCounts, type ErrorKind } from './error-kind.ts';
import { createLatencyHistogram, recordLatencyMs, type LatencyHistogram } from './latency-histogram.ts';

/** One second of one phase: memory grows with run time, never with request count. */
export interface SecondBucket {
  phase: string;
  /** Whole seconds since the run started. */
  second: number;
  requests: number;
  /** Open model: arrivals not sent because the in-flight cap was full. */
  dropped: number;
  errors: ErrorCounts;
  latency: LatencyHistogram;
}

export class PhaseRecorder {
  private readonly byPhase = new Map<string, Map<number, SecondBucket>>();

  constructor(readonly runStartMs: number) {}

  private bucket(phase: string, atMs: number): SecondBucket {
    return this.bucketOfSecond(phase, Math.max(0, Math.floor((atMs - this.runStartMs) / 1_000)));
  }

  private bucketOfSecond(phase: string, second: number): SecondBucket {
    let seconds = this.byPhase.get(phase);
    if (!seconds) this.byPhase.set(phase, (seconds = new Map()));
    let bucket = seconds.get(second);
    if (!bucket) {
      bucket = { phase, second, requests: 0, dropped: 0, errors: emptyErrorCounts(), latency: createLatencyHistogram() };
      seconds.set(second, bucket);
    }
    return bucket;
  }

  /** A response arrived (any status); `errorKind` is set for status >= 400. */
  recordResponse(phase: string, atMs: number, latencyMs: number, errorKind?: ErrorKind): void {
    const bucket = this.bucket(phase, atMs);
    bucket.requests += 1;
    recordLatencyMs(bucket.latency, latencyMs);
    if (errorKind) bucket.errors[errorKind] += 1;
  }

  /** A request ended without a response (timeout, refused, reset). */
  recordFailure(phase: string, atMs: number, errorKind: ErrorKind): void {
    const bucket = this.bucket(phase, atMs);
    bucket.requests += 1;
    bucket.errors[errorKind] += 1;
  }

  /** Adds a bucket recorded elsewhere (a load worker): histograms add exactly. */
  merge(phase: string, second: number, part: { requests: number; dropped: number; errors: ErrorCounts; latency: LatencyHistogram }): void {
    const bucket = this.bucketOfSecond(phase, second);
    bucket.requests += part.requests;
    bucket.dropped += part.dropped;
    for (const kind of ERROR_KINDS) bucket.errors[kind] += part.errors[kind];
    bucket.latency.add(part.latency);
  }

  seconds(phase: string): SecondBucket[] {
    return [...(this.byPhase.get(phase)?.values() ?? [])].sort((a, b) => a.second - b.second);
  }

  allSeconds(): SecondBucket[] {
    return [...this.byPhase.values()].flatMap((m) => [...m.values()]).sort((a, b) => a.second - b.second);
  }
}
