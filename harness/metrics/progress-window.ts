import { percentileMs } from './latency-histogram.ts';
import { totalErrors } from './error-kind.ts';
import type { PhaseRecorder } from './phase-recorder.ts';

/** What the last whole second of a phase looked like, for live progress. */
export function lastSecondOf(recorder: PhaseRecorder, phase: string, second: number): { requests: number; p95Ms: number | null } {
  const bucket = recorder.seconds(phase).find((b) => b.second === second);
  if (!bucket) return { requests: 0, p95Ms: null };
  return { requests: bucket.requests, p95Ms: bucket.latency.totalCount > 0 ? percentileMs(bucket.latency, 95) : null };
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
