import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { errorKindOfFailure, errorKindOfStatus } from '../metrics/error-kind.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import { targetRateAt } from '../scenario/timeline.ts';
import type { LoadDriver, PhaseLoad } from './load-driver.ts';
import { createRequestPicker } from '../flows/request-mix.ts';

const RAMP_STEP_MS = 1_000;

/**
 * Load through autocannon's programmatic API. A constant-rate phase is one
 * autocannon run with `overallRate`; a ramp is a run per second at the
 * interpolated rate. autocannon is a closed-model tool: when the target stalls,
 * its connections wait, so the achieved rate drops (the report shows it).
 */
export class AutocannonDriver implements LoadDriver {
  readonly name = 'autocannon';
  readonly model = 'closed' as const;

  constructor(private readonly clock: Clock = systemClock) {}

  async runPhase(load: PhaseLoad, recorder: PhaseRecorder, signal: AbortSignal): Promise<void> {
    const { phase } = load;
    const isRamp = phase.fromRatePerSec !== phase.toRatePerSec;
    const startMs = this.clock.nowMs();
    const endMs = startMs + phase.durationMs;
    while (!signal.aborted) {
      const offsetMs = this.clock.nowMs() - startMs;
      const remainingMs = endMs - this.clock.nowMs();
      if (remainingMs < 50) break;
      const stepMs = isRamp ? Math.min(RAMP_STEP_MS, remainingMs) : remainingMs;
      const ratePerSec = Math.round(targetRateAt(phase, offsetMs + stepMs / 2));
      if (ratePerSec < 1) await this.clock.sleep(stepMs, signal);
      else await this.runStep(load, ratePerSec, stepMs, recorder, signal);
    }
  }

  private async runStep(
    load: PhaseLoad,
    ratePerSec: number,
    stepMs: number,
    recorder: PhaseRecorder,
    signal: AbortSignal,
  ): Promise<void> {
    // Loaded when this driver runs: it is heavy, and the default driver does not need it.
    const { default: autocannon } = await import('autocannon');
    const pick = createRequestPicker(load.requests);
    const phaseName = load.phase.name;
    const clock = this.clock;
    return new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: load.baseUrl.origin,
          connections: Math.max(1, Math.min(load.connections, ratePerSec)),
          overallRate: ratePerSec,
          duration: stepMs / 1_000,
          timeout: Math.max(1, Math.ceil(load.timeoutMs / 1_000)),
          requests: [{ setupRequest: (request) => ({ ...request, ...pick() }) }],
        },
        (error) => {
          signal.removeEventListener('abort', stop);
          if (error) reject(error);
          else resolve();
        },
      );
      const stop = (): void => instance.stop();
      signal.addEventListener('abort', stop, { once: true });
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
        recorder.recordResponse(phaseName, clock.nowMs(), responseTimeMs, errorKindOfStatus(statusCode));
      });
      instance.on('reqError', (error: Error) => {
        recorder.recordFailure(phaseName, clock.nowMs(), errorKindOfFailure(error));
      });
    });
  }
}
