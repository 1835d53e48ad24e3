import { OrdealError } from '../errors/ordeal-error.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { isLeaseAlive, readLeases, removeLease } from './fault-lease.ts';
import { parseFaultName } from './fault-names.ts';
import { listProxies, removeOwnedProxies, removeRunFaults, type RemovedFaults } from './run-fault-cleaner.ts';
import { runsAliveByHeartbeat } from './run-heartbeat.ts';
import { wallClockMs } from '../clock/time-base.ts';

export interface SweepResult {
  removed: RemovedFaults[];
  /** Proxies ordeal created for runs that are gone, deleted (none that a live run still uses). */
  deletedProxies: RemovedFaults[];
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
  const live = new Set([
    ...leases.filter(isLeaseAlive).map((lease) => lease.runId),
    ...runsAliveByHeartbeat(proxies, options.nowMs ?? wallClockMs()),
  ]);
  // A run that began since the listing above (its proxy and heartbeat just made) shows a fresh heartbeat in the
  // listing each pass acts on, and is left alone.
  const isGone = (runId: string, beating: boolean): boolean =>
    runId !== options.exceptRunId && (options.includeLive === true || (!live.has(runId) && !beating));
  const nowMs = options.nowMs ?? wallClockMs();
  const removed = await removeRunFaults(http, toxiproxyUrl, isGone, new Map(), nowMs);
  // The proxies those runs created go too, once no live run uses them (a rerun creates them again).
  const deletedProxies = await removeOwnedProxies(http, toxiproxyUrl, isGone, nowMs);
  const deadLeases = leases.filter((lease) => !live.has(lease.runId) && lease.runId !== options.exceptRunId);
  await Promise.all(
    deadLeases
      .filter((lease) => lease.toxiproxyUrl === toxiproxyUrl || lease.toxiproxyUrl === '')
      .map((lease) => removeLease(lease.runId)),
  );
  const runsHere = new Set(
    proxies
      .flatMap((p) => p.toxics.map((t) => parseFaultName(t.name)?.runId))
      .filter((id): id is string => id !== undefined),
  );
  return {
    removed,
    deletedProxies,
    live: options.includeLive ? [] : [...runsHere].filter((runId) => live.has(runId) && runId !== options.exceptRunId),
  };
}

export function describeSweep(result: SweepResult): string[] {
  return [
    ...result.removed.map(
      ({ runId, changes }) => `removed faults left by run ${runId} (no longer alive): ${changes.join('; ')}`,
    ),
    ...result.deletedProxies.map(
      ({ runId, changes }) =>
        `deleted proxies created by run ${runId} (no longer alive, used by no live run): ${changes.join('; ')}`,
    ),
  ];
}

/**
 * At a run's end: the proxies it created (and any a dead run created) are
 * deleted unless another live run still uses them — the last live run that
 * uses an ordeal-made proxy removes it. Returns what was deleted.
 */
export async function releaseOwnedProxies(http: GuardedHttp, toxiproxyUrl: string, runId: string): Promise<string[]> {
  const leases = await readLeases();
  const proxies = await listProxies(http, toxiproxyUrl);
  const nowMs = wallClockMs();
  const live = new Set([
    ...leases.filter(isLeaseAlive).map((lease) => lease.runId),
    ...runsAliveByHeartbeat(proxies, nowMs),
  ]);
  live.delete(runId);
  const deleted = await removeOwnedProxies(
    http,
    toxiproxyUrl,
    (id, beating) => id === runId || (!live.has(id) && !beating),
    nowMs,
  );
  return deleted.flatMap((d) => d.changes);
}

/** Before a run touches a Toxiproxy: faults left there by dead runs go, and the user is told; a Toxiproxy that does not answer stops the run (exit 3). */
export async function sweepBeforeRun(
  http: GuardedHttp,
  toxiproxyUrl: string,
  runId: string,
  onMessage: (message: string) => void,
): Promise<void> {
  let result: SweepResult;
  try {
    result = await sweepPatiently(http, toxiproxyUrl, { exceptRunId: runId });
  } catch (cause) {
    throw new OrdealError(
      'ORDEAL_ERR_TOXIPROXY',
      `Toxiproxy at ${redactUrl(toxiproxyUrl)} does not answer (${(cause as Error).message}; start toxiproxy-server, or set toxiproxy.url)`,
      { cause },
    );
  }
  describeSweep(result).forEach(onMessage);
}

/**
 * sweepStaleFaults for a run starting or `ordeal cleanup`: three tries, 0.5 s apart, so a Toxiproxy (or an ordeal)
 * starved on a busy host for a second or two still gets its answer (each call keeps its short timeout, which the
 * watchdog's clean-up after a kill -9 relies on); one that does not answer for about 5 s is an error.
 */
export function sweepPatiently(
  http: GuardedHttp,
  toxiproxyUrl: string,
  options: Parameters<typeof sweepStaleFaults>[2] = {},
): Promise<SweepResult> {
  return retried(() => sweepStaleFaults(http, toxiproxyUrl, options), 3, 500);
}

async function retried<T>(attempt: () => Promise<T>, tries: number, pauseMs: number): Promise<T> {
  for (let left = tries - 1; ; left--) {
    try {
      return await attempt();
    } catch (error) {
      if (left === 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
