/**
 * Connections an open-model worker needs for `ratePerSec` when responses take
 * `latencyMs`: those in flight at once (rate × latency), plus a batch of
 * arrivals sent together on one timer tick (about a millisecond's worth),
 * doubled for bursts. Pure.
 */
export function connectionsNeeded(ratePerSec: number, latencyMs: number, cap: number): number {
  if (ratePerSec <= 0) return 0;
  const TICK_MS = 2;
  return Math.min(cap, Math.ceil((ratePerSec / 1_000) * (latencyMs + TICK_MS) * 2) + 1);
}
