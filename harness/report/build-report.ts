import { errorBudgetOf, type BudgetSecond } from './error-budget.ts';
import { emptyErrorCounts, ERROR_KINDS, totalErrors } from '../metrics/error-kind.ts';
import { mergedLatencyHistogram, percentileMs, summarizeLatencyMs } from '../metrics/latency-histogram.ts';
import type { SecondBucket } from '../metrics/second-buckets.ts';
import { describeFault, faultTargetOf } from '../scenario/fault-schema.ts';
import { targetRateAt } from '../scenario/timeline.ts';
import { judgeRun } from '../verdict/judge-run.ts';
import type { RecordedRun, SelfSample } from '../verdict/recorded-run.ts';
import { firingIntervals, labelledSeries } from '../checks/signal-series.ts';
import type { FaultReport, RunReport, SecondReport, SelfReport, StepReport } from './run-report.ts';
import type { FaultRecord } from '../verdict/run-records.ts';
import { momentsOf, rollUpGroups } from './timeline-rollup.ts';

export type { RecordedRun } from '../verdict/recorded-run.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The span a phase's load was planned over (epoch ms): the schedule's anchor and its planned length, cut short by an abort. */
function loadSpan(
  run: RecordedRun,
  phaseName: string,
): { phase: RecordedRun['timeline']['phases'][number]; startMs: number; endMs: number } | undefined {
  const phase = run.timeline.phases.find((p) => p.name === phaseName);
  const window = run.windows.get(phaseName);
  if (!phase || !window) return undefined;
  const startMs = window.load?.startMs ?? window.startMs;
  const endMs = Math.min(startMs + phase.durationMs, window.load?.endMs ?? window.endMs);
  return { phase, startMs, endMs: Math.max(startMs, endMs) };
}

/**
 * How much of one second of the run a phase's load covered, and its mean
 * target rate over that part (the exact integral of a linear ramp). At a
 * phase edge two phases share a second; the last second of a run is partial:
 * a chart divides by the coverage so that neither looks like a dip.
 */
function secondShare(
  run: RecordedRun,
  phaseName: string,
  second: number,
): { coveredMs: number; targetRate: number | null } {
  const span = loadSpan(run, phaseName);
  if (!span) return { coveredMs: 0, targetRate: null };
  const fromMs = Math.max(span.startMs, run.startedAtMs + second * 1_000);
  const toMs = Math.min(span.endMs, run.startedAtMs + (second + 1) * 1_000);
  const coveredMs = Math.max(0, toMs - fromMs);
  if (span.phase.vus !== undefined) return { coveredMs: Math.round(coveredMs), targetRate: null };
  const middleMs = coveredMs > 0 ? (fromMs + toMs) / 2 : run.startedAtMs + second * 1_000 + 500;
  return {
    coveredMs: Math.round(coveredMs),
    targetRate: Math.round(targetRateAt(span.phase, middleMs - span.startMs) * 10) / 10,
  };
}

function vanishedAt(run: RecordedRun, faultId: string): { removedExternallyAt?: string } {
  const gone = run.vanishedFaults?.find((v) => v.applied.id === faultId);
  return gone ? { removedExternallyAt: iso(gone.detectedAtMs) } : {};
}

/** A phase's per-step and per-flow figures, when any were recorded. */
function stepsOf(run: RecordedRun, phase: string): { steps?: StepReport[] } {
  const records = run.recorder.steps.all().filter((r) => r.phase === phase);
  if (records.length === 0) return {};
  return {
    steps: records.map((r) => {
      const errors = totalErrors(r.errors);
      const latency = summarizeLatencyMs(r.latency);
      return {
        name: r.name,
        kind: r.kind,
        requests: r.requests,
        errors,
        errorRate: r.requests > 0 ? Math.round((errors / r.requests) * 1e6) / 1e6 : null,
        errorsByKind: r.errors,
        latencyMs: latency
          ? { p50: latency.p50, p90: latency.p90, p95: latency.p95, p99: latency.p99, max: latency.max }
          : null,
        ...(Object.keys(r.unexpectedStatuses).length > 0 ? { unexpectedStatuses: r.unexpectedStatuses } : {}),
        ...(r.kind === 'flow' ? { incomplete: r.incomplete } : {}),
      };
    }),
  };
}

/** Serialises a recorded run and its judgement into report.json's shape. Pure: no clock, no I/O. */
export function buildReport(run: RecordedRun): RunReport {
  const { stats, generatorBehind, checks, verdict, reason, exitCode, warnings, resilience } = judgeRun(run);
  const errorsByKind = emptyErrorCounts();
  const { timeseries, budgetSeconds } = timelineOf(run);
  for (const s of stats) for (const kind of ERROR_KINDS) errorsByKind[kind] += s.errorsByKind[kind];
  return {
    schemaVersion: 1,
    runId: run.runId,
    verdict,
    verdictReason: reason,
    exitCode,
    warnings,
    scenario: { name: run.scenario.name, file: run.scenarioFile, description: run.scenario.description },
    target: run.target,
    load: {
      driver: run.driver.name,
      model: run.driver.model,
      connections: run.scenario.load.connections,
      timeScale: run.timeScale,
      warmupRequests: run.warmupRequests ?? 0,
      ...(run.readinessWaitMs !== undefined ? { readinessWaitMs: Math.round(run.readinessWaitMs) } : {}),
    },
    startedAt: iso(run.startedAtMs),
    endedAt: iso(run.endedAtMs),
    durationMs: run.endedAtMs - run.startedAtMs,
    phases: phasesOf(run, stats, generatorBehind),
    checks,
    ...recordsOf(run),
    errorsByKind,
    resilience,
    timeseries,
    ...(run.scenario.errorBudget
      ? {
          errorBudget: errorBudgetOf(budgetSeconds, {
            objective: run.scenario.errorBudget.objective,
            periodMs: run.scenario.errorBudget.period.ms,
          }),
        }
      : {}),
    ...(run.self && run.self.length > 0 ? { self: run.self.map(selfEntry) } : {}),
    environment: run.environment,
    ...(run.infrastructureError ? { error: run.infrastructureError } : {}),
  };
}

function phasesOf(
  run: RecordedRun,
  stats: ReturnType<typeof judgeRun>['stats'],
  generatorBehind: ReturnType<typeof judgeRun>['generatorBehind'],
): RunReport['phases'] {
  return stats.map((s, index) => ({
    name: s.name,
    start: s.ran ? iso(s.startMs) : null,
    end: s.ran ? iso(s.endMs) : null,
    requests: s.requests,
    dropped: s.dropped,
    unsent: s.unsent,
    errors: s.errors,
    errorRate: s.errorRate,
    errorsByKind: s.errorsByKind,
    targetRate: s.targetRate,
    achievedRate: s.achievedRate,
    latencyMs: s.latencyMs && {
      p50: s.latencyMs.p50,
      p90: s.latencyMs.p90,
      p95: s.latencyMs.p95,
      p99: s.latencyMs.p99,
      max: s.latencyMs.max,
    },
    sendLagMs: s.sendLagMs && { p50: s.sendLagMs.p50, p99: s.sendLagMs.p99, max: s.sendLagMs.max },
    ...(generatorBehind.has(s.name) ? { generatorBehind: generatorBehind.get(s.name) } : {}),
    ...(s.iterations !== s.requests ? { iterations: s.iterations } : {}),
    ...stepsOf(run, s.name),
    ...(run.recorder.rowsRanOut.has(s.name)
      ? { endedEarly: 'the data rows ran out (data.order "unique" uses each row at most once)' }
      : {}),
    ...(run.skippedPhases?.has(s.name) ? { endedEarly: run.skippedPhases.get(s.name) } : {}),
    faults: run.timeline.phases[index]!.faults.map(describeFault),
  }));
}

/** A process fault's target and end; for a kill, how long after it the process was seen running again (or null). */
function processReport(process: NonNullable<FaultRecord['process']>, appliedAtMs: number): FaultReport['process'] {
  const { back, ...rest } = process;
  if (!back) return rest;
  const afterMs = back.seenBackAtMs === undefined ? null : Math.round(back.seenBackAtMs - appliedAtMs);
  return { ...rest, runningAgainAfterMs: afterMs };
}

/** What happened around the load: faults, ordeal's clocks, notes, guards and the service's signals. */
function recordsOf(run: RecordedRun): Pick<RunReport, 'faults' | 'clock' | 'annotations' | 'guards' | 'signals'> {
  return {
    faults: run.faults.map((f) => ({
      id: f.id,
      phase: f.phase,
      proxy: faultTargetOf(f.fault),
      ...(f.process ? { process: processReport(f.process, f.appliedAtMs) } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(f.stressor ? { stressor: f.stressor } : {}),
      ...(f.fill ? { fill: f.fill } : {}),
      kind: f.fault.kind,
      description: describeFault(f.fault),
      appliedAt: iso(f.appliedAtMs),
      removedAt: f.removedAtMs === undefined ? null : iso(f.removedAtMs),
      ...vanishedAt(run, f.id),
    })),
    ...(run.clock
      ? {
          clock: {
            stalls: run.clock.stalls.map((s) => ({
              from: iso(s.fromMs),
              to: iso(s.toMs),
              durationMs: Math.round(s.toMs - s.fromMs),
            })),
            steps: run.clock.steps.map((s) => ({ at: iso(s.atMs), byMs: Math.round(s.byMs) })),
            driftMs: Math.round(run.clock.driftMs),
          },
        }
      : {}),
    ...(run.annotations && run.annotations.length > 0
      ? {
          annotations: run.annotations.map((n) => ({
            at: iso(n.atMs),
            phase: n.phase ?? null,
            text: n.text,
            source: n.source,
          })),
        }
      : {}),
    guards: (run.guards ?? []).map((g) => ({
      name: g.name,
      condition: g.condition,
      tripped: g.tripped,
      trippedAt: g.trippedAtMs === undefined ? null : iso(g.trippedAtMs),
      observed: g.observed ?? null,
    })),
    signals: {
      series: labelledSeries(run.scenario.checks, run.signals).map((series) => ({
        name: series.name,
        unit: series.unit,
        points: series.points.map((p) => ({ at: iso(p.atMs), value: p.value })),
      })),
      alerts: firingIntervals(run.signals).map((a) => ({
        alert: a.alert,
        severity: a.severity,
        start: iso(a.startMs),
        end: iso(a.endMs),
      })),
      health: [...run.signals.health].map(([probe, samples]) => ({
        probe,
        path: samples[0]?.path ?? probe,
        samples: samples.map((s) => ({
          at: iso(s.atMs),
          ok: s.ok,
          status: s.status,
          latencyMs: Math.round(s.latencyMs * 10) / 10,
          ...(s.note ? { note: s.note } : {}),
        })),
      })),
    },
  };
}

/** A group of one phase's seconds (timeline-rollup.ts) as one timeline entry: counts summed, histograms merged. */
function timelineEntry(run: RecordedRun, group: readonly SecondBucket[]): SecondReport {
  const first = group[0]!;
  const last = group.at(-1)!;
  // Dense copies: percentiles read from a packed per-second histogram walk its tree for every count.
  const latency = mergedLatencyHistogram(group.map((b) => b.latency));
  const sendLag = mergedLatencyHistogram(group.map((b) => b.sendLag));
  const shares = group.map((b) => secondShare(run, b.phase, b.second));
  const coveredMs = shares.reduce((total, s) => total + s.coveredMs, 0);
  const rates = shares.filter((s) => s.targetRate !== null);
  // Time-weighted over the covered part; a second the load did not cover keeps the rate planned at its middle.
  const targetRate =
    rates.length === 0
      ? null
      : coveredMs > 0
        ? Math.round((rates.reduce((total, s) => total + s.targetRate! * s.coveredMs, 0) / coveredMs) * 10) / 10
        : rates[0]!.targetRate;
  const sum = (count: (b: SecondBucket) => number): number => group.reduce((total, b) => total + count(b), 0);
  const hasLatency = latency.totalCount > 0;
  return {
    second: first.second,
    ...(last.second > first.second ? { seconds: last.second - first.second + 1 } : {}),
    phase: first.phase,
    targetRate,
    coveredMs,
    requests: sum((b) => b.requests),
    dropped: sum((b) => b.dropped),
    unsent: sum((b) => b.unsent),
    errors: sum((b) => totalErrors(b.errors)),
    p50Ms: hasLatency ? percentileMs(latency, 50) : null,
    p95Ms: hasLatency ? percentileMs(latency, 95) : null,
    p99Ms: hasLatency ? percentileMs(latency, 99) : null,
    sendLagP99Ms: sendLag.totalCount > 0 ? percentileMs(sendLag, 99) : null,
  };
}

/**
 * The run's timeline (the charts' data): per second, or for a long run per 10 s or 1 min away from the moments
 * that matter (timeline-rollup.ts); and the run's seconds, whole, for the error budget's burn-rate windows.
 */
function timelineOf(run: RecordedRun): { timeseries: SecondReport[]; budgetSeconds: BudgetSecond[] } {
  const buckets = run.recorder.allSeconds();
  const runSeconds = (run.endedAtMs - run.startedAtMs) / 1_000;
  return {
    timeseries: rollUpGroups(buckets, momentsOf(run), runSeconds).map((group) => timelineEntry(run, group)),
    budgetSeconds: buckets.map((b) => ({
      second: b.second,
      phase: b.phase,
      requests: b.requests,
      errors: totalErrors(b.errors),
    })),
  };
}

const megabytes = (bytes: number): number => Math.round(bytes / 1e5) / 10;

function selfEntry(sample: SelfSample): SelfReport {
  return {
    at: iso(sample.atMs),
    rssMb: megabytes(sample.rssBytes),
    heapMb: megabytes(sample.heapUsedBytes),
    ...(sample.workersHeapUsedBytes === undefined ? {} : { workersHeapMb: megabytes(sample.workersHeapUsedBytes) }),
    loopLagP99Ms: sample.loopDelayP99Ms,
    gcMs: sample.gcMs,
    ...(sample.cpuMs === undefined ? {} : { cpuMs: sample.cpuMs }),
  };
}
