export interface LivenessWatch {
  stop(): void;
}

/**
 * Calls `probe` every `intervalMs`; after `failuresAllowed + 1` failures in a
 * row, calls `onLost` once with the last error's message.
 */
export function watchLiveness(
  probe: () => Promise<unknown>,
  options: { onLost: (message: string) => void; intervalMs?: number; failuresAllowed?: number },
): LivenessWatch {
  let failures = 0;
  let probing = false;
  let lost = false;
  const timer = setInterval(() => {
    if (probing || lost) return;
    probing = true;
    probe()
      .then(() => (failures = 0))
      .catch((error: Error) => {
        failures += 1;
        if (failures > (options.failuresAllowed ?? 1)) {
          lost = true;
          clearInterval(timer);
          options.onLost(error.message);
        }
      })
      .finally(() => (probing = false));
  }, options.intervalMs ?? 500);
  return { stop: () => clearInterval(timer) };
}
