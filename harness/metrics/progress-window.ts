import { percentileMs } from './latency-histogram.ts';
import { totalErrors } from './error-kind.ts';
import type { PhaseRecorder } from './phase-recorder.ts';

export interface LastSecond {
  /** Requests sent that were due in that second (open model), else requests completed in it. */
  sent: number;
  p95Ms: number | null;
  sendLagP99Ms: number | null;
  unsent: number;
}

/** What the last whole second of a phase looked like, for live progress. */
export function lastSecondOf(recorder: PhaseRecorder, phase: string, second: number): LastSecond {
  const bucket = recorder.seconds(phase).find((b) => b.second === second);
  if (!bucket) return { sent: 0, p95Ms: null, sendLagP99Ms: null, unsent: 0 };
  const scheduled = bucket.sendLag.totalCount > 0;
  return {
    // Completions lag sends when responses are slow; sends are what the generator did.
    sent: scheduled ? bucket.sendLag.totalCount : bucket.requests,
    p95Ms: bucket.latency.totalCount > 0 ? percentileMs(bucket.latency, 95) : null,
    sendLagP99Ms: scheduled ? percentileMs(bucket.sendLag, 99) : null,
    unsent: bucket.unsent,
  };
}

export function phaseTotals(recorder: PhaseRecorder, phase: string): { requests: number; errors: number } {
  let requests = 0;
  let errors = 0;
  for (const bucket of recorder.seconds(phase)) {
    requests += bucket.requests;
    errors += totalErrors(bucket.errors);
  }
  return { requests, errors };
}
