import { timeBaseNowMs } from './time-base.ts';

/** Time, injected so scheduling logic can be tested with a fake clock. */
export interface Clock {
  /** Now on ordeal's one time base (time-base.ts): monotonic, epoch-like ms, the same in every thread. */
  nowMs(): number;
  /** Resolves after `durationMs`, or early (without rejecting) when `signal` aborts. */
  sleep(durationMs: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: timeBaseNowMs,
  sleep: (durationMs, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, durationMs));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
