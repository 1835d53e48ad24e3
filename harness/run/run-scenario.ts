import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import type { AppliedFault, FaultController, VanishedFault } from '../faults/fault-controller.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';
import { createDriver } from '../load/create-driver.ts';
import type { LoadDriver, PhaseSendWindow } from '../load/load-driver.ts';
import { BucketDeltas } from '../metrics/bucket-deltas.ts';
import { PhaseRecorder } from '../metrics/phase-recorder.ts';
import { lastSecondOf, phaseTotals } from '../metrics/progress-window.ts';
import { buildReport } from '../report/build-report.ts';
import type { RunReport } from '../report/run-report.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { formatMs } from '../report/format-number.ts';
import { parseDurationMs } from '../scenario/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { buildTimeline, targetRateAt, type PlannedPhase } from '../scenario/timeline.ts';
import { computePhaseStats, type PhaseWindow } from '../verdict/phase-stats.ts';
import { HealthProber } from '../signals/health-prober.ts';
import { collectPrometheusSignals } from '../signals/prometheus-signals.ts';
import { emptySignals } from '../signals/recorded-signals.ts';
import { queriesFor, scrapeSelectorsFor } from '../verdict/resilience/evaluate-resilience.ts';
import { MetricsScraper } from '../signals/metrics-scraper.ts';
import { RunEvents } from './run-events.ts';
import { createRunId } from './run-id.ts';
import { checkAddresses, checkResolvedAddresses, startRunInfrastructure, usesFaults, type StartedRunInfrastructure } from './run-infrastructure.ts';
import type { ToxiproxyProvider } from '../toxiproxy/start-toxiproxy.ts';
import { startFaultWatchdog } from '../faults/fault-watchdog.ts';
import { GuardMonitor, type GuardOutcome } from '../guards/guard-monitor.ts';
import { scenarioNeedsPrometheus } from '../scenario/scenario-needs.ts';
import { watchLiveness } from './liveness-watch.ts';

const PROMETHEUS_SETTLE_MS = 2_000;

function wantsHealthProbes(scenario: Scenario): boolean {
  return scenario.health !== undefined || scenario.checks.some((c) => c.kind === 'health');
}

function createHealthProber(http: GuardedHttp, scenario: Scenario, baseUrl: URL): HealthProber {
  const health = scenario.health ?? { interval: '1s', timeout: '3s', paths: { live: '/health/live', ready: '/health/ready', startup: '/health/startup' } };
  return new HealthProber(http, baseUrl, health.paths, parseDurationMs(health.interval)!, parseDurationMs(health.timeout)!);
}

function needsWatchdog(scenario: Scenario): boolean {
  return scenario.stack !== undefined || usesFaults(scenario) || scenarioNeedsPrometheus(scenario);
}

export interface RunOptions {
  scenarioFile?: string;
  runId?: string;
  clock?: Clock;
  driver?: LoadDriver;
  events?: RunEvents;
  /** Compresses every phase (0 < timeScale <= 1), for smoke runs. */
  timeScale?: number;
  targetUrl?: string;
  toxiproxyUrl?: string;
  prometheusUrl?: string;
  allowNonLoopback?: boolean;
  /** How to start a Toxiproxy when the scenario names none: "auto" (default), "binary" or "container". */
  toxiproxyProvider?: ToxiproxyProvider;
  /** Aborting stops load, removes faults and ends the run as "aborted" with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Runs a validated scenario: starts what it needs, drives each phase with its
 * faults, removes every fault it applied (also on abort and error), and
 * returns the report. Errors before any load (bad addresses, unreachable
 * infrastructure) are thrown; errors after load started end the run as
 * inconclusive, with everything recorded so far.
 */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? new RunEvents();
  const timeScale = options.timeScale ?? 1;
  const driver = options.driver ?? createDriver(scenario, clock, timeScale);
  const runId = options.runId ?? createRunId(scenario.name, clock.nowMs());
  const signal = options.signal ?? new AbortController().signal;
  const timeline = buildTimeline(scenario, timeScale);
  const maxSendLagMs = parseDurationMs(scenario.load.maxSendLag) ?? 10;

  checkAddresses(scenario, options);
  const policy: NetworkPolicy = { allowlist: scenario.target.allowlist, allowNonLoopback: options.allowNonLoopback === true };
  await checkResolvedAddresses(scenario, options, policy);
  const http = new GuardedHttp(policy);
  // Before anything starts: a watchdog process that undoes this run's faults and stops what it started if ordeal dies.
  const watchdog = needsWatchdog(scenario) ? await startFaultWatchdog(runId) : undefined;
  let infrastructure: StartedRunInfrastructure;
  try {
    infrastructure = await startRunInfrastructure(scenario, {
      runId,
      http,
      targetUrl: options.targetUrl,
      toxiproxyUrl: options.toxiproxyUrl,
      prometheusUrl: options.prometheusUrl,
      allowNonLoopback: options.allowNonLoopback,
      onMessage: (message) => events.emit('infrastructure', { message }),
      onOwnedProcess: (pid) => watchdog?.own(pid),
      onOwnedContainer: (id) => watchdog?.ownContainer(id),
      toxiproxyProvider: options.toxiproxyProvider,
      onToxiproxy: async (url, runPolicy) => watchdog?.guardToxiproxy(url, runPolicy),
    });
  } catch (error) {
    await watchdog?.release();
    await http.close();
    throw error;
  }

  const loadTarget = {
    baseUrl: infrastructure.targetUrl,
    connectAddress: infrastructure.targetAddress,
    requests: scenario.requests,
    connections: scenario.load.connections,
    timeoutMs: parseDurationMs(scenario.load.timeout) ?? 5_000,
  };
  let warmupRequests = 0;
  try {
    await driver.prepare?.(loadTarget);
    // The generator's own start-up (code not yet optimised, connections not open) stays out of every measurement.
    const first = timeline.phases[0]!;
    const warmupMs = scenario.load.warmup === false ? 0 : (parseDurationMs(scenario.load.warmup) ?? 0);
    if (driver.warmUp) {
      events.emit('infrastructure', { message: warmupMs > 0 ? `warming up the generator for ${scenario.load.warmup} (untimed requests, not recorded)` : 'opening connections' });
      warmupRequests = (await driver.warmUp({ ...loadTarget, phase: first, vus: first.vus }, warmupMs, signal)).requests;
    }
  } catch (error) {
    await driver.close?.().catch(() => undefined);
    await infrastructure.stop().catch(() => undefined);
    await watchdog?.release();
    await http.close();
    throw error;
  }

  const startedAtMs = clock.nowMs();
  const recorder = new PhaseRecorder(startedAtMs);
  const healthProber = wantsHealthProbes(scenario) ? createHealthProber(http, scenario, infrastructure.targetUrl) : undefined;
  healthProber?.start();
  const scrapeSelectors = scrapeSelectorsFor(scenario.checks);
  const scraper =
    scrapeSelectors.length > 0
      ? new MetricsScraper(http, new URL(scenario.scrape?.url ?? '/metrics', infrastructure.targetUrl), scrapeSelectors, parseDurationMs(scenario.scrape?.interval ?? '1s')!, 3_000)
      : undefined;
  scraper?.start();
  let signals = emptySignals();
  let observedUntilMs = startedAtMs;
  let guardOutcomes: GuardOutcome[] = [];
  const windows = new Map<string, PhaseWindow>();
  const applied: AppliedFault[] = [];
  const vanishedFaults: VanishedFault[] = [];
  const prometheusEndpoint = infrastructure.prometheusUrl ? { http, url: infrastructure.prometheusUrl } : undefined;
  let infrastructureError: string | undefined;
  let currentPhase: string | undefined;
  let abortedBy: string | undefined;
  // One signal stops the load: the user's (SIGINT), a guard's, or infrastructure lost mid-run.
  const stopRun = new AbortController();
  const stopWith = (reason: { abortedBy?: string; error?: string }): void => {
    if (stopRun.signal.aborted) return;
    abortedBy ??= reason.abortedBy;
    if (reason.error) infrastructureError ??= reason.error;
    stopRun.abort(reason.abortedBy ?? reason.error);
    // Faults go at once, not after the load loops have wound down.
    void removeAllFaults(infrastructure.faults);
  };
  if (signal.aborted) stopWith({ abortedBy: String(signal.reason ?? 'abort') });
  const onUserAbort = (): void => stopWith({ abortedBy: String(signal.reason ?? 'abort') });
  signal.addEventListener('abort', onUserAbort, { once: true });
  const guards = new GuardMonitor(scenario.guards, {
    recorder,
    clock,
    prometheus: prometheusEndpoint,
    currentPhase: () => currentPhase,
    onTrip: (trip) => {
      events.emit('guardTripped', { trip });
      stopWith({ abortedBy: `guard "${trip.name}" (${trip.observed})` });
    },
    onWarning: (message) => events.emit('warning', { message }),
  });
  const toxiproxyWatch =
    infrastructure.faults && usesFaults(scenario)
      ? watchLiveness(async () => {
          // A fault someone removed mid-phase: the phase is no longer what the scenario describes.
          for (const gone of await infrastructure.faults!.verify()) {
            vanishedFaults.push(gone);
            events.emit('warning', { message: `fault ${describeFault(gone.applied.fault)} (phase ${gone.applied.phase}) was removed by someone else: ${gone.how}; that phase's checks will be inconclusive` });
          }
        }, {
          onLost: (message) => stopWith({ error: `Toxiproxy stopped answering mid-run (${message}); load stopped, the run cannot be judged` }),
        })
      : undefined;
  guards.start();
  const recordedDeltas = new BucketDeltas();
  /** Hands what was recorded to subscribers (telemetry), as deltas: two seconds behind the clock, or everything at the end. */
  const emitRecordedSeconds = (final: boolean): void => {
    const lastSecond = final ? Number.POSITIVE_INFINITY : Math.floor((clock.nowMs() - startedAtMs) / 1_000) - 2;
    const buckets = recordedDeltas.take(recorder.allSeconds(), lastSecond);
    if (buckets.length > 0) events.emit('secondsRecorded', { buckets });
  };
  const recordedTicker = setInterval(() => emitRecordedSeconds(false), 1_000);
  events.emit('runStarted', { runId, target: infrastructure.targetUrl.origin, timeline });
  try {
    for (const phase of timeline.phases) {
      if (stopRun.signal.aborted) break;
      await runPhase(phase);
    }
  } catch (error) {
    if (!stopRun.signal.aborted) infrastructureError = (error as Error).message;
  } finally {
    currentPhase = undefined;
    signal.removeEventListener('abort', onUserAbort);
    toxiproxyWatch?.stop();
    guardOutcomes = guards.stop();
    await removeAllFaults(infrastructure.faults);
    await driver.close?.().catch((error: Error) => (infrastructureError ??= `stopping the load driver: ${error.message}`));
    clearInterval(recordedTicker);
    emitRecordedSeconds(true);
    const health = healthProber?.stop() ?? new Map();
    const scraped = scraper?.stop() ?? new Map();
    observedUntilMs = clock.nowMs();
    if (infrastructure.prometheusUrl) {
      // Let Prometheus scrape and evaluate the last seconds before reading them back.
      await clock.sleep(PROMETHEUS_SETTLE_MS);
      const queries = queriesFor(scenario.checks);
      const fromPrometheus = await collectPrometheusSignals(prometheusEndpoint!, queries, startedAtMs - 2_000, clock.nowMs());
      signals = { ...fromPrometheus, series: new Map([...fromPrometheus.series, ...scraped]), health };
    } else signals = { ...emptySignals(), series: scraped, health };
    await infrastructure.stop().catch((error: Error) => events.emit('warning', { message: `stopping infrastructure: ${error.message}` }));
    // A fault that could not be removed stays the watchdog's job: it retries when ordeal exits.
    if ((infrastructure.faults?.active().length ?? 0) === 0) await watchdog?.release();
    await http.close();
  }

  const report = buildReport({
    runId,
    scenario,
    scenarioFile: options.scenarioFile,
    timeline,
    target: infrastructure.targetUrl.origin,
    driver: { name: driver.name, model: driver.model },
    timeScale,
    startedAtMs,
    endedAtMs: clock.nowMs(),
    windows,
    faults: applied,
    recorder,
    abortedBy,
    infrastructureError,
    guards: guardOutcomes,
    signals,
    observedUntilMs,
    warmupRequests,
    vanishedFaults,
  });
  events.emit('runEnded', { report });
  return report;

  async function runPhase(phase: PlannedPhase): Promise<void> {
    const phaseStartMs = clock.nowMs();
    currentPhase = phase.name;
    windows.set(phase.name, { startMs: phaseStartMs, endMs: phaseStartMs });
    events.emit('phaseStarted', { phase });
    const phaseFaults: AppliedFault[] = [];
    const ticker = setInterval(() => emitProgress(phase, phaseStartMs, phaseFaults), 1_000);
    let loadWindow: PhaseSendWindow | void = undefined;
    try {
      // Connections this phase needs beyond those open, opened before its faults (nothing is sent).
      if (phase.index > 0) await driver.warmUp?.({ ...loadTarget, phase, vus: phase.vus }, 0, stopRun.signal);
      for (const fault of phase.faults) {
        if (stopRun.signal.aborted) return;
        const done = await infrastructure.faults!.apply(fault, phase.name);
        phaseFaults.push(done);
        applied.push(done);
        events.emit('faultApplied', { fault: done });
      }
      loadWindow = await driver.runPhase({ ...loadTarget, phase, vus: phase.vus }, recorder, stopRun.signal);
    } finally {
      clearInterval(ticker);
      windows.set(phase.name, { startMs: phaseStartMs, endMs: clock.nowMs(), ...(loadWindow ? { load: loadWindow } : {}) });
      for (const fault of phaseFaults.reverse()) {
        await infrastructure.faults!.remove(fault);
        events.emit('faultRemoved', { fault });
      }
    }
    const stats = computePhaseStats(phase, windows.get(phase.name), recorder.seconds(phase.name));
    events.emit('phaseEnded', { phase, stats });
  }

  function emitProgress(phase: PlannedPhase, phaseStartMs: number, phaseFaults: readonly AppliedFault[]): void {
    const nowMs = clock.nowMs();
    const elapsedMs = nowMs - phaseStartMs;
    const lastSecond = Math.floor((nowMs - startedAtMs) / 1_000) - 1;
    const window = lastSecondOf(recorder, phase.name, lastSecond);
    const totals = phaseTotals(recorder, phase.name);
    const behind =
      (window.sendLagP99Ms ?? 0) > maxSendLagMs || window.unsent > 0
        ? `generator behind: send lag p99 ${formatMs(window.sendLagP99Ms)} ms${window.unsent > 0 ? `, ${window.unsent} unsent` : ''}; add workers`
        : undefined;
    events.emit('progress', {
      phase: phase.name,
      phaseIndex: phase.index,
      phaseCount: timeline.phases.length,
      elapsedMs: nowMs - startedAtMs,
      remainingMs: Math.max(0, timeline.totalDurationMs - (phase.startOffsetMs + elapsedMs)),
      targetRatePerSec: Math.round(targetRateAt(phase, elapsedMs)),
      achievedRatePerSec: window.sent,
      p95Ms: window.p95Ms,
      sendLagP99Ms: window.sendLagP99Ms,
      ...(behind ? { generatorBehind: behind } : {}),
      phaseErrors: totals.errors,
      phaseRequests: totals.requests,
      activeFaults: phaseFaults.filter((f) => f.removedAtMs === undefined).map((f) => describeFault(f.fault)),
    });
  }

  async function removeAllFaults(faults: FaultController | undefined): Promise<void> {
    await faults?.removeAll().catch((error: Error) => {
      infrastructureError ??= error.message;
      events.emit('warning', { message: error.message });
    });
  }
}
