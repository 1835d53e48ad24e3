import type { Clock } from '../clock/clock.ts';
import type { FaultController } from '../faults/fault-controller.ts';
import type { VanishedFault } from '../verdict/run-records.ts';
import { GuardMonitor } from '../guards/guard-monitor.ts';
import type { GuardOutcome } from '../verdict/run-records.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { scenarioUsesFaults } from '../scenario/scenario-needs.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { PrometheusEndpoint } from '../signals/prometheus-api.ts';
import { watchLiveness } from './liveness-watch.ts';
import type { RunEvents } from '../events/run-events.ts';
import type { StopController } from './stop-controller.ts';

export interface RunWatchSources {
  scenario: Scenario;
  faults?: FaultController;
  recorder: PhaseRecorder;
  clock: Clock;
  prometheus?: PrometheusEndpoint;
  events: RunEvents;
  stop: StopController;
  currentPhase: () => string | undefined;
}

/**
 * What stops a run or taints its verdict while it runs: the scenario's
 * guards (a trip stops the run), and its faults in Toxiproxy (Toxiproxy gone
 * stops the run; a fault someone removed taints its phase).
 */
export class RunWatch {
  private readonly guards: GuardMonitor;
  private readonly faultWatch?: { stop(): void };
  readonly vanished: VanishedFault[] = [];

  constructor(sources: RunWatchSources) {
    const { scenario, faults, events, stop } = sources;
    this.guards = new GuardMonitor(scenario.guards, {
      recorder: sources.recorder,
      clock: sources.clock,
      prometheus: sources.prometheus,
      currentPhase: sources.currentPhase,
      onTrip: (trip) => {
        events.emit('guardTripped', { trip });
        stop.stop({ kind: 'guard', detail: `guard "${trip.name}" (${trip.observed})` });
      },
      onWarning: (message) => events.emit('warning', { message }),
    });
    if (faults && scenarioUsesFaults(scenario)) {
      this.verify = async () => {
        for (const gone of await faults.verify()) {
          this.vanished.push(gone);
          events.emit('warning', {
            message: `fault ${describeFault(gone.applied.fault)} (phase ${gone.applied.phase}) was removed by someone else: ${gone.how}; that phase's checks will be inconclusive`,
          });
        }
      };
      this.faultWatch = watchLiveness(this.verify, {
        onLost: (message) =>
          stop.stop({
            kind: 'infrastructure',
            detail: `Toxiproxy stopped answering mid-run (${message}); load stopped, the run cannot be judged`,
          }),
      });
    }
  }

  private readonly verify?: () => Promise<void>;

  /**
   * Looks at the faults in Toxiproxy now, outside the 500 ms rhythm: first
   * thing after ordeal stalled, and before a phase removes its faults (a fault
   * someone removed during a pause is noticed, not recorded as removed by us).
   */
  async verifyFaults(): Promise<void> {
    await this.verify?.().catch(() => undefined);
  }

  start(): void {
    this.guards.start();
  }

  /** Each guard's outcome so far (watching goes on). */
  guardOutcomes(): GuardOutcome[] {
    return this.guards.outcomes();
  }

  /** Stops watching; returns each guard's outcome. */
  stop(): GuardOutcome[] {
    this.faultWatch?.stop();
    return this.guards.stop();
  }
}
