import { Duration } from '../notation/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { PROMETHEUS_SETTLE_MS } from '../signals/signal-collection.ts';

/** Every duration a check names (firesWithin, resolvesWithin, after, …), summed: how far past its phase it may look. */
function durationsNamedMs(check: Record<string, unknown>): number {
  return Object.values(check).reduce<number>((sum, value) => sum + (value instanceof Duration ? value.ms : 0), 0);
}

/**
 * How long after a phase ends its checks can still change: its last
 * requests' responses (up to the load's timeout) and, for checks of the
 * service's signals, every window they name after the phase plus the time
 * Prometheus takes to have the last seconds. After that a check is settled.
 */
export function settleMarginMs(scenario: Scenario, phase: string): number {
  const requestsMs = scenario.load.timeout.ms;
  const signalsMs = scenario.checks
    .filter((check) => ('phase' in check ? check.phase === phase : (check.phases?.includes(phase) ?? true)))
    .map((check) => durationsNamedMs(check) + PROMETHEUS_SETTLE_MS);
  return Math.max(requestsMs, ...signalsMs);
}
