import type { RunReport } from '../report/run-report.ts';
import { generatorShortfall } from '../verdict/generator-shortfall.ts';
import type { PhaseStats } from '../verdict/phase-stats.ts';
import type { StepOutcome } from './capacity-search.ts';

/** The phase every capacity step judges (capacity-scenario.ts names it so). */
export const STEP_PHASE = 'step';
/** Below this share of the asked rate answered (the generator keeping up), the service sheds or queues. */
const PLATEAU_SHARE = 0.95;

/** "http_req_duration p(99)<100 from +1s: observed 280.6 (2.81× the limit)": the SLO that broke and by how much. */
function described(c: RunReport['checks'][number]): string {
  const limit = Number(/[<>]=?\s*(-?[\d.]+)/.exec(c.expected)?.[1]);
  const by =
    c.observed !== null && limit > 0 && Number.isFinite(limit)
      ? ` (${(c.observed / limit).toFixed(2)}× the limit)`
      : '';
  const observed = c.observed === null ? 'nothing observed' : `observed ${Math.round(c.observed * 10) / 10}${by}`;
  return `${c.name}: ${observed}${c.reason ? `; ${c.reason}` : ''}`;
}

/**
 * How one step went, from its run's report: the generator's word first (a rate ordeal could not offer says
 * nothing of the service), then the SLOs judged over the hold, then whether the service answered what was sent.
 */
export function classifyStep(
  report: RunReport,
  rate: number,
  hold?: { stats: PhaseStats; maxSendLagMs: number },
): StepOutcome {
  const phase = report.phases.find((p) => p.name === STEP_PHASE);
  // The figures of the judged hold (the settle left out, like the SLOs), when the run's record is at hand.
  const figures = hold?.stats.ran ? hold.stats : phase;
  const measured = {
    achievedRate: figures?.achievedRate == null ? null : Math.round(figures.achievedRate * 10) / 10,
    p50Ms: figures?.latencyMs?.p50 ?? null,
    p95Ms: figures?.latencyMs?.p95 ?? null,
    p99Ms: figures?.latencyMs?.p99 ?? null,
    errorRate: figures?.errorRate ?? null,
    sendLagP99Ms: figures?.sendLagMs?.p99 ?? null,
  };
  if (report.verdict === 'aborted' || !phase || phase.start === null)
    return { kind: 'stopped', reason: `the step at ${rate} req/s stopped: ${report.verdictReason}`, ...measured };
  // Whether ordeal kept up, over the same hold (its lateness while the service settled is not the step's).
  const behind = hold?.stats.ran ? generatorShortfall(hold.stats, hold.maxSendLagMs) : phase.generatorBehind;
  if (behind) return { kind: 'generator-limited', reason: behind, retryable: true, ...measured };
  const checks = report.checks.filter((c) => c.phase === STEP_PHASE);
  const breach = checks.find((c) => c.status === 'fail');
  if (breach) return { kind: 'breach', reason: described(breach), ...measured };
  const unjudged = checks.find((c) => c.status === 'inconclusive');
  if (unjudged)
    return {
      kind: 'stopped',
      reason: `${described(unjudged)}: the step could not be judged`,
      retryable: true,
      ...measured,
    };
  // Arrivals turned away because every connection was still waiting on the service: it could not keep up.
  if (phase.dropped > 0)
    return {
      kind: 'plateau',
      reason: `${phase.dropped} of ${phase.requests + phase.dropped} arrivals turned away: every connection was waiting on the service`,
      ...measured,
    };
  if (phase.achievedRate !== null && phase.achievedRate < rate * PLATEAU_SHARE)
    return {
      kind: 'plateau',
      reason: `${phase.achievedRate} req/s achieved of ${rate} asked while ordeal kept up`,
      ...measured,
    };
  return { kind: 'pass', reason: 'every SLO held', ...measured };
}
