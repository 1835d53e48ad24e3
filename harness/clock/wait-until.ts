import { systemClock, type Clock } from './clock.ts';

export class WaitTimeoutError extends Error {
  readonly code = 'ORDEAL_WAIT_TIMEOUT';
}

/**
 * Calls `check` until it resolves to true, every `intervalMs`, for at most
 * `timeoutMs`; rejects with the last error (or a timeout) when it never does.
 * A check that throws counts as "not yet". Time comes from `clock`, so the
 * logic is tested with a fake clock (p-wait-for and friends take no clock).
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs: number; clock?: Clock; signal?: AbortSignal; what?: string },
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const deadlineMs = clock.nowMs() + options.timeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error as Error;
    }
    if (options.signal?.aborted) throw new WaitTimeoutError(`stopped waiting for ${options.what ?? 'the condition'}`);
    if (clock.nowMs() >= deadlineMs) {
      throw new WaitTimeoutError(
        `${options.what ?? 'the condition'} did not hold within ${options.timeoutMs} ms${lastError ? ` (last: ${lastError.message})` : ''}`,
        { cause: lastError },
      );
    }
    await clock.sleep(Math.min(options.intervalMs, Math.max(0, deadlineMs - clock.nowMs())), options.signal);
  }
}
