import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond resolution (monotonic within a thread). */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleepUntilEpochMs(epochMs: number): Promise<void> {
  const delayMs = epochMs - epochNowMs();
  return new Promise((resolve) => (delayMs >= 1 ? setTimeout(resolve, Math.floor(delayMs)) : setImmediate(resolve)));
}
