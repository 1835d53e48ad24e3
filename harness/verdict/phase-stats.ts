import { emptyErrorCounts, ERROR_KINDS, totalErrors, type ErrorCounts } from '../metrics/error-kind.ts';
import { createLatencyHistogram, summarizeLatencyMs, type LatencyHistogram, type LatencySummaryMs } from '../metrics/latency-histogram.ts';
import type { SecondBucket } from '../metrics/phase-recorder.ts';
import { meanTargetRate, type PlannedPhase } from '../scenario/timeline.ts';

export interface PhaseWindow {
  startMs: number;
  endMs: number;
}

export interface PhaseStats {
  name: string;
  /** False when the run ended (abort, error) before this phase began. */
  ran: boolean;
  startMs: number;
  endMs: number;
  requests: number;
  /** Open model: arrivals that were due but not sent (in-flight cap full), like k6's dropped_iterations. */
  dropped: number;
  errors: number;
  errorRate: number | null;
  errorsByKind: ErrorCounts;
  /** Null in the closed model, which has no target rate. */
  targetRate: number | null;
  achievedRate: number | null;
  latencyMs: LatencySummaryMs | null;
  latency: LatencyHistogram;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Merges a phase's per-second buckets (exactly: HDR histograms add) into its summary. */
export function computePhaseStats(phase: PlannedPhase, window: PhaseWindow | undefined, buckets: readonly SecondBucket[]): PhaseStats {
  const latency = createLatencyHistogram();
  const errorsByKind = emptyErrorCounts();
  let requests = 0;
  let dropped = 0;
  for (const bucket of buckets) {
    requests += bucket.requests;
    dropped += bucket.dropped;
    latency.add(bucket.latency);
    for (const kind of ERROR_KINDS) errorsByKind[kind] += bucket.errors[kind];
  }
  const errors = totalErrors(errorsByKind);
  // A phase that ran to its end is judged over its planned length; one cut short, over what it ran.
  const elapsedSec = window ? Math.max(0.001, Math.min(window.endMs - window.startMs, phase.durationMs) / 1_000) : 0;
  return {
    name: phase.name,
    ran: window !== undefined,
    startMs: window?.startMs ?? 0,
    endMs: window?.endMs ?? 0,
    requests,
    dropped,
    errors,
    errorRate: requests > 0 ? round(errors / requests, 6) : null,
    errorsByKind,
    targetRate: phase.vus === undefined ? round(meanTargetRate(phase), 3) : null,
    achievedRate: window ? round(requests / elapsedSec, 3) : null,
    latencyMs: summarizeLatencyMs(latency) ?? null,
    latency,
  };
}
