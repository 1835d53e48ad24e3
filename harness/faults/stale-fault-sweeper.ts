import { isLeaseAlive, readLeases, removeLease } from './fault-lease.ts';
import { removeRunFaults, type RemovedFaults } from './run-fault-cleaner.ts';

export interface SweepResult {
  removed: RemovedFaults[];
}

/**
 * Removes faults in the Toxiproxy at `toxiproxyUrl` that belong to runs no
 * longer alive (no lease, or a lease whose harness and watchdog are both
 * gone), then drops those runs' leases. Faults of live runs, and of
 * `exceptRunId`, stay. `includeLive` removes every ordeal fault (`ordeal cleanup --all`).
 */
export async function sweepStaleFaults(toxiproxyUrl: string, options: { exceptRunId?: string; includeLive?: boolean } = {}): Promise<SweepResult> {
  const leases = await readLeases();
  const live = new Set(leases.filter(isLeaseAlive).map((lease) => lease.runId));
  const removed = await removeRunFaults(toxiproxyUrl, (runId) => runId !== options.exceptRunId && (options.includeLive === true || !live.has(runId)));
  const deadLeases = leases.filter((lease) => !live.has(lease.runId) && lease.runId !== options.exceptRunId);
  await Promise.all(deadLeases.filter((lease) => lease.toxiproxyUrl === toxiproxyUrl || lease.toxiproxyUrl === '').map((lease) => removeLease(lease.runId)));
  return { removed };
}

export function describeSweep(result: SweepResult): string[] {
  return result.removed.map(({ runId, changes }) => `removed faults left by run ${runId} (no longer alive): ${changes.join('; ')}`);
}
