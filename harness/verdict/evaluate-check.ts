import { totalErrors } from '../metrics/error-kind.ts';
import { percentileMs, summarizeLatencyMs } from '../metrics/latency-histogram.ts';
import type { StepRecord } from '../metrics/step-stats.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { SloMetric } from '../scenario/scenario-schema.ts';
import { aggregationName, compare, type Threshold } from '../scenario/threshold.ts';
import type { PlannedCheck } from '../scenario/timeline.ts';
import { generatorShortfall, loadNotOffered } from './generator-shortfall.ts';
import { judgeWithinBar, lagErrorBarMs, withinLagReason, type BarOutcome } from './lag-error-bar.ts';
import type { PhaseStats } from './phase-stats.ts';

type Observation = { value: number } | { missing: string };

function observe(metric: SloMetric, threshold: Threshold, stats: PhaseStats): Observation {
  if (!stats.ran) return { missing: 'the phase did not run' };
  const { aggregation } = threshold;
  if (metric === 'http_reqs') {
    if (aggregation.kind === 'count') return { value: stats.requests };
    if (aggregation.kind === 'rate') return { value: stats.achievedRate ?? 0 };
    return stats.targetRate
      ? { value: (stats.achievedIterationRate ?? 0) / stats.targetRate }
      : { missing: 'the phase has no target rate' };
  }
  if (stats.requests === 0) return { missing: 'no request completed in this phase' };
  if (metric === 'http_req_failed') return { value: stats.errorRate ?? 0 };
  const latency = stats.latencyMs;
  if (!latency) return { missing: 'no response arrived in this phase, so there is no latency to judge' };
  switch (aggregation.kind) {
    case 'percentile':
      return { value: percentileMs(stats.latency, aggregation.percentile) };
    case 'avg':
      return { value: latency.avg };
    case 'min':
      return { value: latency.min };
    case 'max':
      return { value: latency.max };
    case 'med':
      return { value: latency.p50 };
    default:
      return { missing: `${aggregationName(aggregation)} does not apply to ${metric}` };
  }
}

/** A step's (or flow's) own figures in its phase, as phase figures: its requests, errors and latency; no target rate. */
function stepView(stats: PhaseStats, step: StepRecord): PhaseStats {
  const errors = totalErrors(step.errors);
  return {
    ...stats,
    requests: step.requests,
    iterations: step.requests,
    errors,
    errorRate: step.requests > 0 ? errors / step.requests : null,
    errorsByKind: step.errors,
    targetRate: null,
    achievedRate: stats.ran ? step.requests / Math.max(0.001, stats.loadElapsedMs / 1_000) : null,
    achievedIterationRate: null,
    latency: step.latency,
    latencyMs: summarizeLatencyMs(step.latency) ?? null,
  };
}

/** Below this share of its target rate, a phase's latency cannot vouch for the service. */
export const MIN_ACHIEVED_SHARE = 0.95;

/** Why the latency of this phase cannot be trusted to PASS, if it cannot: the service shed load (in-flight cap full). */
function rateShortfall(stats: PhaseStats): string | undefined {
  if (!stats.targetRate || stats.achievedIterationRate === null) return undefined;
  if (stats.achievedIterationRate >= stats.targetRate * MIN_ACHIEVED_SHARE) return undefined;
  return `achieved ${stats.achievedIterationRate.toFixed(1)} of ${stats.targetRate.toFixed(1)} req/s (${stats.dropped} dropped): below ${MIN_ACHIEVED_SHARE * 100}% of the target, the latency measured cannot vouch for the service`;
}

/** Why nothing but a plain failure can stand where the generator did not offer the load asked for (more than 1 % unsent). */
function notOfferedReason(stats: PhaseStats, maxSendLagMs: number): string {
  return generatorShortfall(stats, maxSendLagMs) ?? 'the generator did not offer the load asked for';
}

/** An error-rate threshold that fails even when every timeout is set aside (a saturated generator reads responses late). */
function failsWithoutTimeouts(stats: PhaseStats, threshold: Threshold): boolean {
  if (stats.requests === 0) return false;
  return !compare((stats.errors - stats.errorsByKind.timeout) / stats.requests, threshold.operator, threshold.value);
}

/**
 * Judges one threshold on one phase. Missing evidence is INCONCLUSIVE, never a
 * pass. The generator's own send lag is an error bar on latency, not a veto
 * (lag-error-bar.ts): a latency is inconclusive only when the lag could flip
 * it. Error and request rates are judged (timeouts run from the actual send,
 * so send lag causes none). Where the generator did not offer the load asked
 * for (more than 1 % of arrivals unsent: it was saturated, and read responses
 * late too), only an error rate that fails without its timeouts is judged (a
 * FAIL); everything else there is INCONCLUSIVE. Where the service shed load
 * (achieved below 95 % of the target through the in-flight cap), a passing
 * latency cannot vouch for it (INCONCLUSIVE); a failing one stays a FAIL.
 */
export function evaluateCheck(
  check: PlannedCheck,
  stats: PhaseStats,
  maxSendLagMs = 10,
  step?: StepRecord,
): CheckResult {
  const { metric, threshold } = check;
  const grace = check.afterMs ? ` from +${check.afterMs / 1_000}s` : '';
  const subject = check.step === undefined ? metric : `${metric}{name:${check.step}}`;
  const shown = threshold.source.replace(/\s+/g, '');
  const base = { name: `${subject} ${shown}${grace}`, phase: check.phase, metric, expected: `${shown}${grace}` };
  const view = step ? stepView(stats, step) : stats;
  const observation = observe(metric, threshold, view);
  if ('missing' in observation) {
    return { ...base, status: 'inconclusive', passed: false, observed: null, reason: observation.missing };
  }
  const observed = Math.round(observation.value * 1_000_000) / 1_000_000;
  const inconclusive = (reason: string): CheckResult => ({
    ...base,
    status: 'inconclusive',
    passed: false,
    observed,
    reason,
  });
  const failed: CheckResult = { ...base, status: 'fail', passed: false, observed };
  if (loadNotOffered(stats))
    return metric === 'http_req_failed' && failsWithoutTimeouts(view, threshold)
      ? failed
      : inconclusive(notOfferedReason(stats, maxSendLagMs));
  let outcome: BarOutcome = compare(observed, threshold.operator, threshold.value) ? 'pass' : 'fail';
  if (metric === 'http_req_duration') {
    const barMs = lagErrorBarMs(stats.sendLagMs, threshold.aggregation);
    outcome = judgeWithinBar(observed, barMs, threshold.operator, threshold.value);
    if (outcome === 'within-lag') return inconclusive(withinLagReason(observed, barMs, shown));
  }
  if (outcome === 'fail') return failed;
  const shortfall = metric === 'http_req_duration' ? rateShortfall(stats) : undefined;
  if (shortfall) return inconclusive(shortfall);
  return { ...base, status: 'pass', passed: true, observed };
}
