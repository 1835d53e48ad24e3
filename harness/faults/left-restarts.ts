import { runRestartCommand } from '../process/restart-command.ts';
import { isLeaseAlive, writeLease, type FaultLease } from './fault-lease.ts';

/**
 * `ordeal cleanup`'s part for killed processes: the restart commands dead runs (every run, with `all`) had not run
 * yet, each run now (5 s to exit, left running after); a line each, and the leases rewritten without them.
 */
export async function runLeftRestarts(leases: readonly FaultLease[], all: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const lease of leases) {
    if (!lease.restarts?.length || (!all && isLeaseAlive(lease))) continue;
    for (const restart of lease.restarts) lines.push(`run ${lease.runId}: ${await runRestartCommand(restart, 5_000)}`);
    await writeLease({ ...lease, restarts: [] });
  }
  return lines;
}
