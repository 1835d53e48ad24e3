import { heartbeatName, parseFaultName } from './fault-names.ts';

/** A run refreshes its heartbeats this often... */
export const HEARTBEAT_REFRESH_MS = 5_000;
/** ...and is taken for dead this long after the last refresh (hosts' clocks may differ by a few seconds). */
export const HEARTBEAT_TTL_MS = 30_000;

/**
 * The heartbeat toxic: inert (toxicity 0, never applied to a connection), a
 * bandwidth toxic whose `rate` is the epoch second until which the run is
 * alive — a value that, even if it were ever applied, would throttle nothing.
 */
export function heartbeatToxic(
  runId: string,
  aliveUntilMs: number,
): { name: string; type: 'bandwidth'; stream: 'downstream'; toxicity: 0; attributes: { rate: number } } {
  return {
    name: heartbeatName(runId),
    type: 'bandwidth',
    stream: 'downstream',
    toxicity: 0,
    attributes: { rate: Math.ceil(aliveUntilMs / 1_000) },
  };
}

interface ListedToxic {
  name: string;
  attributes?: Record<string, unknown>;
}

/** Runs whose heartbeat, on any of these proxies, is still fresh at `nowMs`. */
export function runsAliveByHeartbeat(
  proxies: readonly { toxics: readonly ListedToxic[] }[],
  nowMs: number,
): Set<string> {
  const alive = new Set<string>();
  for (const proxy of proxies) {
    for (const toxic of proxy.toxics) {
      const parsed = parseFaultName(toxic.name);
      const aliveUntilSec = Number(toxic.attributes?.rate);
      if (parsed?.heartbeat && Number.isFinite(aliveUntilSec) && aliveUntilSec * 1_000 > nowMs) alive.add(parsed.runId);
    }
  }
  return alive;
}
