import { timeBaseNowMs } from '../clock/time-base.ts';

/** Now on ordeal's one time base (epoch-like ms, monotonic, sub-millisecond, the same in every thread). */
export function epochNowMs(): number {
  return timeBaseNowMs();
}

/** Sleeps on a timer (never spins): wakes at `epochMs` or up to about a millisecond after it. */
export function sleepUntilEpochMs(epochMs: number): Promise<void> {
  const delayMs = epochMs - epochNowMs();
  return new Promise((resolve) => (delayMs > 0 ? setTimeout(resolve, Math.ceil(delayMs)) : resolve()));
}
