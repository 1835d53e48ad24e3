import { OrdealError } from '../errors/ordeal-error.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { isLeaseAlive, readLeases, removeLease } from './fault-lease.ts';
import { parseFaultName } from './fault-names.ts';
import { listProxies, removeRunFaults, type RemovedFaults } from './run-fault-cleaner.ts';
import { runsAliveByHeartbeat } from './run-heartbeat.ts';

export interface SweepResult {
  removed: RemovedFaults[];
  /** Runs whose faults stayed because they are alive (a fresh heartbeat in Toxiproxy, or a live lease here). */
  live: string[];
}

/**
 * Removes faults in the Toxiproxy at `toxiproxyUrl` that belong to runs no
 * longer alive, then drops those runs' leases. A run is alive while its
 * heartbeat in that Toxiproxy is fresh — which any ordeal, on any host and
 * with any state folder, can see — or while its lease here names a live
 * harness or watchdog. Faults of live runs, and of `exceptRunId`, stay.
 * `includeLive` removes every ordeal fault (`ordeal cleanup --all`).
 */
export async function sweepStaleFaults(
  http: GuardedHttp,
  toxiproxyUrl: string,
  options: { exceptRunId?: string; includeLive?: boolean; nowMs?: number } = {},
): Promise<SweepResult> {
  const leases = await readLeases();
  const proxies = await listProxies(http, toxiproxyUrl);
  const live = new Set([...leases.filter(isLeaseAlive).map((lease) => lease.runId), ...runsAliveByHeartbeat(proxies, options.nowMs ?? Date.now())]);
  const removed = await removeRunFaults(http, toxiproxyUrl, (runId) => runId !== options.exceptRunId && (options.includeLive === true || !live.has(runId)));
  const deadLeases = leases.filter((lease) => !live.has(lease.runId) && lease.runId !== options.exceptRunId);
  await Promise.all(deadLeases.filter((lease) => lease.toxiproxyUrl === toxiproxyUrl || lease.toxiproxyUrl === '').map((lease) => removeLease(lease.runId)));
  const runsHere = new Set(proxies.flatMap((p) => p.toxics.map((t) => parseFaultName(t.name)?.runId)).filter((id): id is string => id !== undefined));
  return { removed, live: options.includeLive ? [] : [...runsHere].filter((runId) => live.has(runId) && runId !== options.exceptRunId) };
}

export function describeSweep(result: SweepResult): string[] {
  return result.removed.map(({ runId, changes }) => `removed faults left by run ${runId} (no longer alive): ${changes.join('; ')}`);
}

/** Before a run touches a Toxiproxy: faults left there by dead runs go, and the user is told; a Toxiproxy that does not answer stops the run (exit 3). */
export async function sweepBeforeRun(http: GuardedHttp, toxiproxyUrl: string, runId: string, onMessage: (message: string) => void): Promise<void> {
  let result: SweepResult;
  try {
    result = await sweepStaleFaults(http, toxiproxyUrl, { exceptRunId: runId });
  } catch (cause) {
    throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${redactUrl(toxiproxyUrl)} does not answer (${(cause as Error).message}; start toxiproxy-server, or set toxiproxy.url)`, { cause });
  }
  describeSweep(result).forEach(onMessage);
}
