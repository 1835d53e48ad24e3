import { systemClock, type Clock } from '../clock/clock.ts';
import type { FaultRecord } from '../verdict/run-records.ts';
import type { FlowInputs } from '../flows/compiled-flow.ts';
import { prepareFlowInputs } from '../flows/flow-inputs.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import { RunNotifier } from '../notify/run-notifier.ts';
import { redactDeep } from '../flows/redact-secrets.ts';
import { createDriver } from '../load/create-driver.ts';
import type { LoadDriver } from '../load/load-driver.ts';
import { PhaseRecorder } from '../metrics/phase-recorder.ts';
import { buildReport } from '../report/build-report.ts';
import type { RunReport } from '../report/run-report.ts';
import type { Scenario, ScenarioInput } from '../scenario/scenario-schema.ts';
import { validateScenario } from '../scenario/validate-scenario.ts';
import { scenarioWarnings } from '../scenario/scenario-warnings.ts';
import { buildTimeline, type PlannedPhase, type Timeline } from '../scenario/timeline.ts';
import { SignalCollection } from '../signals/signal-collection.ts';
import { computePhaseStats } from '../verdict/phase-stats.ts';
import { type PhaseWindow } from '../checks/resilience-context.ts';
import type { OperatorNote, RecordedRun } from '../verdict/recorded-run.ts';
import { describeEnvironment } from './describe-environment.ts';
import { LiveFeed } from './live-feed.ts';
import { PhaseRunner } from './phase-runner.ts';
import { RunEvents } from '../events/run-events.ts';
import { createRunId } from './run-id.ts';
import { withBundledStackReads } from '../providers/bundled-stack/bundled-check-reads.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';
import { RunSession, type SessionOptions } from './run-session.ts';
import { RunWatch } from './run-watch.ts';
import type { Operator } from './operator.ts';
import { operatorControls, type RecordedFields } from './operator-controls.ts';
import { StopController } from './stop-controller.ts';
import { ClockWatch } from './clock-watch.ts';
import { SelfWatch } from './self-watch.ts';
import { Checkpoints } from './checkpoints.ts';
import { writeReports } from '../report/write-reports.ts';
import { CleanupStack } from '../lifecycle/cleanup-stack.ts';
import type { Stall } from '../verdict/clock-evidence.ts';

export interface RunOptions extends RunOverrides {
  scenarioFile?: string;
  /** Where {{ env.NAME }} comes from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The scenario's traffic already compiled (the CLI compiles it first, to know its secrets). */
  flowInputs?: FlowInputs;
  /** An operator's hand on the run (the live console, the terminal): confirm faults, skip a phase, notes, live snapshots. */
  operator?: Operator;
  runId?: string;
  clock?: Clock;
  driver?: LoadDriver;
  events?: RunEvents;
  /** Compresses every phase (0 < timeScale <= 1), for smoke runs. */
  timeScale?: number;
  /** Aborting stops load, removes faults and ends the run as "aborted" with `signal.reason`. */
  signal?: AbortSignal;
  /** Starts the infrastructure (injectable for tests of the stop paths). */
  startInfrastructure?: SessionOptions['startInfrastructure'];
  /** Starts the watchdog (injectable for tests of the stop paths). */
  startWatchdog?: SessionOptions['startWatchdog'];
  /**
   * Library: the report goes into `<reportDir>/<run-id>/` (report.json, summary.md, report.html, junit.xml) —
   * while the run goes, the report so far every scenario `report.checkpointEvery` (event 'checkpoint'), so a
   * process that dies keeps it (`ordeal report <folder>` finishes it as interrupted); at the end the final
   * report, which replaces the last checkpoint. (`ordeal run` writes into its --report-dir by itself.)
   */
  reportDir?: string;
}

/**
 * Runs a validated scenario and returns its report: `recordRun`, then the
 * judge and the serialiser (`buildReport`, pure).
 */
export async function runScenario(input: Scenario | ScenarioInput, options: RunOptions = {}): Promise<RunReport> {
  // The input form (defineScenario's) is validated here, like a file; a validated scenario is used as it is.
  const scenario = validateScenario(input, options.scenarioFile ?? 'scenario');
  const events = options.events ?? new RunEvents();
  const flowInputs =
    options.flowInputs ??
    (await prepareFlowInputs(scenario, { scenarioFile: options.scenarioFile, env: options.env ?? process.env }));
  const runId = options.runId ?? createRunId(scenario.name, (options.clock ?? systemClock).nowMs());
  // Notification channels hear the run as it goes; their URLs passed the allowlist with every other address.
  const notifyHttp = new GuardedHttp({
    allowlist: scenario.target.allowlist,
    allowNonLoopback: options.allowNonLoopback === true,
  });
  const notifier = new RunNotifier(scenario.notify, notifyHttp, { runId, scenario: scenario.name }, (message) =>
    events.emit('warning', { message }),
  );
  notifier.follow(events);
  const checkpoints =
    options.reportDir === undefined ? undefined : checkpointsInto(options.reportDir, scenario, events);
  const operator = checkpoints ? withCheckpoints(options.operator, checkpoints) : options.operator;
  try {
    const recorded = await recordRun(scenario, { ...options, operator, runId, events, flowInputs });
    await checkpoints?.stop();
    // Nothing a report holds comes from a request; a secret in an error message or a probe's note is replaced all the same.
    const built = redactDeep(buildReport(recorded), flowInputs.secrets);
    const notifications = await notifier.finish(built);
    const report = notifications.length > 0 ? { ...built, notifications } : built;
    if (options.reportDir !== undefined) await writeReports(report, options.reportDir);
    events.emit('runEnded', { report });
    return report;
  } finally {
    await checkpoints?.stop();
    await notifyHttp.close();
  }
}

/** runScenario's checkpoints: written with writeReports into the caller's folder, said as events. */
function checkpointsInto(dir: string, scenario: Scenario, events: RunEvents): Checkpoints {
  return new Checkpoints(scenario.report.checkpointEvery.ms, {
    write: async (report) => {
      const files = await writeReports(report, dir);
      return files.find((file) => file.endsWith('report.json')) ?? files[0]!;
    },
    written: (count, file) => events.emit('checkpoint', { count, file }),
    failed: (error) => events.emit('warning', { message: `checkpoint not written: ${error.message}` }),
  });
}

function withCheckpoints(operator: Operator | undefined, checkpoints: Checkpoints): Operator {
  return {
    ...operator,
    attach: (controls) => {
      checkpoints.attach(controls);
      operator?.attach?.(controls);
    },
  };
}

/**
 * Runs a validated scenario and returns what it recorded: opens a session
 * (watchdog, infrastructure, a warmed-up driver), runs each phase with its
 * faults while the service's signals, the guards and Toxiproxy are watched,
 * and removes every fault (also on abort and error). Errors before any load
 * are thrown; errors after load started end the run as inconclusive, with
 * everything recorded so far.
 */
export async function recordRun(given: Scenario, options: RunOptions = {}): Promise<RecordedRun> {
  // The bundled stack's provider fills in its own metric names; the scenario format assumes none.
  const scenario = withBundledStackReads(given);
  const clock = options.clock ?? systemClock;
  const events = options.events ?? new RunEvents();
  const timeScale = options.timeScale ?? 1;
  const runId = options.runId ?? createRunId(scenario.name, clock.nowMs());
  const timeline = buildTimeline(scenario, timeScale);
  // Templates, data and environment checked before anything starts: a missing variable or column is exit 2, nothing sent.
  const flowInputs =
    options.flowInputs ??
    (await prepareFlowInputs(scenario, { scenarioFile: options.scenarioFile, env: options.env ?? process.env }));
  const driver = options.driver ?? createDriver(scenario, clock, timeScale);
  // ordeal's own clocks: a stall (it did not run) or a wall-clock step, said at once; a stall also looks at the faults first thing.
  // Its looking thread starts before the session opens: its own start-up stays out of every measured phase.
  const onClock: { stall?: (stall: Stall) => void } = {};
  const clockWatch = new ClockWatch({
    onStall: (stall) => onClock.stall?.(stall),
    onStep: (step) =>
      events.emit('warning', {
        message: `the wall clock stepped ${step.byMs >= 0 ? '+' : '−'}${(Math.abs(step.byMs) / 1_000).toFixed(1)} s: ordeal times everything on its monotonic clock; checks on Prometheus' signals will be inconclusive`,
      }),
  });
  clockWatch.start();
  // ordeal's own memory, event-loop lag and GC on the timeline: does ordeal itself stay healthy for hours?
  const selfWatch = new SelfWatch(undefined, () => driver.workersHeapUsedBytes?.());
  selfWatch.start();
  // What a failure part-way must undo, pushed right after each thing starts (k6's defer): a throw anywhere
  // below stops the load driver, the infrastructure, the watchdog, the probes and the watches, and rethrows.
  const undo = new CleanupStack();
  undo.push('the clock watch', async () => void clockWatch.stop());
  undo.push('the self watch', async () => void selfWatch.stop());
  const session = await RunSession.open(scenario, {
    flowInputs,
    runId,
    clock,
    events,
    timeline,
    driver,
    overrides: options,
    signal: options.signal,
    startInfrastructure: options.startInfrastructure,
    startWatchdog: options.startWatchdog,
  }).catch(async (error: unknown) => {
    await undo.run();
    throw error;
  });
  undo.push('the session (load driver, infrastructure, watchdog)', async () => {
    for (const problem of await session.close()) events.emit('warning', { message: problem });
  });
  try {
    return await runPhases(scenario, options, {
      session,
      clockWatch,
      selfWatch,
      onClock,
      undo,
      events,
      clock,
      runId,
      timeline,
      timeScale,
      flowInputs,
      driver,
    });
  } catch (error) {
    for (const problem of await undo.run())
      events.emit('warning', { message: `cleaning up after a failure: ${problem}` });
    throw error;
  }
}

interface OpenRun {
  session: RunSession;
  clockWatch: ClockWatch;
  selfWatch: SelfWatch;
  onClock: { stall?: (stall: Stall) => void };
  undo: CleanupStack;
  events: RunEvents;
  clock: Clock;
  runId: string;
  timeline: Timeline;
  timeScale: number;
  flowInputs: FlowInputs;
  driver: LoadDriver;
}

/** A run whose session is open and whose watches are built: what the phases, the operator and the end share. */
interface Recording {
  scenario: Scenario;
  options: RunOptions;
  open: OpenRun;
  stop: StopController;
  runner: PhaseRunner;
  watch: RunWatch;
  signals: SignalCollection;
  feed: LiveFeed;
  recorder: PhaseRecorder;
  startedAtMs: number;
  windows: Map<string, PhaseWindow>;
  faultRecords: FaultRecord[];
  skippedPhases: Map<string, string>;
  notes: OperatorNote[];
  ended: boolean;
  removeAllFaults: () => Promise<void>;
  unfollow: () => void;
}

/** The phases of a run whose session is open; it undoes what it starts through `undo` when it throws. */
async function runPhases(scenario: Scenario, options: RunOptions, open: OpenRun): Promise<RecordedRun> {
  const { undo, events, onClock, runId, timeline } = open;
  const run = buildRecording(scenario, options, open);
  const { signals, watch, feed, startedAtMs } = run;
  options.operator?.attach?.(
    operatorControls({
      ...run,
      clock: open.clock,
      events,
      ended: () => run.ended,
      recorded: (fields) => recordedRun(run, fields),
      secrets: open.flowInputs.secrets,
    }),
  );
  for (const message of scenarioWarnings(scenario)) events.emit('warning', { message });
  onClock.stall = (stall) => {
    events.emit('warning', {
      message: `ordeal was not running for ${((stall.toMs - stall.fromMs) / 1_000).toFixed(1)} s (+${((stall.fromMs - startedAtMs) / 1_000).toFixed(1)} s to +${((stall.toMs - startedAtMs) / 1_000).toFixed(1)} s): the phases it overlaps will be inconclusive`,
    });
    void watch.verifyFaults();
  };
  signals.start();
  undo.push('the probes and scrapes', async () => signals.abandon());
  watch.start();
  undo.push('the guards and the fault watch', async () => void watch.stop());
  feed.start();
  undo.push('the live feed', async () => feed.stop());
  events.emit('runStarted', { runId, target: open.session.infrastructure.targetUrl.origin, timeline });
  await playPhases(run);
  return finishRecording(run);
}

/** The stop switch, the recorder, the signals, the phase runner, the watches and the live feed of an open run. */
function buildRecording(scenario: Scenario, options: RunOptions, open: OpenRun): Recording {
  const { session, undo, events, clock, timeline, driver } = open;
  const { infrastructure, http } = session;
  const faults = infrastructure.faults;
  const removeAllFaults = (): Promise<void> =>
    faults
      ?.removeAll()
      .catch((error: Error) => (stop.noteError(error.message), events.emit('warning', { message: error.message }))) ??
    Promise.resolve();
  // Faults go the moment the run stops, not after the load loops have wound down.
  const stop = new StopController(() => void removeAllFaults());
  const unfollow = stop.follow(options.signal);
  undo.push('the faults', async () => (unfollow(), await removeAllFaults()));
  const startedAtMs = clock.nowMs();
  const recorder = new PhaseRecorder(startedAtMs);
  const prometheus = infrastructure.prometheusUrl ? { http, url: infrastructure.prometheusUrl } : undefined;
  const signals = new SignalCollection({ scenario, http, targetUrl: infrastructure.targetUrl, prometheus, clock });
  const operator = options.operator;
  const confirmFaults = operator?.confirmFaults
    ? async (phase: PlannedPhase, signal: AbortSignal): Promise<void> => {
        if (!(await operator.confirmFaults!(phase, signal)))
          stop.stop({ kind: 'user', detail: `no operator confirmed the faults of phase ${phase.name} in time` });
      }
    : undefined;
  const runner: PhaseRunner = new PhaseRunner({
    driver,
    load: session.load,
    faults,
    recorder,
    events,
    clock,
    signal: stop.signal,
    beforeRemovingFaults: (): Promise<void> => watch.verifyFaults(),
    ...(confirmFaults ? { confirmFaults } : {}),
  });
  const watch = new RunWatch({
    scenario,
    faults,
    recorder,
    clock,
    prometheus,
    events,
    stop,
    currentPhase: () => runner.currentPhase(),
  });
  const feed = new LiveFeed({
    events,
    recorder,
    clock,
    timeline,
    maxSendLagMs: scenario.load.maxSendLag.ms,
    requestTimeoutMs: scenario.load.timeout.ms,
    activeFaults: () => runner.activeFaults(),
  });
  return {
    scenario,
    options,
    open,
    stop,
    runner,
    watch,
    signals,
    feed,
    recorder,
    startedAtMs,
    windows: new Map(),
    faultRecords: [],
    skippedPhases: new Map(),
    notes: [],
    ended: false,
    removeAllFaults,
    unfollow,
  };
}

/** Each phase in turn, until the last or until the run stops. */
async function playPhases(run: Recording): Promise<void> {
  const { stop, runner, feed, recorder, windows, open } = run;
  for (const phase of open.timeline.phases) {
    if (stop.stopped) break;
    const outcome = await runner.run(phase, (startMs) => feed.phaseStarted(phase, startMs));
    feed.phaseEnded();
    windows.set(phase.name, outcome.window);
    open.events.emit('phaseEnded', {
      phase,
      stats: computePhaseStats(phase, outcome.window, recorder.seconds(phase.name)),
    });
    if (outcome.skipped) run.skippedPhases.set(phase.name, outcome.skipped);
    run.faultRecords.push(...outcome.faults);
    if (outcome.error && !stop.stopped) stop.stop({ kind: 'infrastructure', detail: outcome.error.message });
  }
}

/** The run ends normally: each thing is undone here, in the order that keeps the record whole. */
async function finishRecording(run: Recording): Promise<RecordedRun> {
  const { stop, open, signals, startedAtMs } = run;
  open.undo.discard();
  run.unfollow();
  const clockRecord = open.clockWatch.stop();
  const self = open.selfWatch.stop();
  const guardOutcomes = run.watch.stop();
  await run.removeAllFaults();
  const { signals: recordedSignals, observedUntilMs } = await signals.stop(startedAtMs - 2_000);
  for (const problem of await open.session.close()) {
    stop.noteError(problem);
    open.events.emit('warning', { message: problem });
  }
  run.feed.stop();
  run.ended = true;
  return recordedRun(run, {
    endedAtMs: open.clock.nowMs(),
    windows: run.windows,
    faults: run.faultRecords,
    abortedBy: stop.abortedBy,
    infrastructureError: stop.infrastructureError,
    guards: guardOutcomes,
    signals: recordedSignals,
    observedUntilMs,
    clock: clockRecord,
    self,
  });
}

/** What the run recorded, as of now (the live snapshot) or at its end: the one builder of a RecordedRun. */
function recordedRun(run: Recording, fields: RecordedFields): RecordedRun {
  const { open, options, scenario } = run;
  const { session, driver } = open;
  return {
    runId: open.runId,
    scenario,
    scenarioFile: options.scenarioFile,
    timeline: open.timeline,
    target: session.infrastructure.targetUrl.origin,
    driver: { name: driver.name, model: driver.model },
    timeScale: open.timeScale,
    startedAtMs: run.startedAtMs,
    recorder: run.recorder,
    warmupRequests: session.warmupRequests,
    ...(session.readinessWaitMs !== undefined ? { readinessWaitMs: session.readinessWaitMs } : {}),
    vanishedFaults: [...run.watch.vanished],
    ...(session.lookupNotes.size > 0 ? { lookupNotes: session.lookupNotes } : {}),
    clock: open.clockWatch.record(),
    self: open.selfWatch.record(),
    ...(run.skippedPhases.size > 0 ? { skippedPhases: new Map(run.skippedPhases) } : {}),
    ...(run.notes.length > 0 ? { annotations: [...run.notes] } : {}),
    environment: describeEnvironment(),
    ...fields,
  };
}
