import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond resolution (monotonic within a thread). */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Sleeps on a timer (never spins): wakes at `epochMs` or up to about a millisecond after it. */
export function sleepUntilEpochMs(epochMs: number): Promise<void> {
  const delayMs = epochMs - epochNowMs();
  return new Promise((resolve) => (delayMs > 0 ? setTimeout(resolve, Math.ceil(delayMs)) : resolve()));
}
