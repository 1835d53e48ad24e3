import type { Clock } from '../clock/clock.ts';
import type { RestartSighting } from '../checks/resilience-context.ts';
import type { ProcessIdentity } from '../process/process-identity.ts';

/** How often a killed process is looked up again while the watch waits for it to run again. */
export const RESTART_LOOK_INTERVAL_MS = 100;

export interface RestartWatch {
  /** What was seen so far (final once `stop` resolves). */
  readonly sighting: RestartSighting;
  /** Ends the watch (at the fault's end); resolves when no look is in flight. */
  stop(): Promise<void>;
}

/**
 * Watches for `killed` running again: looks it up every RESTART_LOOK_INTERVAL_MS from the kill until it is seen
 * back (a process whose pid or start time differs from the killed one) or `stop()` is called, so at most one look
 * is in flight and the loop always ends. `lookup` rejects while the process is not running.
 */
export function watchForRestart(
  killed: ProcessIdentity,
  killedAtMs: number,
  lookup: () => Promise<ProcessIdentity>,
  clock: Clock,
): RestartWatch {
  const sighting: RestartSighting = { lookedNotBackAtMs: killedAtMs };
  const stopping = new AbortController();
  const isBack = (now: ProcessIdentity | undefined): boolean =>
    now !== undefined && (now.pid !== killed.pid || now.startTicks !== killed.startTicks);
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const lookedAtMs = clock.nowMs();
      const now = await lookup().catch(() => undefined);
      if (isBack(now)) {
        sighting.seenBackAtMs = clock.nowMs();
        return;
      }
      sighting.lookedNotBackAtMs = lookedAtMs;
      await clock.sleep(RESTART_LOOK_INTERVAL_MS, stopping.signal);
    }
  })();
  return {
    sighting,
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
