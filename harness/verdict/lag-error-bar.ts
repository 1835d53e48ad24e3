import type { LatencySummaryMs } from '../metrics/latency-histogram.ts';
import { compare, type Aggregation, type ThresholdOperator } from '../scenario/threshold.ts';

/**
 * The generator's own lateness as an error bar on a latency it measured.
 *
 * Latency runs from each request's intended send time to when ordeal read the
 * answer, so a busy generator adds its own delay twice: it sends late (its
 * timer woke late — the send lag, measured per request) and it reads the
 * answer late (its event loop was busy when the answer arrived — the same
 * scheduling delay, which cannot be measured per request, so it is bounded by
 * the send lag's distribution too). The observed value overstates the service
 * by at most twice the lag, so the service's own value lies in
 * [observed − 2 × lag, observed], and a threshold is judged on both ends:
 *
 *   both ends meet it   → PASS  (no lag could have flipped it)
 *   neither end does    → FAIL  (the service breaks it even without the lag)
 *   one end only        → INCONCLUSIVE, with the numbers
 *
 * The lag taken is its 99th percentile for percentiles up to 99 and averages
 * (what all but 1 % of requests were delayed by), and its maximum for `max`
 * and percentiles above 99. Not the lag at the percentile checked: the two
 * delays (send, read) add, and the read side was seen to run later than the
 * send side at the same percentile — a p(95) judged with twice the lag's p95
 * FAILED a 20 ms service on a busy host here (an artefact of the judge); with
 * its p99, never. Seen on a 2-core machine with two busy loops beside ordeal:
 * p95 29 ms for a 20 ms service with a send lag p99 of 5 ms. Pure.
 */
export type BarOutcome = 'pass' | 'fail' | 'within-lag';

export function lagErrorBarMs(
  sendLagMs: Pick<LatencySummaryMs, 'p99' | 'max'> | null,
  aggregation: Aggregation,
): number {
  if (!sendLagMs) return 0;
  const atTheTail = aggregation.kind === 'max' || (aggregation.kind === 'percentile' && aggregation.percentile > 99);
  // Late on both sides: when it sent, and when it read the answer.
  return 2 * Math.max(0, atTheTail ? sendLagMs.max : sendLagMs.p99);
}

/** Judges `observed` (which may overstate the truth by up to `barMs`) against a threshold. */
export function judgeWithinBar(
  observed: number,
  barMs: number,
  operator: ThresholdOperator,
  expected: number,
): BarOutcome {
  const high = compare(observed, operator, expected);
  const low = compare(Math.max(0, observed - barMs), operator, expected);
  if (high && low) return 'pass';
  if (!high && !low) return 'fail';
  return 'within-lag';
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** Why a latency within the bar cannot be judged, in numbers a person checks. */
export function withinLagReason(observed: number, barMs: number, threshold: string): string {
  return `observed ${ms(observed)} ms is within the generator's own lateness (${ms(barMs)} ms: twice its send lag, for sending and for reading the answer) of ${threshold}: the service's own value lies between ${ms(Math.max(0, observed - barMs))} and ${ms(observed)} ms (the machine running ordeal was busy: give it a core of its own, or fewer workers)`;
}
