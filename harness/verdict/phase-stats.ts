import { emptyErrorCounts, ERROR_KINDS, totalErrors, type ErrorCounts } from '../metrics/error-kind.ts';
import {
  addLatencyHistogram,
  createLatencyHistogram,
  summarizeLatencyMs,
  type LatencyHistogram,
  type LatencySummaryMs,
} from '../metrics/latency-histogram.ts';
import type { SecondBucket } from '../metrics/phase-recorder.ts';
import type { PhaseWindow } from '../checks/resilience-context.ts';
import { meanTargetRate, type PlannedPhase } from '../scenario/timeline.ts';

export interface PhaseStats {
  name: string;
  /** False when the run ended (abort, error) before this phase began. */
  ran: boolean;
  startMs: number;
  endMs: number;
  requests: number;
  /** Flow iterations (arrivals, or virtual users' turns); each request is one when there are no flows. */
  iterations: number;
  /** Open model: arrivals that were due but not sent (in-flight cap full), like k6's dropped_iterations. */
  dropped: number;
  /** Open model: arrivals the generator had not reached when the phase ended (it fell behind). */
  unsent: number;
  /** Open model: how late requests went out after their intended time; null when nothing was sent on a schedule. */
  sendLagMs: LatencySummaryMs | null;
  errors: number;
  errorRate: number | null;
  errorsByKind: ErrorCounts;
  /** Null in the closed model, which has no target rate. */
  targetRate: number | null;
  achievedRate: number | null;
  /** Iterations per second: what the target rate (arrivals) is compared with. */
  achievedIterationRate: number | null;
  /** The time the achieved rate is over (ms). */
  loadElapsedMs: number;
  latencyMs: LatencySummaryMs | null;
  latency: LatencyHistogram;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Merges a phase's per-second buckets (exactly: HDR histograms add) into its summary. */
export function computePhaseStats(
  phase: PlannedPhase,
  window: PhaseWindow | undefined,
  buckets: readonly SecondBucket[],
): PhaseStats {
  const latency = createLatencyHistogram('recording');
  const errorsByKind = emptyErrorCounts();
  let requests = 0;
  let iterations = 0;
  const sendLag = createLatencyHistogram('recording');
  let dropped = 0;
  let unsent = 0;
  for (const bucket of buckets) {
    requests += bucket.requests;
    iterations += bucket.iterations;
    dropped += bucket.dropped;
    unsent += bucket.unsent;
    addLatencyHistogram(latency, bucket.latency);
    addLatencyHistogram(sendLag, bucket.sendLag);
    for (const kind of ERROR_KINDS) errorsByKind[kind] += bucket.errors[kind];
  }
  const errors = totalErrors(errorsByKind);
  // Sends over the time they really took (a generator that fell behind took longer); without that, the
  // planned length, or what ran of it if the phase was cut short.
  const elapsedMs = window?.load
    ? window.load.endMs - window.load.startMs
    : window
      ? Math.min(window.endMs - window.startMs, phase.durationMs)
      : 0;
  const elapsedSec = Math.max(0.001, elapsedMs / 1_000);
  // Drivers without flows (autocannon, k6) count no iterations: each request is one.
  const arrivals = iterations > 0 ? iterations : requests;
  return {
    name: phase.name,
    ran: window !== undefined,
    startMs: window?.startMs ?? 0,
    endMs: window?.endMs ?? 0,
    requests,
    iterations: arrivals,
    dropped,
    unsent,
    sendLagMs: summarizeLatencyMs(sendLag) ?? null,
    errors,
    errorRate: requests > 0 ? round(errors / requests, 6) : null,
    errorsByKind,
    targetRate: phase.vus === undefined ? round(meanTargetRate(phase), 3) : null,
    achievedRate: window ? round(requests / elapsedSec, 3) : null,
    achievedIterationRate: window ? round(arrivals / elapsedSec, 3) : null,
    loadElapsedMs: elapsedMs,
    latencyMs: summarizeLatencyMs(latency) ?? null,
    latency,
  };
}
