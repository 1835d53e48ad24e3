import { emptySignals } from '../../harness/checks/recorded-signals.ts';
import type { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { buildTimeline } from '../../harness/scenario/timeline.ts';
import type { Scenario } from '../../harness/scenario/scenario-schema.ts';
import type { RecordedRun } from '../../harness/verdict/recorded-run.ts';

/**
 * A recorded run of one phase from `startedAtMs` to `endMs` (its load all along), of what `recorder` holds: the
 * judge's and the report's input, for pure tests of them. `extra` adds faults and other records.
 */
export function onePhaseRun(
  scenario: Scenario,
  recorder: PhaseRecorder,
  startedAtMs: number,
  endMs: number,
  extra: Partial<RecordedRun> = {},
): RecordedRun {
  return {
    runId: scenario.name,
    scenario,
    timeline: buildTimeline(scenario),
    target: 'http://127.0.0.1:8080',
    driver: { name: 'ordeal', model: 'open' },
    timeScale: 1,
    startedAtMs,
    endedAtMs: endMs,
    windows: new Map([
      [scenario.phases[0]!.name, { startMs: startedAtMs, endMs, load: { startMs: startedAtMs, endMs } }],
    ]),
    faults: [],
    recorder,
    signals: emptySignals(),
    observedUntilMs: endMs,
    environment: {
      ordeal: 'test',
      node: process.version,
      platform: 'linux',
      cpus: 2,
      hostname: 'test',
      maxRssBytes: 0,
    },
    ...extra,
  };
}
