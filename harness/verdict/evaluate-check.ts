import { totalErrors } from '../metrics/error-kind.ts';
import { percentileMs, summarizeLatencyMs } from '../metrics/latency-histogram.ts';
import type { StepRecord } from '../metrics/step-stats.ts';
import type { ResilienceCheckKind } from '../scenario/check-schema.ts';
import type { SloMetric } from '../scenario/scenario-schema.ts';
import { aggregationName, compare, type Threshold } from '../scenario/threshold.ts';
import type { PlannedCheck } from '../scenario/timeline.ts';
import { generatorShortfall } from './generator-shortfall.ts';
import type { PhaseStats } from './phase-stats.ts';

export type CheckStatus = 'pass' | 'fail' | 'inconclusive';

export interface CheckResult {
  name: string;
  phase: string;
  /** The SLO metric (http_req_duration, ...) or the resilience check kind (breaker, alert, ...). */
  metric: SloMetric | ResilienceCheckKind | 'no-alert';
  status: CheckStatus;
  passed: boolean;
  observed: number | null;
  expected: string;
  reason?: string;
  /** The unit of `observed` when its metric does not say it: "s", "requests", "%". */
  unit?: string;
}

type Observation = { value: number } | { missing: string };

function observe(metric: SloMetric, threshold: Threshold, stats: PhaseStats): Observation {
  if (!stats.ran) return { missing: 'the phase did not run' };
  const { aggregation } = threshold;
  if (metric === 'http_reqs') {
    if (aggregation.kind === 'count') return { value: stats.requests };
    if (aggregation.kind === 'rate') return { value: stats.achievedRate ?? 0 };
    return stats.targetRate ? { value: (stats.achievedIterationRate ?? 0) / stats.targetRate } : { missing: 'the phase has no target rate' };
  }
  if (stats.requests === 0) return { missing: 'no request completed in this phase' };
  if (metric === 'http_req_failed') return { value: stats.errorRate ?? 0 };
  const latency = stats.latencyMs;
  if (!latency) return { missing: 'no response arrived in this phase, so there is no latency to judge' };
  switch (aggregation.kind) {
    case 'percentile': return { value: percentileMs(stats.latency, aggregation.percentile) };
    case 'avg': return { value: latency.avg };
    case 'min': return { value: latency.min };
    case 'max': return { value: latency.max };
    case 'med': return { value: latency.p50 };
    default: return { missing: `${aggregationName(aggregation)} does not apply to ${metric}` };
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

/**
 * Judges one threshold on one phase. Missing evidence is INCONCLUSIVE, never a
 * pass. When the generator could not keep up, latency and request-rate
 * checks are INCONCLUSIVE either way (its own lateness is in the latency, its
 * shortfall in the rate), and an error rate can still FAIL but not PASS (the
 * service did not get the load asked for). A latency that would pass in a phase
 * where the service shed load (in-flight cap) is INCONCLUSIVE; one that fails
 * stays a FAIL.
 */
export function evaluateCheck(check: PlannedCheck, stats: PhaseStats, maxSendLagMs = 10, step?: StepRecord): CheckResult {
  const { metric, threshold } = check;
  const grace = check.afterMs ? ` from +${check.afterMs / 1_000}s` : '';
  const subject = check.step === undefined ? metric : `${metric}{name:${check.step}}`;
  const base = { name: `${subject} ${threshold.source.replace(/\s+/g, '')}${grace}`, phase: check.phase, metric, expected: `${threshold.source.replace(/\s+/g, '')}${grace}` };
  const observation = observe(metric, threshold, step ? stepView(stats, step) : stats);
  if ('missing' in observation) {
    return { ...base, status: 'inconclusive', passed: false, observed: null, reason: observation.missing };
  }
  const observed = Math.round(observation.value * 1_000_000) / 1_000_000;
  const passed = compare(observed, threshold.operator, threshold.value);
  const behind = generatorShortfall(stats, maxSendLagMs);
  if (behind) return { ...base, status: passed || metric !== 'http_req_failed' ? 'inconclusive' : 'fail', passed: false, observed, reason: behind };
  const shortfall = metric === 'http_req_duration' ? rateShortfall(stats) : undefined;
  if (shortfall) return { ...base, status: passed ? 'inconclusive' : 'fail', passed: false, observed, reason: shortfall };
  return { ...base, status: passed ? 'pass' : 'fail', passed, observed };
}
