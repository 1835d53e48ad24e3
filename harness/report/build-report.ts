import { targetRateAt } from '../scenario/timeline.ts';
import { firingIntervals, labelledSeries } from '../verdict/resilience/signal-series.ts';
import type { GuardOutcome } from '../guards/guard-monitor.ts';
import os from 'node:os';
import type { AppliedFault, VanishedFault } from '../faults/fault-controller.ts';
import { emptyErrorCounts, ERROR_KINDS, totalErrors } from '../metrics/error-kind.ts';
import { percentileMs } from '../metrics/latency-histogram.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Timeline } from '../scenario/timeline.ts';
import { evaluateCheck, type CheckResult } from '../verdict/evaluate-check.ts';
import { generatorShortfall } from '../verdict/generator-shortfall.ts';
import { computePhaseStats, type PhaseStats, type PhaseWindow } from '../verdict/phase-stats.ts';
import { decideVerdict } from '../verdict/run-verdict.ts';
import type { RunReport } from './run-report.ts';
import { ORDEAL_VERSION } from './version.ts';
import type { RecordedSignals } from '../signals/recorded-signals.ts';
import { evaluateResilienceCheck } from '../verdict/resilience/evaluate-resilience.ts';
import type { LoadSecond, ResilienceContext } from '../verdict/resilience/resilience-context.ts';
import { resilienceTimings } from '../verdict/resilience/resilience-timings.ts';
import { PUBLISHED_TARGETS } from '../scenario/published-targets.ts';
import { parseThreshold } from '../scenario/threshold.ts';
import { parseDurationMs } from '../scenario/duration.ts';

export interface RecordedRun {
  runId: string;
  scenario: Scenario;
  scenarioFile?: string;
  timeline: Timeline;
  target: string;
  driver: { name: string; model: 'open' | 'closed' };
  timeScale: number;
  startedAtMs: number;
  endedAtMs: number;
  windows: ReadonlyMap<string, PhaseWindow>;
  faults: readonly AppliedFault[];
  recorder: PhaseRecorder;
  abortedBy?: string;
  infrastructureError?: string;
  guards?: readonly GuardOutcome[];
  signals: RecordedSignals;
  /** The end of the recorded data. */
  observedUntilMs: number;
  /** Untimed warm-up requests sent before the first phase. */
  warmupRequests?: number;
  /** Faults of this run that someone else removed while they should have been in place. */
  vanishedFaults?: readonly VanishedFault[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function targetRateOfSecond(run: RecordedRun, phaseName: string, second: number): number | null {
  const phase = run.timeline.phases.find((p) => p.name === phaseName);
  const window = run.windows.get(phaseName);
  if (!phase || !window || phase.vus !== undefined) return null;
  const offsetMs = run.startedAtMs + second * 1_000 + 500 - window.startMs;
  return Math.round(targetRateAt(phase, offsetMs) * 10) / 10;
}

export function phaseStatsOf(run: RecordedRun): PhaseStats[] {
  return run.timeline.phases.map((phase) => computePhaseStats(phase, run.windows.get(phase.name), run.recorder.seconds(phase.name)));
}

function resilienceContextOf(run: RecordedRun): ResilienceContext {
  const load: LoadSecond[] = run.recorder.allSeconds().map((b) => ({
    atMs: run.startedAtMs + b.second * 1_000,
    phase: b.phase,
    requests: b.requests,
    errors: totalErrors(b.errors),
    p95Ms: b.latency.totalCount > 0 ? percentileMs(b.latency, 95) : null,
  }));
  return { windows: run.windows, faults: run.faults, load, signals: run.signals, observedUntilMs: run.observedUntilMs };
}

/** The p95 the scenario asks for (first one stated), for time-to-recover; else the published target. */
function p95TargetMs(scenario: Scenario): number {
  const stated = scenario.slos.flatMap((slo) => slo.http_req_duration ?? []).map(parseThreshold).find((t) => t?.aggregation.kind === 'percentile' && t.aggregation.percentile === 95);
  return stated?.value ?? PUBLISHED_TARGETS.latencyP95Ms;
}

function vanishedAt(run: RecordedRun, faultId: string): { removedExternallyAt?: string } {
  const gone = run.vanishedFaults?.find((v) => v.applied.id === faultId);
  return gone ? { removedExternallyAt: iso(gone.detectedAtMs) } : {};
}

/** A phase whose fault someone removed is not the phase the scenario describes: none of its checks can pass or fail. */
function withoutVanishedFaults(checks: CheckResult[], vanished: readonly VanishedFault[]): CheckResult[] {
  return checks.map((check) => {
    const gone = vanished.find((v) => v.applied.phase === check.phase);
    if (!gone) return check;
    const reason = `fault ${describeFault(gone.applied.fault)} was removed externally (${gone.how}) at ${iso(gone.detectedAtMs)}; the phase did not run as described`;
    return { ...check, status: 'inconclusive', passed: false, reason };
  });
}

/** Pure: recorded data in, the report (with its verdict) out. */
export function buildReport(run: RecordedRun): RunReport {
  const stats = phaseStatsOf(run);
  const statsByName = new Map(stats.map((s) => [s.name, s]));
  const context = resilienceContextOf(run);
  const maxSendLagMs = parseDurationMs(run.scenario.load.maxSendLag) ?? 10;
  const behindOf = (s: PhaseStats): string | undefined => generatorShortfall(s, maxSendLagMs);
  const checks = withoutVanishedFaults(
    [...run.timeline.checks.map((check) => evaluateCheck(check, statsByName.get(check.phase)!, maxSendLagMs)), ...run.scenario.checks.flatMap((check) => evaluateResilienceCheck(check, context))],
    run.vanishedFaults ?? [],
  );
  const { verdict, reason } = decideVerdict({ checks, abortedBy: run.abortedBy, infrastructureError: run.infrastructureError });
  const errorsByKind = emptyErrorCounts();
  for (const s of stats) for (const kind of ERROR_KINDS) errorsByKind[kind] += s.errorsByKind[kind];
  return {
    schemaVersion: 1,
    runId: run.runId,
    verdict,
    verdictReason: reason,
    scenario: { name: run.scenario.name, file: run.scenarioFile, description: run.scenario.description },
    target: run.target,
    load: { driver: run.driver.name, model: run.driver.model, connections: run.scenario.load.connections, timeScale: run.timeScale, warmupRequests: run.warmupRequests ?? 0 },
    startedAt: iso(run.startedAtMs),
    endedAt: iso(run.endedAtMs),
    durationMs: run.endedAtMs - run.startedAtMs,
    phases: stats.map((s, index) => ({
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
      latencyMs: s.latencyMs && { p50: s.latencyMs.p50, p90: s.latencyMs.p90, p95: s.latencyMs.p95, p99: s.latencyMs.p99, max: s.latencyMs.max },
      sendLagMs: s.sendLagMs && { p50: s.sendLagMs.p50, p99: s.sendLagMs.p99, max: s.sendLagMs.max },
      ...(behindOf(s) ? { generatorBehind: behindOf(s) } : {}),
      faults: run.timeline.phases[index]!.faults.map(describeFault),
    })),
    checks,
    faults: run.faults.map((f) => ({
      id: f.id,
      phase: f.phase,
      proxy: f.fault.proxy,
      kind: f.fault.kind,
      description: describeFault(f.fault),
      appliedAt: iso(f.appliedAtMs),
      removedAt: f.removedAtMs === undefined ? null : iso(f.removedAtMs),
      ...vanishedAt(run, f.id),
    })),
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
      alerts: firingIntervals(run.signals).map((a) => ({ alert: a.alert, severity: a.severity, start: iso(a.startMs), end: iso(a.endMs) })),
    },
    errorsByKind,
    resilience: resilienceTimings(context, run.scenario.checks, p95TargetMs(run.scenario)),
    timeseries: run.recorder.allSeconds().map((b) => {
      const hasLatency = b.latency.totalCount > 0;
      return {
        second: b.second,
        phase: b.phase,
        targetRate: targetRateOfSecond(run, b.phase, b.second),
        requests: b.requests,
        dropped: b.dropped,
        unsent: b.unsent,
        errors: totalErrors(b.errors),
        p50Ms: hasLatency ? percentileMs(b.latency, 50) : null,
        p95Ms: hasLatency ? percentileMs(b.latency, 95) : null,
        p99Ms: hasLatency ? percentileMs(b.latency, 99) : null,
        sendLagP99Ms: b.sendLag.totalCount > 0 ? percentileMs(b.sendLag, 99) : null,
      };
    }),
    environment: {
      ordeal: ORDEAL_VERSION,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      hostname: os.hostname(),
      maxRssBytes: process.resourceUsage().maxRSS * 1_024,
    },
    ...(run.infrastructureError ? { error: run.infrastructureError } : {}),
  };
}
