import { emptyErrorCounts } from '../metrics/error-kind.ts';
import { addLatencyHistogram, createLatencyHistogram, mergedLatencyHistogram } from '../metrics/latency-histogram.ts';
import type { StepRecord } from '../metrics/step-stats.ts';
import type { FaultRecord, VanishedFault } from './run-records.ts';
import { totalErrors } from '../metrics/error-kind.ts';
import { percentileMs } from '../metrics/latency-histogram.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { PUBLISHED_TARGETS } from '../scenario/published-targets.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { parseThreshold } from '../scenario/threshold.ts';
import { evaluateCheck } from './evaluate-check.ts';
import { type CheckResult } from '../checks/check-result.ts';
import { generatorShortfall } from './generator-shortfall.ts';
import { computePhaseStats, type PhaseStats } from './phase-stats.ts';
import type { RecordedRun } from './recorded-run.ts';
import { evaluateResilienceCheck } from '../checks/check-registry.ts';
import type { LoadSecond, ResilienceContext } from '../checks/resilience-context.ts';
import { resilienceTimings, type ResilienceTiming } from './resilience-timings.ts';
import { decideVerdict, exitCodeOf, type Verdict } from './run-verdict.ts';
import { busyHostWarning } from './run-warnings.ts';
import { clockWarnings, withoutStalls, withWallClockEvidence } from './clock-evidence.ts';

export interface JudgedRun {
  stats: PhaseStats[];
  /** Per phase: why the generator's own numbers cannot be trusted there, if they cannot. */
  generatorBehind: Map<string, string>;
  checks: CheckResult[];
  verdict: Verdict;
  reason: string;
  /** The exit code this outcome ends the CLI with (EXIT_CODES). */
  exitCode: number;
  /** What a reader must know to trust the verdict, said once per run (a busy host, a stepped clock, a stall). */
  warnings: string[];
  resilience: ResilienceTiming[];
  context: ResilienceContext<FaultRecord>;
}

function resilienceContextOf(run: RecordedRun): ResilienceContext<FaultRecord> {
  const load: LoadSecond[] = run.recorder.allSeconds().map((b) => ({
    atMs: run.startedAtMs + b.second * 1_000,
    phase: b.phase,
    requests: b.requests,
    errors: totalErrors(b.errors),
    p95Ms: b.latency.totalCount > 0 ? percentileMs(mergedLatencyHistogram([b.latency]), 95) : null,
  }));
  const latencyPercentileMs = (phase: string, fromMs: number, toMs: number, percentile: number): number | null => {
    const merged = createLatencyHistogram('recording');
    for (const bucket of run.recorder.seconds(phase)) {
      const atMs = run.startedAtMs + bucket.second * 1_000;
      if (atMs >= fromMs && atMs < toMs) addLatencyHistogram(merged, bucket.latency);
    }
    return merged.totalCount > 0 ? percentileMs(merged, percentile) : null;
  };
  return {
    windows: run.windows,
    faults: run.faults,
    load,
    latencyPercentileMs,
    signals: run.signals,
    observedUntilMs: run.observedUntilMs,
    startedAtMs: run.startedAtMs,
  };
}

/** The p95 the scenario asks for (first one stated), for time-to-recover; else the published target. */
function p95TargetMs(scenario: Scenario): number {
  const stated = scenario.slos
    .flatMap((slo) => slo.http_req_duration ?? [])
    .map(parseThreshold)
    .find((t) => t?.aggregation.kind === 'percentile' && t.aggregation.percentile === 95);
  return stated?.value ?? PUBLISHED_TARGETS.latencyP95Ms;
}

/** A phase whose fault someone removed is not the phase the scenario describes: none of its checks can pass or fail. */
function withoutVanishedFaults(checks: CheckResult[], vanished: readonly VanishedFault[]): CheckResult[] {
  return checks.map((check) => {
    const gone = vanished.find((v) => v.applied.phase === check.phase);
    if (!gone) return check;
    const reason = `fault ${describeFault(gone.applied.fault)} was removed externally (${gone.how}) at ${new Date(gone.detectedAtMs).toISOString()}; the phase did not run as described`;
    return { ...check, status: 'inconclusive', passed: false, reason };
  });
}

/**
 * What the name lookup warned about before the run (a selector that matched
 * nothing yet), said beside a verdict that did not pass: a FAIL that reads
 * like a broken system may be a label typo.
 */
function withLookupNotes(checks: CheckResult[], notes: readonly string[] | undefined): CheckResult[] {
  if (!notes || notes.length === 0) return checks;
  return checks.map((c) =>
    c.status === 'pass' ? c : { ...c, reason: `${c.reason ? `${c.reason}; ` : ''}note: ${notes.join('; ')}` },
  );
}

/** A phase's figures from its start + a grace on (whole seconds of the run after it), for SLOs with `after`. */
export function statsAfterGrace(run: RecordedRun, phaseName: string, afterMs: number): PhaseStats {
  const phase = run.timeline.phases.find((p) => p.name === phaseName)!;
  const window = run.windows.get(phaseName);
  if (!window) return computePhaseStats(phase, undefined, []);
  // From the first whole second of the run after the grace: buckets and the time they cover line up.
  const fromMs = run.startedAtMs + Math.ceil((window.startMs + afterMs - run.startedAtMs) / 1_000) * 1_000;
  const buckets = run.recorder.seconds(phaseName).filter((b) => run.startedAtMs + b.second * 1_000 >= fromMs);
  const load = window.load ? { startMs: Math.max(window.load.startMs, fromMs), endMs: window.load.endMs } : undefined;
  return computePhaseStats(
    { ...phase, durationMs: Math.max(0, window.startMs + phase.durationMs - fromMs) },
    { startMs: fromMs, endMs: window.endMs, ...(load ? { load } : {}) },
    buckets,
  );
}

/** A step's record in a phase (a flow's when no step has the name); an empty one when nothing was recorded under it. */
function stepRecordOf(run: RecordedRun, phase: string, name: string): StepRecord {
  const records = run.recorder.steps.all().filter((r) => r.phase === phase && r.name === name);
  return (
    records.find((r) => r.kind === 'step') ??
    records[0] ?? {
      phase,
      kind: 'step',
      name,
      requests: 0,
      errors: emptyErrorCounts(),
      latency: createLatencyHistogram(),
      unexpectedStatuses: {},
      incomplete: 0,
    }
  );
}

/** Pure: a recorded run in; per-phase figures, every check, the verdict and the reaction timings out. */
export function judgeRun(run: RecordedRun): JudgedRun {
  const stats = run.timeline.phases.map((phase) =>
    computePhaseStats(phase, run.windows.get(phase.name), run.recorder.seconds(phase.name)),
  );
  const statsByName = new Map(stats.map((s) => [s.name, s]));
  const context = resilienceContextOf(run);
  const maxSendLagMs = run.scenario.load.maxSendLag.ms;
  const generatorBehind = new Map(
    stats.flatMap((s) => {
      const why = generatorShortfall(s, maxSendLagMs);
      return why ? [[s.name, why] as const] : [];
    }),
  );
  // A stall explains missing evidence first; a fault someone removed, after it (the phase did not run as described).
  const checks = withoutVanishedFaults(
    withoutStalls(
      [
        ...run.timeline.checks.map((check) =>
          evaluateCheck(
            check,
            check.afterMs ? statsAfterGrace(run, check.phase, check.afterMs) : statsByName.get(check.phase)!,
            maxSendLagMs,
            check.step === undefined ? undefined : stepRecordOf(run, check.phase, check.step),
          ),
        ),
        ...run.scenario.checks.flatMap((check, index) =>
          withLookupNotes(
            withWallClockEvidence(check, evaluateResilienceCheck(check, context), run.clock, run.startedAtMs),
            run.lookupNotes?.get(index),
          ),
        ),
      ],
      run.windows,
      run.clock,
      run.startedAtMs,
    ),
    run.vanishedFaults ?? [],
  );

  const { verdict, reason } = decideVerdict({
    checks,
    abortedBy: run.abortedBy,
    infrastructureError: run.infrastructureError,
  });
  const exitCode = exitCodeOf({ verdict, abortedBy: run.abortedBy, infrastructureError: run.infrastructureError });
  const warnings = [...clockWarnings(run.clock, run.startedAtMs), busyHostWarning(stats, maxSendLagMs)].filter(
    (w): w is string => w !== undefined,
  );
  return {
    stats,
    generatorBehind,
    checks,
    verdict,
    reason,
    exitCode,
    warnings,
    resilience: resilienceTimings(context, run.scenario.checks, p95TargetMs(run.scenario)),
    context,
  };
}
