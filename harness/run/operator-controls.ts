import type { Clock } from '../clock/clock.ts';
import type { FaultRecord } from '../verdict/run-records.ts';
import { redactDeep } from '../flows/redact-secrets.ts';
import { lastCompleteSecond, type PhaseRecorder } from '../metrics/phase-recorder.ts';
import { buildReport } from '../report/build-report.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { SignalCollection } from '../signals/signal-collection.ts';
import type { PhaseWindow } from '../checks/resilience-context.ts';
import type { OperatorNote, RecordedRun } from '../verdict/recorded-run.ts';
import { settleMarginMs } from './check-settling.ts';
import { cleanNoteText, MAX_NOTES, type LiveSnapshot, type OperatorControls } from './operator.ts';
import type { PhaseRunner } from './phase-runner.ts';
import type { RunEvents } from '../events/run-events.ts';
import type { RunWatch } from './run-watch.ts';

/** The fields of a RecordedRun that differ between a live snapshot and the end of the run. */
export type RecordedFields = Pick<
  RecordedRun,
  'endedAtMs' | 'windows' | 'faults' | 'guards' | 'signals' | 'observedUntilMs'
> &
  Partial<RecordedRun>;

/** What the operator's hand reaches in a running run. */
export interface RunningRun {
  scenario: Scenario;
  runner: PhaseRunner;
  watch: RunWatch;
  signals: SignalCollection;
  recorder: PhaseRecorder;
  clock: Clock;
  events: RunEvents;
  startedAtMs: number;
  /** The windows of the phases that ended, and the faults they held. */
  windows: ReadonlyMap<string, PhaseWindow>;
  faultRecords: readonly FaultRecord[];
  /** The notes so far (annotate adds to it). */
  notes: OperatorNote[];
  /** True once the run's record is closed: no note is taken after it. */
  ended: () => boolean;
  /** The run's record with the given fields (run-scenario's one builder, shared with the end of the run). */
  recorded: (fields: RecordedFields) => RecordedRun;
  secrets: readonly string[];
}

/** The controls an operator (live console, terminal) gets once the run has started. */
export function operatorControls(run: RunningRun): OperatorControls {
  const { runner, clock, events, notes } = run;
  return {
    runningPhase: () => runner.currentPhase(),
    skipPhase: (reason) => runner.skipCurrent(reason),
    annotate: (text, source) => {
      if (run.ended()) throw new RangeError('the run has ended');
      if (notes.length >= MAX_NOTES) throw new RangeError(`this run already holds ${MAX_NOTES} notes`);
      const phase = runner.currentPhase();
      const note: OperatorNote = {
        atMs: clock.nowMs(),
        ...(phase ? { phase } : {}),
        text: cleanNoteText(text),
        source,
      };
      notes.push(note);
      events.emit('annotation', { note });
      return note;
    },
    snapshot: () => liveSnapshot(run),
  };
}

/** The run so far as a provisional report: the running phase up to now, its checks not yet settled. */
async function liveSnapshot(run: RunningRun): Promise<LiveSnapshot> {
  const { runner, clock, scenario, recorder } = run;
  const nowMs = clock.nowMs();
  const running = runner.runningPhase();
  const liveWindows = new Map(run.windows);
  if (running) liveWindows.set(running.name, { startMs: running.startMs, endMs: nowMs });
  const live = await run.signals.snapshot(run.startedAtMs - 2_000);
  const recorded = run.recorded({
    endedAtMs: nowMs,
    windows: liveWindows,
    faults: [...run.faultRecords, ...runner.activeFaults()],
    guards: run.watch.guardOutcomes(),
    signals: live.signals,
    observedUntilMs: Math.min(live.observedUntilMs, nowMs),
  });
  const settledAtMs = Object.fromEntries(
    [...run.windows].map(([name, window]) => [name, window.endMs + settleMarginMs(scenario, name)]),
  );
  const report = redactDeep(buildReport(recorded), run.secrets);
  // The charts end at the last second the workers have handed over: a second still arriving is not a dip.
  const complete = lastCompleteSecond(recorder, nowMs);
  report.timeseries = report.timeseries.filter((s) => s.second <= complete);
  return { report, ...(running ? { runningPhase: running.name } : {}), settledAtMs, nowMs };
}
