import type { ErrorBudgetReport } from './error-budget.ts';
import type { ErrorCounts } from '../metrics/error-kind.ts';
import type { LatencySummaryMs } from '../metrics/latency-histogram.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { Verdict } from '../verdict/run-verdict.ts';
import type { ResilienceTiming } from '../verdict/resilience-timings.ts';

/** reports/<run-id>/report.json — a contract other tools read. Times ISO-8601, latencies in ms. */
export interface RunReport {
  schemaVersion: 1;
  runId: string;
  verdict: Verdict;
  verdictReason: string;
  /**
   * The exit code `ordeal run` ends with for this report: 0 pass, 1 a check
   * failed, 3 harness or infrastructure failure, 4 aborted by a guard or an
   * operator, 5 inconclusive (evidence missing), 130/143/129 interrupted by a signal.
   */
  exitCode: number;
  /** What a reader must know to trust the verdict, each said once: a busy host (send lag), a wall-clock step or drift, a stretch when ordeal did not run. */
  warnings: string[];
  /**
   * Set on a checkpoint: the report of a run still going, written every report.checkpointEvery. Its verdict is
   * inconclusive until the run ends and replaces it; `ordeal report` turns a checkpoint left by a run that died into
   * a final report (interrupted: aborted, exit 4).
   */
  checkpoint?: CheckpointInfo;
  scenario: { name: string; file?: string; description?: string };
  target: string;
  load: {
    driver: string;
    model: 'open' | 'closed';
    connections: number;
    timeScale: number;
    /** Untimed warm-up requests sent to the target before the first phase (never recorded in any phase). */
    warmupRequests: number;
    /** How long the readiness gate waited before the first phase (absent: no gate). */
    readinessWaitMs?: number;
  };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  phases: PhaseReport[];
  checks: CheckResult[];
  faults: FaultReport[];
  /** The scenario's stop conditions and whether one tripped (then the verdict is "aborted"). */
  guards: GuardReport[];
  errorsByKind: ErrorCounts;
  /** How long each reaction took: detection, recovery, failover gap, scale-up. */
  resilience: ResilienceTiming[];
  /** The service's own signals over the run (for the charts): series the checks read, and firing alerts. */
  signals: {
    series: { name: string; unit: string; points: { at: string; value: number }[] }[];
    alerts: { alert: string; severity: string; start: string; end: string }[];
    /** Every health probe sample: when, the HTTP status (null: no answer), how long it took, and whether it counted as healthy. */
    health?: {
      probe: string;
      path: string;
      samples: { at: string; ok: boolean; status: number | null; latencyMs: number; note?: string }[];
    }[];
  };
  /** Per second of the run (per 10 s or 1 min away from phase edges and faults in a run over 30 min): the charts' data. */
  timeseries: SecondReport[];
  /** With the scenario's errorBudget: the share of the period's budget the run and each phase burned, and the burn-rate alerts it would raise. */
  errorBudget?: ErrorBudgetReport;
  /**
   * ordeal's own health every 5 s (at most one entry per 5 s of the run): resident memory and heap (MB), the main
   * thread's p99 event-loop lag (ms) and the time GC paused it since the previous entry (ms). Absent in older reports.
   */
  self?: SelfReport[];
  /** Set when the run was compared with a baseline run (--baseline, or the previous passing run). */
  comparison?: ComparisonReport;
  environment: { ordeal: string; node: string; platform: string; cpus: number; hostname: string; maxRssBytes: number };
  error?: string;
  /**
   * ordeal's own clocks over the run: stretches when it did not run (a stall
   * over 1 s: SIGSTOP, a frozen VM, a blocked event loop), steps of the wall
   * clock against its monotonic time base, and the wall clock's slow drift (ms).
   */
  clock?: {
    stalls: { from: string; to: string; durationMs: number }[];
    steps: { at: string; byMs: number }[];
    driftMs: number;
  };
  /** Notes operators typed during the run (the live console, the terminal), in order: when, during which phase, what. */
  annotations?: { at: string; phase: string | null; text: string; source: 'console' | 'terminal' | 'api' }[];
  /** What the notification channels were told and whether it arrived (a failed delivery never changes the verdict). */
  notifications?: { channel: string; event: string; ok: boolean; error?: string }[];
}

export interface PhaseReport {
  name: string;
  start: string | null;
  end: string | null;
  requests: number;
  /** Open model: arrivals not sent because the in-flight cap was full (the service could not keep up). */
  dropped: number;
  /** Open model: arrivals the generator had not reached when the phase ended (the generator could not keep up). */
  unsent: number;
  errors: number;
  errorRate: number | null;
  errorsByKind: ErrorCounts;
  targetRate: number | null;
  /** Requests sent over the time they really took (the planned length, or longer if the generator fell behind). */
  achievedRate: number | null;
  latencyMs: Pick<LatencySummaryMs, 'p50' | 'p90' | 'p95' | 'p99' | 'max'> | null;
  /** Open model: how late requests went out after their intended time (already part of latencyMs). */
  sendLagMs: Pick<LatencySummaryMs, 'p50' | 'p99' | 'max'> | null;
  /** Set when the generator could not keep up in this phase: why its load checks are inconclusive. */
  generatorBehind?: string;
  /** Flow iterations (arrivals, or virtual users' turns) when there are flows; otherwise equal to requests. */
  iterations?: number;
  /** Per flow step (kind "step") and whole flow (kind "flow"); plain requests too when there are flows. */
  steps?: StepReport[];
  /** Set when the phase ended before its time: why (e.g. a "unique" data source ran out of rows). */
  endedEarly?: string;
  faults: string[];
}

export interface StepReport {
  name: string;
  kind: 'step' | 'flow';
  requests: number;
  errors: number;
  errorRate: number | null;
  errorsByKind: ErrorCounts;
  /** A step: its request's latency; a flow: a whole iteration's, from its start to its last step (complete ones only). */
  latencyMs: Pick<LatencySummaryMs, 'p50' | 'p90' | 'p95' | 'p99' | 'max'> | null;
  /** Statuses an expect did not list, with counts. */
  unexpectedStatuses?: Record<string, number>;
  /** A flow's iterations that stopped before their last step. */
  incomplete?: number;
}

export interface GuardReport {
  name: string;
  condition: string;
  tripped: boolean;
  trippedAt: string | null;
  observed: string | null;
}

export interface FaultReport {
  id: string;
  phase: string;
  /** What it acted on: a Toxiproxy proxy's name, or (pause, kill) a process's from the scenario's processes. */
  proxy: string;
  /**
   * Set for a fault on a process: what it acted on, and what became of the process at the phase's end; for a kill,
   * how long after it the process was seen running again (a look every 100 ms; null: not seen back in the phase).
   */
  process?: { pid: number; command: string; outcome?: string; runningAgainAfterMs?: number | null };
  /** Set for a fault on a container: its id, name and image, and what became of it at the phase's end. */
  container?: { id: string; name: string; image: string; outcome?: string };
  /** Set for a starvation fault: the stress-ng process (pid, command line) and how it ended. */
  stressor?: { pid: number; command: string; outcome?: string };
  /** Set for a disk fill: its file, the MB written, whether the file system filled first, and how it ended. */
  fill?: { file: string; writtenMb: number; full: boolean; outcome?: string };
  kind: string;
  description: string;
  appliedAt: string;
  removedAt: string | null;
  /** When ordeal found the fault gone without having removed it (someone else did): its phase's checks are inconclusive. */
  removedExternallyAt?: string;
}

export interface SecondReport {
  /** The second of the run this entry starts at. */
  second: number;
  /**
   * How many seconds it spans: absent for one. A run over 30 min is rolled up away from the moments that matter
   * (phase edges, faults, guard trips, notes, clock stalls): 10-s and 1-min entries, counts summed and percentiles
   * of the merged histograms (harness/report/timeline-rollup.ts).
   */
  seconds?: number;
  phase: string;
  /** Intended arrivals per second, averaged over the part of this second the phase's load covered (open model); null in the closed model. */
  targetRate: number | null;
  /**
   * How many ms of this second the phase's load covered: under 1000 at a
   * phase edge (two phases share the second) and at the end of a run.
   * Rates over the second are requests / covered time. Absent in reports
   * written before ordeal recorded it.
   */
  coveredMs?: number;
  requests: number;
  dropped: number;
  unsent: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Open model: p99 send lag of the requests due in this second. */
  sendLagP99Ms: number | null;
}

/** How a comparison with an earlier run is judged (compare-runs.ts). */
export interface CompareOptions {
  /** A latency percentile may rise this much (relative) before it can be a regression. */
  latencyTolerancePercent: number;
  /** The error rate may rise this much (absolute, 0.005 = half a percentage point). */
  errorRateTolerance: number;
  /** The Mann-Whitney p-value below which a rise is not noise. */
  alpha: number;
  /** Fewer seconds than this on either side: too little to tell from noise. */
  minSeconds: number;
}

export interface ComparisonFinding {
  phase: string;
  metric: 'p95' | 'p99' | 'error rate';
  baseline: number | null;
  current: number | null;
  changePercent: number | null;
  pValue: number | null;
  status: 'regression' | 'ok' | 'inconclusive';
  regression: boolean;
  reason: string;
}

export interface ComparisonReport {
  baselineRunId: string;
  baselineFile?: string;
  options: CompareOptions;
  regressions: number;
  summary: string;
  findings: ComparisonFinding[];
}

/** Where a checkpoint stood. */
export interface CheckpointInfo {
  /** When it was written (ISO). */
  at: string;
  /** The phase running then (null: between phases). */
  runningPhase: string | null;
  /** The phases whose checks were settled then: judged as they will stay. */
  settledPhases: string[];
  /** Set by `ordeal report` on a checkpoint whose run never finished it. */
  interrupted?: boolean;
}

export interface SelfReport {
  at: string;
  rssMb: number;
  heapMb: number;
  /** The load workers' heaps (each thread has its own), when the driver has workers. */
  workersHeapMb?: number;
  loopLagP99Ms: number;
  gcMs: number;
  /** CPU time ordeal's process (every thread) used since the previous sample, ms (absent in reports before it). */
  cpuMs?: number;
}
